/**
 * The writes of one run, issued as the run goes. The store applies writes in the order they are
 * issued, so a write is issued at once and nobody waits for it until the run's answer is due: the
 * run's rows of one turn share a commit with every other run's (SQLite's group commit, a pool's
 * batch), and a step run never lands before its run row.
 */
export class RunWrites {
  #pending: Promise<unknown>[] = [];
  #failure: { readonly error: unknown } | null = null;

  /** The first write that failed, if any has (known once it settled). */
  get failure(): { readonly error: unknown } | null {
    return this.#failure;
  }

  /** Issues a write behind the ones before it; its own promise reports its outcome. */
  issue<T>(write: () => Promise<T>): Promise<T> {
    const issued = write();
    const tracked = issued.catch((error: unknown) => {
      this.#failure ??= { error };
    });
    this.#pending.push(tracked);
    return issued;
  }

  /** Resolves once every write issued so far has settled (failures are in {@link failure}). */
  async settled(): Promise<void> {
    while (this.#pending.length > 0) {
      const pending = this.#pending;
      this.#pending = [];
      await Promise.all(pending);
    }
  }
}
