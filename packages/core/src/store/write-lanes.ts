import { AsyncLocalStorage } from 'node:async_hooks';

const lanes = new AsyncLocalStorage<string>();

/**
 * Issues writes in a lane of their own. On PostgreSQL and MySQL the writes of one lane are
 * committed one batch at a time, in the order they were issued; a lane does not wait for the
 * batches of another, so short writes that something is waiting on (the dispatcher's claims,
 * before their `assign` frames can leave) need not queue behind a large batch of unrelated ones.
 * Only writes that depend on nothing still in flight in another lane belong here. SQLite has one
 * connection and ignores lanes.
 */
export const inWriteLane = <T>(lane: string, issue: () => T): T => lanes.run(lane, issue);

/** The lane of the writes issued in this async context; undefined for the default one. */
export const currentWriteLane = (): string | undefined => lanes.getStore();
