/** One batch of a run's lines, written by {@link RunLogFlusher} with blocking calls. */
export interface FlushJob {
  /** Bytes the job writes, to bound what one turn of the event loop takes on. */
  readonly bytes: number;
  /** Writes the batch; must not throw (a job reports its own failure). */
  write(): void;
}

/** Most jobs written in one turn of the event loop. */
const MAX_JOBS_PER_TURN = 128;
/** Most bytes written in one turn of the event loop. */
const MAX_BYTES_PER_TURN = 1024 * 1024;
/** Longest a turn keeps writing before it yields to the requests waiting behind it. */
const MAX_TURN_MS = 4;

/**
 * Writes the run logs of this process in batches, once per turn of the event loop, with
 * blocking file calls. A short run's log is a folder and two small appends: done through the
 * promise API, each call is a round trip to the thread pool and a callback, which costs more
 * CPU than the write itself, on the path every trigger call takes. Here the batches queued
 * during one turn are written together right after it (`setImmediate`), so a run's answer never
 * waits for its log, and one turn writes at most {@link MAX_JOBS_PER_TURN} jobs,
 * {@link MAX_BYTES_PER_TURN} bytes or {@link MAX_TURN_MS} ms before it yields. Jobs are written in
 * the order they were queued, so one run's batches stay in order.
 */
export class RunLogFlusher {
  #queue: FlushJob[] = [];
  #next = 0;
  #scheduled = false;

  /** Queues a job for the next turn. */
  enqueue(job: FlushJob): void {
    this.#queue.push(job);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  /** Jobs queued and not written yet. */
  get pending(): number {
    return this.#queue.length - this.#next;
  }

  #drain(): void {
    const startedMs = performance.now();
    let jobs = 0;
    let bytes = 0;
    while (
      this.#next < this.#queue.length &&
      jobs < MAX_JOBS_PER_TURN &&
      bytes < MAX_BYTES_PER_TURN &&
      performance.now() - startedMs < MAX_TURN_MS
    ) {
      const job = this.#queue[this.#next] as FlushJob;
      this.#next += 1;
      jobs += 1;
      bytes += job.bytes;
      job.write();
    }
    if (this.#next >= this.#queue.length) {
      this.#queue = [];
      this.#next = 0;
      this.#scheduled = false;
      return;
    }
    // Drop what was written so the queue does not grow while a backlog drains.
    if (this.#next > 1024) {
      this.#queue = this.#queue.slice(this.#next);
      this.#next = 0;
    }
    setImmediate(() => this.#drain());
  }
}
