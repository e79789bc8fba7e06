import { TempoError } from '@tempo/contracts';
import { dropIndex, ensureTable } from './ddl.ts';
import { DEFINITION_STAMP_ROW_ID } from './definition-stamp.ts';
import type { SqlDialect } from './dialect.ts';
import { EntityStore } from './entity-store.ts';
import { col, snakeCase, type TableSpec, table } from './table-model.ts';
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

/** Whether a table has a column: a query naming it fails when it does not. */
const hasColumn = async (dialect: SqlDialect, spec: TableSpec, key: string): Promise<boolean> => {
  const q = dialect.quote;
  try {
    await dialect.executeDdl(`SELECT ${q(snakeCase(key))} FROM ${q(spec.name)} WHERE 1 = 0`);
    return true;
  } catch {
    return false;
  }
};

/**
 * Adds a column of a table's description when the table lacks it, with the description's
 * default for existing rows. Only for columns whose default is a plain number or boolean.
 */
const addColumnWithDefault = async (dialect: SqlDialect, spec: TableSpec, key: string): Promise<void> => {
  const column = spec.columns[key];
  const value = column?.defaultValue;
  if (!column || (typeof value !== 'number' && typeof value !== 'boolean'))
    throw new RangeError(`${spec.name}.${key} is not a number or boolean column with a default.`);
  if (await hasColumn(dialect, spec, key)) return;
  const q = dialect.quote;
  // TRUE/FALSE: the literals SQLite, PostgreSQL and MySQL all take for their boolean columns.
  const literal = typeof value === 'boolean' ? (value ? 'TRUE' : 'FALSE') : String(value);
  await dialect.executeDdl(
    `ALTER TABLE ${q(spec.name)} ADD COLUMN ${q(snakeCase(key))} ${dialect.columnType(column)} NOT NULL DEFAULT ${literal}`,
  );
};

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
  {
    version: 2,
    description:
      'token versions of users and administrators (tokens revoked on password change, deactivation, revoke)',
    up: async (dialect) => {
      await addColumnWithDefault(dialect, Tables.users, 'tokenVersion');
      await addColumnWithDefault(dialect, Tables.administrators, 'tokenVersion');
    },
  },
  {
    version: 3,
    description:
      "index of a tenant's runs by state (start-up read every run of a tenant to find its queued ones); unused run indexes dropped",
    up: async (dialect) => {
      await ensureTable(dialect, Tables.flowRuns);
      // Every run query is scoped to a tenant, so these served nothing and cost every run write.
      for (const columns of [['state'], ['createdUtc']])
        await dropIndex(dialect, Tables.flowRuns, { columns, unique: false });
    },
  },
  {
    version: 4,
    description: 'audit log of security-relevant actions (audit_events)',
    up: async (dialect) => {
      await ensureTable(dialect, Tables.auditEvents);
    },
  },
  {
    version: 5,
    description:
      'artifact storage accounting and execute bits: unzipped size of each package version, execute bit of each file of the mutable tree',
    up: async (dialect) => {
      await addColumnWithDefault(dialect, Tables.artifactVersions, 'extractedBytes');
      await addColumnWithDefault(dialect, Tables.artifactFiles, 'isExecutable');
    },
  },
  {
    version: 7,
    description:
      'definition_versions: a stamp every definition write moves, so servers sharing the database drop cached definitions another server changed',
    up: async (dialect) => {
      await ensureTable(dialect, Tables.definitionVersions);
      // The row exists from here on, so a bump is one update (see DefinitionStamp).
      const rows = new EntityStore(dialect, Tables.definitionVersions);
      if (!(await rows.findOne({ id: DEFINITION_STAMP_ROW_ID })))
        await rows.insert({ id: DEFINITION_STAMP_ROW_ID, stamp: 'initial' }).catch((error: unknown) => {
          if (!(error instanceof TempoError && error.code === 'Conflict')) throw error;
        });
    },
  },
  {
    version: 8,
    description:
      'scheduler_leases: the scheduler role held by one server at a time among those sharing the database, through a lease renewed by compare-and-set',
    up: async (dialect) => {
      await ensureTable(dialect, Tables.schedulerLeases);
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
