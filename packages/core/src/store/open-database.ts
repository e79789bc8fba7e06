import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlDialect } from './dialect.ts';
import { openMysql } from './dialects/mysql.ts';
import { openPostgres } from './dialects/postgres.ts';
import { openSqlite } from './dialects/sqlite.ts';
import { type MigrationReport, migrate } from './migrations.ts';
import { createRepositories, type Repositories } from './repositories.ts';

/** The `database` settings the store needs (the fields of `tempo.json`'s `database` section). */
export interface DatabaseOptions {
  readonly type: 'Sqlite' | 'Postgresql' | 'Mysql' | 'SqlServer';
  /** SQLite file, already absolute or relative to the working folder. */
  readonly filename: string;
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

const openDialect = (options: DatabaseOptions): SqlDialect => {
  const timeout = options.commandTimeoutSeconds ?? 30;
  switch (options.type) {
    case 'Sqlite':
      if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true });
      return openSqlite({ filename: options.filename, busyTimeoutMs: timeout * 1000 });
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
      return options.type === 'Postgresql' ? openPostgres(network) : openMysql(network);
    }
    case 'SqlServer':
      throw new DatabaseConfigError(
        'database.type SqlServer is not supported: drizzle-orm has no SQL Server dialect yet. Use Sqlite, Postgresql or Mysql.',
      );
  }
};

/** Opens the configured database; call `migrate()` before first use. */
export const openDatabase = (options: DatabaseOptions): TempoDatabase => {
  const dialect = openDialect(options);
  return {
    dialect,
    repositories: createRepositories(dialect),
    migrate: () => migrate(dialect),
    close: () => dialect.close(),
  };
};
