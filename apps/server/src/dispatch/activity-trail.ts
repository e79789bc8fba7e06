import type { Logger } from '@tempo/core/logging';
import type { Repositories } from '@tempo/core/store';
import { type ActivityEntry, activityRow } from '../workers/worker-activity.ts';

/**
 * Entries waiting for their write past which new ones are not kept (only counted, and the count
 * logged): the trail is history, and no burst of events may turn it into the server's memory.
 * Callers that a worker's frames drive wait for their entry's write, so a worker cannot fill it;
 * this is the bound for the rest.
 */
export const MAX_QUEUED_ACTIVITY = 10_000;

/**
 * The coordinator's side of the worker activity trail: entries are stamped when they happen and
 * written in order, every entry that arrived while one write was in flight together in the next
 * multi-row insert, so the trail costs a round trip per burst instead of one per event. The
 * trail is history, not control: a failed write is logged and swallowed.
 */
export class ActivityTrail {
  readonly #repositories: Repositories;
  readonly #log: Logger;
  #queued: { readonly row: ReturnType<typeof activityRow> | null; readonly done: () => void }[] = [];
  /** Entries queued and kept: {@link #queued} also holds the waiters of entries not kept. */
  #kept = 0;
  #flushing = false;

  constructor(repositories: Repositories, log: Logger) {
    this.#repositories = repositories;
    this.#log = log;
  }

  /**
   * Appends an entry; resolves once it is written (or its write failed and was logged, or it was
   * not kept because {@link MAX_QUEUED_ACTIVITY} were waiting, once those are written).
   */
  record(entry: ActivityEntry): Promise<void> {
    const row = this.#kept < MAX_QUEUED_ACTIVITY ? activityRow(entry) : null;
    if (row) this.#kept += 1;
    const written = new Promise<void>((resolve) => this.#queued.push({ row, done: resolve }));
    if (!this.#flushing) {
      this.#flushing = true;
      // A microtask later, so entries recorded in the same turn share the write.
      queueMicrotask(() => void this.#flush());
    }
    return written;
  }

  async #flush(): Promise<void> {
    while (this.#queued.length > 0) {
      const batch = this.#queued;
      this.#queued = [];
      const rows = batch.flatMap((entry) => (entry.row ? [entry.row] : []));
      this.#kept = 0;
      if (rows.length < batch.length)
        this.#log.warn(
          { dropped: batch.length - rows.length },
          'worker activity not recorded: too many waiting',
        );
      try {
        await this.#repositories.workerActivity.createMany(rows);
      } catch (error) {
        this.#log.warn(
          { err: error, events: rows.map((row) => row.eventType) },
          'worker activity not recorded',
        );
      }
      for (const entry of batch) entry.done();
    }
    this.#flushing = false;
  }
}
