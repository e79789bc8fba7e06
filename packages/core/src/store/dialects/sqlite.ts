import Database from 'better-sqlite3';
import { type Column, count, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { customType, type SQLiteColumnBuilderBase, sqliteTable } from 'drizzle-orm/sqlite-core';
import type { SqlDialect } from '../dialect.ts';
import type { ColumnKind, ColumnSpec, TableSpec } from '../table-model.ts';
import { codecFor } from './codecs.ts';
import { hasCode } from './driver-errors.ts';
import { cachedTables, columnsFor } from './table-cache.ts';

/** Options of the embedded SQLite database. */
export interface SqliteOptions {
  /** Database file; `:memory:` for a private in-memory database. */
  readonly filename: string;
  /** How long a writer waits for a lock before failing, in milliseconds. */
  readonly busyTimeoutMs: number;
}

const NATIVE: Record<ColumnKind, string> = {
  id: 'TEXT',
  text: 'TEXT',
  longText: 'TEXT',
  json: 'TEXT',
  bool: 'INTEGER',
  int: 'INTEGER',
  bigint: 'INTEGER',
  double: 'REAL',
  timestamp: 'TEXT',
};

const columnBuilder = (name: string, spec: ColumnSpec): SQLiteColumnBuilderBase => {
  const codec = codecFor(spec.kind, {
    bool: { toDriver: (value) => (value ? 1 : 0), fromDriver: (value) => value === 1 || value === true },
  });
  return customType<{ data: unknown; driverData: unknown }>({
    dataType: () => NATIVE[spec.kind],
    toDriver: codec.toDriver,
    fromDriver: codec.fromDriver,
  })(name);
};

/** Opens an SQLite database in WAL mode and returns its dialect. */
export const openSqlite = (options: SqliteOptions): SqlDialect => {
  const client = new Database(options.filename);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  const db = drizzle({ client });
  const tables = cachedTables((spec: TableSpec) => sqliteTable(spec.name, columnsFor(spec, columnBuilder)));

  return {
    type: 'Sqlite',
    columns: (spec) => tables(spec) as unknown as Record<string, Column>,
    select: async (spec, query) => {
      const base = db
        .select()
        .from(tables(spec))
        .where(query.where)
        .orderBy(...query.orderBy);
      if (query.limit === undefined) return base.all();
      return base
        .limit(query.limit)
        .offset(query.offset ?? 0)
        .all();
    },
    count: async (spec, where) => db.select({ n: count() }).from(tables(spec)).where(where).get()?.n ?? 0,
    insert: async (spec, rows) => {
      if (rows.length > 0)
        db.insert(tables(spec))
          .values([...rows])
          .run();
    },
    update: async (spec, values, where) => db.update(tables(spec)).set(values).where(where).run().changes,
    delete: async (spec, where) => db.delete(tables(spec)).where(where).run().changes,
    executeDdl: async (statement) => {
      db.run(sql.raw(statement));
    },
    indexExists: async (_table, name) =>
      client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(name) !== undefined,
    columnType: (spec) => NATIVE[spec.kind],
    quote: (identifier) => `"${identifier.replace(/"/g, '""')}"`,
    tableOptions: '',
    supportsCreateIndexIfNotExists: true,
    isUniqueViolation: (error) =>
      hasCode(error, ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']),
    close: async () => {
      client.close();
    },
  };
};
