import { TempoError } from '@tempo/contracts';
import type { ScopedRepository } from './repository.ts';
import type { RowOf } from './table-model.ts';
import type { Tables } from './tables/index.ts';

/** A lease row as stored. */
export type LeaseRecord = RowOf<typeof Tables.schedulerLeases>;

const isoAfter = (ms: number): string => new Date(Date.now() + ms).toISOString();

/**
 * The compare-and-set writes of `scheduler_leases`. Each method is one conditional write whose
 * guard names the exact row state the caller last saw, so of several servers racing from the
 * same view exactly one succeeds, on every dialect: the row lock makes the second writer
 * re-check the guard against the first one's row (PostgreSQL, InnoDB) or waits for it (SQLite),
 * and a row created twice at once is a primary-key conflict for the second.
 *
 * Whether a lease has lapsed is the caller's judgement (it alone knows how long it has watched
 * the row unchanged); this class only makes the change safe.
 */
export class SchedulerLeases {
  readonly #rows: ScopedRepository<typeof Tables.schedulerLeases>;

  constructor(rows: ScopedRepository<typeof Tables.schedulerLeases>) {
    this.#rows = rows;
  }

  /** The lease as stored now, or null before anyone took it. */
  read(name: string): Promise<LeaseRecord | null> {
    return this.#rows.findOne({ name });
  }

  /**
   * Takes or renews the lease for `holderInstanceId` for `leaseMs`, provided the row is still
   * exactly `seen` (null = no row yet). Renewing keeps the epoch; taking it from another holder
   * (or from nobody, after a release) moves it on by one. Resolves to the lease now held, or null
   * when another server changed the row first.
   */
  async acquire(
    name: string,
    holderInstanceId: string,
    leaseMs: number,
    seen: LeaseRecord | null,
  ): Promise<LeaseRecord | null> {
    const acquiredUtc = new Date().toISOString();
    const expiresUtc = isoAfter(leaseMs);
    if (!seen) {
      const row = { name, holderInstanceId, epoch: 1, acquiredUtc, expiresUtc };
      try {
        return await this.#rows.create(row);
      } catch (error) {
        if (error instanceof TempoError && error.code === 'Conflict') return null;
        throw error;
      }
    }
    const renewing = seen.holderInstanceId === holderInstanceId;
    const next = renewing
      ? { ...seen, expiresUtc }
      : { name, holderInstanceId, epoch: seen.epoch + 1, acquiredUtc, expiresUtc };
    const changed = await this.#rows.updateWhere(
      {
        name,
        holderInstanceId: seen.holderInstanceId,
        epoch: seen.epoch,
        expiresUtc: seen.expiresUtc,
      },
      next,
    );
    return changed === 1 ? next : null;
  }

  /**
   * Gives the lease up at once (a graceful stop), only while `held` is still the row: another
   * server may take it on its next look instead of waiting for it to lapse.
   */
  async release(held: LeaseRecord): Promise<boolean> {
    const changed = await this.#rows.updateWhere(
      {
        name: held.name,
        holderInstanceId: held.holderInstanceId,
        epoch: held.epoch,
        expiresUtc: held.expiresUtc,
      },
      { holderInstanceId: null, expiresUtc: new Date().toISOString() },
    );
    return changed === 1;
  }
}
