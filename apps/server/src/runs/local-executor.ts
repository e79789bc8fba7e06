/**
 * Runs queued work in this process, at most `concurrency` at a time, in arrival order: the
 * server's pseudo-worker `wrk_local_server`.
 */
export class LocalExecutor {
  readonly #concurrency: number;
  readonly #queue: (() => Promise<void>)[] = [];
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(concurrency: number) {
    this.#concurrency = Math.max(1, concurrency);
  }

  /** Queues a job; it runs when a slot is free. Jobs must not throw. */
  submit(job: () => Promise<void>): void {
    this.#queue.push(job);
    this.#drain();
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
      void job().finally(() => {
        this.#running -= 1;
        this.#drain();
        if (this.#running === 0 && this.#queue.length === 0)
          for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
  }
}
