/** Work for the executor; `release` frees its slot before the work has settled. */
export type Job = (release: () => void) => Promise<void>;

/**
 * Runs queued work in this process, at most `concurrency` at a time, in arrival order: the
 * server's pseudo-worker `wrk_local_server`.
 */
export class LocalExecutor {
  readonly #concurrency: number;
  readonly #queue: Job[] = [];
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(concurrency: number) {
    this.#concurrency = Math.max(1, concurrency);
  }

  /**
   * Queues a job; it runs when a slot is free. A job may hand its slot back early through
   * `release` (a run whose steps are done but whose rows are still being written), else the slot
   * is free when the job settles. Jobs must not throw.
   */
  submit(job: Job): void {
    this.#queue.push(job);
    this.#drain();
  }

  /** Whether a job submitted now would start at once. */
  get hasFreeSlot(): boolean {
    return this.#running < this.#concurrency && this.#queue.length === 0;
  }

  /** Resolves when nothing is queued or running (for shutdown). */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #drain(): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const job = this.#queue.shift();
      if (!job) return;
      this.#running += 1;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.#running -= 1;
        this.#drain();
        if (this.#running === 0 && this.#queue.length === 0)
          for (const resolve of this.#idle.splice(0)) resolve();
      };
      void job(release).finally(release);
    }
  }
}
