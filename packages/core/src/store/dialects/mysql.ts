import mysql from 'mysql2/promise';
import { type BoundStatement, CompiledStatements } from '../compiled-statements.ts';
import type { SqlDialect } from '../dialect.ts';
import type { ColumnKind, ColumnSpec, TableSpec } from '../table-model.ts';
import { codecFor } from './codecs.ts';
import { hasCode } from './driver-errors.ts';
import type { NetworkDatabaseOptions } from './network-options.ts';
import { PooledGroupCommit } from './pooled-group-commit.ts';
import { cachedTables } from './table-cache.ts';

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

const MYSQL_CODECS = {
  bool: {
    toDriver: (value: unknown) => (value ? 1 : 0),
    fromDriver: (value: unknown) => value === 1 || value === true,
  },
  timestamp: { toDriver: toDatetime, fromDriver: fromDatetime },
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
  const quote = (identifier: string) => `\`${identifier.replace(/`/g, '``')}\``;
  const statements = new CompiledStatements({
    quote,
    parameter: () => '?',
    codec: (kind) => codecFor(kind, MYSQL_CODECS),
  });
  const decoders = cachedTables((spec: TableSpec) => statements.decoder(spec));
  const rowsOf = async ({ text, params }: BoundStatement) =>
    (await client.query<mysql.RowDataPacket[]>(text, [...params]))[0];
  const writes = new PooledGroupCommit({
    connect: async () => {
      const session = await client.getConnection();
      return {
        run: async ({ text, params }) =>
          (await session.query<mysql.ResultSetHeader>(text, [...params]))[0].affectedRows,
        release: (broken) => (broken ? session.destroy() : session.release()),
      };
    },
    insert: (spec, rows) => statements.insert(spec, rows),
    // An error the server answered with; a fatal one has lost the connection.
    refused: (error) => {
      const { sqlState, fatal } = error as { sqlState?: unknown; fatal?: unknown };
      return typeof sqlState === 'string' && fatal !== true;
    },
  });

  return {
    type: 'Mysql',
    select: async (spec, query) => {
      const page = query.limit === undefined ? undefined : { limit: query.limit, offset: query.offset ?? 0 };
      const rows = await rowsOf(statements.select(spec, query.filter, query.orderBy, page));
      return rows.map(decoders(spec));
    },
    count: async (spec, filter) => {
      const [row] = await rowsOf(statements.count(spec, filter));
      return Number(row?.n ?? 0);
    },
    insert: async (spec, rows) => {
      if (rows.length > 0) await writes.insert(spec, rows);
    },
    update: async (spec, values, filter) => writes.change(spec, statements.update(spec, values, filter)),
    delete: async (spec, filter) => writes.change(spec, statements.delete(spec, filter)),
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
    quote,
    // Binary collation: text compares case-sensitively, as in SQLite and PostgreSQL.
    tableOptions: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    supportsCreateIndexIfNotExists: false,
    isUniqueViolation: (error) => hasCode(error, ['ER_DUP_ENTRY', 1062]),
    isValueTooLong: (error) => hasCode(error, ['ER_DATA_TOO_LONG', 1406]),
    close: async () => {
      await writes.drain();
      await client.end();
    },
  };
};
