import type { Logger } from '@tempo/core/logging';
import type { Repositories } from '@tempo/core/store';
import { type ActivityEntry, activityRow } from '../workers/worker-activity.ts';

/**
 * The coordinator's side of the worker activity trail: entries are stamped when they happen and
 * written in order, every entry that arrived while one write was in flight together in the next
 * multi-row insert, so the trail costs a round trip per burst instead of one per event. The
 * trail is history, not control: a failed write is logged and swallowed.
 */
export class ActivityTrail {
  readonly #repositories: Repositories;
  readonly #log: Logger;
  #queued: { readonly row: ReturnType<typeof activityRow>; readonly done: () => void }[] = [];
  #flushing = false;

  constructor(repositories: Repositories, log: Logger) {
    this.#repositories = repositories;
    this.#log = log;
  }

  /** Appends an entry; resolves once it is written (or its write failed and was logged). */
  record(entry: ActivityEntry): Promise<void> {
    const row = activityRow(entry);
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
      try {
        await this.#repositories.workerActivity.createMany(batch.map((entry) => entry.row));
      } catch (error) {
        this.#log.warn(
          { err: error, events: batch.map((entry) => entry.row.eventType) },
          'worker activity not recorded',
        );
      }
      for (const entry of batch) entry.done();
    }
    this.#flushing = false;
  }
}
