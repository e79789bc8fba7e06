import { randomUUID } from 'node:crypto';
import { TempoError } from '@tempo/contracts';
import type { ScopedRepository } from './repository.ts';
import { Tables } from './tables/index.ts';
import type { WriteClock } from './write-clock.ts';

/**
 * Every table a trigger call's definitions come from: triggers, flows, steps, and what an
 * execution snapshot pins (artifacts and their versions), with the tenants that own them.
 * Definitions change rarely, so one coarse rule that cannot miss a dependency beats a precise
 * one that might.
 */
export const DEFINITION_TABLES: readonly string[] = [
  Tables.tenants.name,
  Tables.triggers.name,
  Tables.dataFlows.name,
  Tables.steps.name,
  Tables.artifacts.name,
  Tables.artifactVersions.name,
];

/** The id of the one `definition_versions` row, written by migration 7. */
export const DEFINITION_STAMP_ROW_ID = 'definitions';

/**
 * The database-wide stamp of the definitions: a value that changes after every write to a
 * {@link DEFINITION_TABLES} table, by any server sharing the database. A server that reads it
 * before reading definitions, and again before serving them from memory, sees every edit whose
 * write had settled when that second read was issued.
 *
 * Wired by `createRepositories`: every write through the store to one of those tables moves the
 * stamp before its promise settles, so whatever path made the edit (API route, tenant cascade,
 * artifact pin change, seeding, migration) has moved it before its caller is answered.
 */
export class DefinitionStamp {
  readonly #rows: ScopedRepository<typeof Tables.definitionVersions>;

  constructor(rows: ScopedRepository<typeof Tables.definitionVersions>, clock: WriteClock) {
    this.#rows = rows;
    clock.afterWrite(DEFINITION_TABLES, () => this.bump());
  }

  /** The stamp as stored now; empty only before migration 7. */
  async read(): Promise<string> {
    return (await this.#rows.get(DEFINITION_STAMP_ROW_ID))?.stamp ?? '';
  }

  /** Gives the stamp a new value no server has seen (the row is created if a restore lost it). */
  async bump(): Promise<void> {
    const values = { stamp: randomUUID(), updatedUtc: new Date().toISOString() };
    if ((await this.#rows.updateWhere({ id: DEFINITION_STAMP_ROW_ID }, values)) > 0) return;
    try {
      await this.#rows.create({ id: DEFINITION_STAMP_ROW_ID, ...values });
    } catch (error) {
      // Another server created the row first: move it past that server's value.
      if (!(error instanceof TempoError && error.code === 'Conflict')) throw error;
      await this.#rows.updateWhere({ id: DEFINITION_STAMP_ROW_ID }, values);
    }
  }
}
