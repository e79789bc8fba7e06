/**
 * Runs tasks one after another per key, in the order they were handed over; tasks of different
 * keys run side by side. A failed task does not stop the ones queued behind it. In-process only:
 * two processes sharing one store each have their own queue.
 */
export class KeyedSerializer {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task of `key` has settled; resolves or rejects as it does. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // The map holds only keys with work queued, so it does not grow with every key ever seen.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or queued. */
  get busyKeys(): number {
    return this.#tails.size;
  }
}
