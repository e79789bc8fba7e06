/**
 * Counts the writes made through this process's store, per table. A cache of rows stamps each
 * entry with {@link WriteClock.stampOf} its tables before it reads them, and trusts the entry only
 * while the stamp is unchanged: a write that lands during the read moves the stamp, so a row read
 * before a write can never be served after it.
 *
 * It sees writes of this process only; writes of other servers on the same database are seen
 * through a stamp in the database that {@link WriteClock.afterWrite} hooks move.
 */
export class WriteClock {
  readonly #ticks = new Map<string, number>();
  readonly #afterWrite = new Map<string, () => Promise<void>>();

  /** Records a write to a table; called before the write is issued and again once it settles. */
  tick(table: string): void {
    this.#ticks.set(table, (this.#ticks.get(table) ?? 0) + 1);
  }

  /**
   * Work a write to one of these tables must finish before the write counts as done, such as
   * moving a stamp other servers read. One hook per table; a later one replaces it.
   */
  afterWrite(tables: readonly string[], hook: () => Promise<void>): void {
    for (const table of tables) this.#afterWrite.set(table, hook);
  }

  /**
   * The after-write hook of a table started, or undefined when it has none, so a write to
   * any other table (every write of a run) does not even wait a microtask.
   */
  settle(table: string): Promise<void> | undefined {
    return this.#afterWrite.get(table)?.();
  }

  /** One number for the writes made so far to these tables; it only grows. */
  stampOf(tables: readonly string[]): number {
    let stamp = 0;
    for (const table of tables) stamp += this.#ticks.get(table) ?? 0;
    return stamp;
  }
}
