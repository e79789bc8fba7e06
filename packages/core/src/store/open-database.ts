import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlDialect } from './dialect.ts';
import { type MigrationReport, migrate } from './migrations.ts';
import { createRepositories, type Repositories } from './repositories.ts';
import type { ColumnSealer } from './sealed-columns.ts';

/** The `database` settings the store needs (the fields of `tempo.json`'s `database` section). */
export interface DatabaseOptions {
  readonly type: 'Sqlite' | 'Postgresql' | 'Mysql' | 'SqlServer';
  /** SQLite file, already absolute or relative to the working folder; required for Sqlite. */
  readonly filename?: string;
  readonly server?: string | null;
  /** 0 = the provider's default port. */
  readonly port?: number;
  readonly databaseName?: string | null;
  readonly username?: string | null;
  readonly password?: string | null;
  readonly commandTimeoutSeconds?: number;
}

/** An open database: its dialect, every repository, and how to close it. */
export interface TempoDatabase {
  readonly dialect: SqlDialect;
  readonly repositories: Repositories;
  /** Applies pending migrations. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}

/** Why a database could not be opened, in words an operator can act on. */
export class DatabaseConfigError extends Error {
  override readonly name = 'DatabaseConfigError';
}

const required = (value: string | null | undefined, field: string, type: string): string => {
  if (value && value.trim() !== '') return value;
  throw new DatabaseConfigError(`database.${field} is required when database.type is ${type}.`);
};

// Each dialect is imported on first use: a driver's modules cost start-up time and memory, and a
// process only ever needs one of them.
const openDialect = async (options: DatabaseOptions): Promise<SqlDialect> => {
  const timeout = options.commandTimeoutSeconds ?? 30;
  switch (options.type) {
    case 'Sqlite': {
      const filename = required(options.filename, 'filename', options.type);
      if (filename !== ':memory:') {
        mkdirSync(dirname(filename), { recursive: true, mode: 0o700 });
        // Created owner-only before SQLite opens it: SQLite gives the WAL and shared-memory files
        // the database file's mode, so this one mode covers all three whatever the umask.
        closeSync(openSync(filename, 'a', 0o600));
      }
      const { openSqlite } = await import('./dialects/sqlite.ts');
      return openSqlite({ filename, busyTimeoutMs: timeout * 1000 });
    }
    case 'Postgresql':
    case 'Mysql': {
      const network = {
        host: required(options.server, 'server', options.type),
        port: options.port ?? 0,
        database: required(options.databaseName, 'databaseName', options.type),
        user: required(options.username, 'username', options.type),
        password: options.password ?? '',
        commandTimeoutSeconds: timeout,
        maxConnections: 10,
      };
      if (options.type === 'Postgresql')
        return (await import('./dialects/postgres.ts')).openPostgres(network);
      return (await import('./dialects/mysql.ts')).openMysql(network);
    }
    case 'SqlServer':
      throw new DatabaseConfigError(
        'database.type SqlServer is not supported yet. Use Sqlite, Postgresql or Mysql.',
      );
  }
};

/**
 * Opens the configured database; call `migrate()` before first use.
 * @param sealer seals the columns holding secrets (the server passes its secrets keyring's).
 */
export const openDatabase = async (
  options: DatabaseOptions,
  sealer?: ColumnSealer,
): Promise<TempoDatabase> => {
  const dialect = await openDialect(options);
  return {
    dialect,
    repositories: createRepositories(dialect, sealer),
    migrate: () => migrate(dialect),
    close: () => dialect.close(),
  };
};
