import { type Column, count, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { customType, type PgColumnBuilderBase, pgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { SqlDialect } from '../dialect.ts';
import type { ColumnKind, ColumnSpec, TableSpec } from '../table-model.ts';
import { codecFor } from './codecs.ts';
import { hasCode } from './driver-errors.ts';
import type { NetworkDatabaseOptions } from './network-options.ts';
import { cachedTables, columnsFor } from './table-cache.ts';

const native = (spec: ColumnSpec): string => {
  const types: Record<ColumnKind, string> = {
    id: 'VARCHAR(64)',
    text: `VARCHAR(${spec.length})`,
    longText: 'TEXT',
    json: 'TEXT',
    bool: 'BOOLEAN',
    int: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE PRECISION',
    timestamp: 'TIMESTAMPTZ(3)',
  };
  return types[spec.kind];
};

const columnBuilder = (name: string, spec: ColumnSpec): PgColumnBuilderBase => {
  const codec = codecFor(spec.kind);
  return customType<{ data: unknown; driverData: unknown }>({
    dataType: () => native(spec),
    toDriver: codec.toDriver,
    fromDriver: codec.fromDriver,
  })(name);
};

/** Connects a pool to PostgreSQL and returns its dialect. */
export const openPostgres = (options: NetworkDatabaseOptions): SqlDialect => {
  const client = new pg.Pool({
    host: options.host,
    port: options.port || 5432,
    database: options.database,
    user: options.user,
    password: options.password,
    max: options.maxConnections,
    statement_timeout: options.commandTimeoutSeconds * 1000,
    connectionTimeoutMillis: options.commandTimeoutSeconds * 1000,
  });
  const db = drizzle({ client });
  const tables = cachedTables((spec: TableSpec) => pgTable(spec.name, columnsFor(spec, columnBuilder)));

  return {
    type: 'Postgresql',
    columns: (spec) => tables(spec) as unknown as Record<string, Column>,
    select: async (spec, query) => {
      const base = db
        .select()
        .from(tables(spec))
        .where(query.where)
        .orderBy(...query.orderBy);
      if (query.limit === undefined) return base;
      return base.limit(query.limit).offset(query.offset ?? 0);
    },
    count: async (spec, where) =>
      (await db.select({ n: count() }).from(tables(spec)).where(where))[0]?.n ?? 0,
    insert: async (spec, rows) => {
      if (rows.length > 0) await db.insert(tables(spec)).values([...rows]);
    },
    update: async (spec, values, where) =>
      (await db.update(tables(spec)).set(values).where(where)).rowCount ?? 0,
    delete: async (spec, where) => (await db.delete(tables(spec)).where(where)).rowCount ?? 0,
    executeDdl: async (statement) => {
      await db.execute(sql.raw(statement));
    },
    indexExists: async (table, name) => {
      const result = await client.query('SELECT 1 FROM pg_indexes WHERE tablename = $1 AND indexname = $2', [
        table,
        name,
      ]);
      return (result.rowCount ?? 0) > 0;
    },
    columnType: native,
    quote: (identifier) => `"${identifier.replace(/"/g, '""')}"`,
    tableOptions: '',
    supportsCreateIndexIfNotExists: true,
    isUniqueViolation: (error) => hasCode(error, ['23505']),
    close: () => client.end(),
  };
};
