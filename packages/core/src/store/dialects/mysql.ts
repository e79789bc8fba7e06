import { type Column, count } from 'drizzle-orm';
import { customType, type MySqlColumnBuilderBase, mysqlTable } from 'drizzle-orm/mysql-core';
import { drizzle } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
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
    longText: 'LONGTEXT',
    json: 'LONGTEXT',
    bool: 'BOOLEAN',
    int: 'INT',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    timestamp: 'DATETIME(3)',
  };
  return types[spec.kind];
};

/** DATETIME has no zone: Tempo writes and reads it as UTC text `YYYY-MM-DD HH:MM:SS.mmm`. */
const toDatetime = (value: unknown): string =>
  new Date(value as string).toISOString().replace('T', ' ').replace('Z', '');
const fromDatetime = (value: unknown): string =>
  new Date(`${String(value).replace(' ', 'T')}Z`).toISOString();

const columnBuilder = (name: string, spec: ColumnSpec): MySqlColumnBuilderBase => {
  const codec = codecFor(spec.kind, {
    bool: { toDriver: (value) => (value ? 1 : 0), fromDriver: (value) => value === 1 || value === true },
    timestamp: { toDriver: toDatetime, fromDriver: fromDatetime },
  });
  return customType<{ data: unknown; driverData: unknown }>({
    dataType: () => native(spec),
    toDriver: codec.toDriver,
    fromDriver: codec.fromDriver,
  })(name);
};

/** Connects a pool to MySQL or MariaDB and returns its dialect. */
export const openMysql = (options: NetworkDatabaseOptions): SqlDialect => {
  const client = mysql.createPool({
    host: options.host,
    port: options.port || 3306,
    database: options.database,
    user: options.user,
    password: options.password,
    connectionLimit: options.maxConnections,
    connectTimeout: options.commandTimeoutSeconds * 1000,
    timezone: 'Z',
    dateStrings: true,
    charset: 'utf8mb4',
  });
  const db = drizzle({ client });
  const tables = cachedTables((spec: TableSpec) => mysqlTable(spec.name, columnsFor(spec, columnBuilder)));

  return {
    type: 'Mysql',
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
    update: async (spec, values, where) => {
      const [header] = await db.update(tables(spec)).set(values).where(where);
      return header.affectedRows;
    },
    delete: async (spec, where) => {
      const [header] = await db.delete(tables(spec)).where(where);
      return header.affectedRows;
    },
    executeDdl: async (statement) => {
      await client.query(statement);
    },
    indexExists: async (table, name) => {
      const [rows] = await client.query<mysql.RowDataPacket[]>(
        'SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ? LIMIT 1',
        [table, name],
      );
      return rows.length > 0;
    },
    columnType: native,
    quote: (identifier) => `\`${identifier.replace(/`/g, '``')}\``,
    // Binary collation: text compares case-sensitively, as in SQLite and PostgreSQL.
    tableOptions: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    supportsCreateIndexIfNotExists: false,
    isUniqueViolation: (error) => hasCode(error, ['ER_DUP_ENTRY', 1062]),
    close: () => client.end(),
  };
};
