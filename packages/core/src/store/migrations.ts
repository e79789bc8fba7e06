import { TempoError } from '@tempo/contracts';
import { ensureTable } from './ddl.ts';
import type { SqlDialect } from './dialect.ts';
import { EntityStore } from './entity-store.ts';
import { col, table } from './table-model.ts';
import { Tables } from './tables/index.ts';

/** `schema_migrations`: which versions of the schema were applied, and when. */
export const schemaMigrations = table(
  'schema_migrations',
  {
    version: col.int(),
    description: col.text(),
    appliedUtc: col.timestamp(),
  },
  { primaryKey: ['version'] },
);

/** One versioned, idempotent schema change. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  up(dialect: SqlDialect): Promise<void>;
}

/**
 * The schema's history. Version 1 creates the whole schema at the level of Tempo v0.3.0's
 * migration 14 (step runtime model, artifacts, distributed execution, worker auth, flow run
 * source ip, flow invocation auth mode); later changes append versions here.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema (Tempo v0.3.0 schema level 14)',
    up: async (dialect) => {
      for (const spec of Object.values(Tables)) await ensureTable(dialect, spec);
    },
  },
];

/** What a migration run did. */
export interface MigrationReport {
  /** Versions applied by this run, in order. */
  readonly applied: readonly number[];
  /** The schema version after the run. */
  readonly version: number;
}

/**
 * Applies the migrations the database has not seen, in order. Safe to run any number of times
 * and from several processes at once: each step is idempotent and a version recorded by a
 * concurrent run is taken as applied.
 */
export const migrate = async (dialect: SqlDialect, migrations = MIGRATIONS): Promise<MigrationReport> => {
  await ensureTable(dialect, schemaMigrations);
  const store = new EntityStore(dialect, schemaMigrations);
  const done = new Set((await store.find({})).map((row) => row.version));
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    await migration.up(dialect);
    try {
      await store.insert({
        version: migration.version,
        description: migration.description,
        appliedUtc: new Date().toISOString(),
      });
    } catch (error) {
      if (!(error instanceof TempoError && error.code === 'Conflict')) throw error;
    }
    applied.push(migration.version);
  }
  const version = Math.max(0, ...done, ...applied);
  return { applied, version };
};
