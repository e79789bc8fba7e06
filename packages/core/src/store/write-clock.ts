/**
 * Counts the writes made through this process's store, per table. A cache of rows stamps each
 * entry with {@link WriteClock.stampOf} its tables before it reads them, and trusts the entry only
 * while the stamp is unchanged: a write that lands during the read moves the stamp, so a row read
 * before a write can never be served after it.
 *
 * It sees writes of this process only. A second server on the same database moves it through
 * {@link WriteClock.tick} once it learns of a remote write (the seam for cluster-wide invalidation).
 */
export class WriteClock {
  readonly #ticks = new Map<string, number>();

  /** Records a write to a table; called before the write is issued and again once it settles. */
  tick(table: string): void {
    this.#ticks.set(table, (this.#ticks.get(table) ?? 0) + 1);
  }

  /** One number for the writes made so far to these tables; it only grows. */
  stampOf(tables: readonly string[]): number {
    let stamp = 0;
    for (const table of tables) stamp += this.#ticks.get(table) ?? 0;
    return stamp;
  }
}
