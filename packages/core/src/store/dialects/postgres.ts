import pg from 'pg';
import { type BoundStatement, CompiledStatements } from '../compiled-statements.ts';
import type { SqlDialect } from '../dialect.ts';
import type { ColumnKind, ColumnSpec, TableSpec } from '../table-model.ts';
import { codecFor } from './codecs.ts';
import { hasCode } from './driver-errors.ts';
import type { NetworkDatabaseOptions } from './network-options.ts';
import { cachedTables } from './table-cache.ts';

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

/** How many statement texts get a prepared name of their own on every pooled connection. */
const MAX_PREPARED_STATEMENTS = 1_024;

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
  const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
  const statements = new CompiledStatements({
    quote,
    parameter: (position) => `$${position}`,
    codec: (kind) => codecFor(kind),
  });
  const decoders = cachedTables((spec: TableSpec) => statements.decoder(spec));
  // Each statement text is prepared once per connection under a name of its own, so the server
  // parses and plans a shape once rather than on every call. Names are never reused for another
  // text (the driver refuses that), so past the bound new texts simply run unprepared.
  const names = new Map<string, string>();
  const run = ({ text, params }: BoundStatement) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED_STATEMENTS) {
      name = `tempo_${names.size}`;
      names.set(text, name);
    }
    const values = [...params];
    return client.query<Record<string, unknown>>(
      name === undefined ? { text, values } : { name, text, values },
    );
  };

  return {
    type: 'Postgresql',
    select: async (spec, query) => {
      const page = query.limit === undefined ? undefined : { limit: query.limit, offset: query.offset ?? 0 };
      const result = await run(statements.select(spec, query.filter, query.orderBy, page));
      return result.rows.map(decoders(spec));
    },
    count: async (spec, filter) => {
      const result = await run(statements.count(spec, filter));
      // PostgreSQL counts in BIGINT, which the driver hands over as text.
      return Number(result.rows[0]?.n ?? 0);
    },
    insert: async (spec, rows) => {
      if (rows.length > 0) await run(statements.insert(spec, rows));
    },
    update: async (spec, values, filter) =>
      (await run(statements.update(spec, values, filter))).rowCount ?? 0,
    delete: async (spec, filter) => (await run(statements.delete(spec, filter))).rowCount ?? 0,
    executeDdl: async (statement) => {
      await client.query(statement);
    },
    indexExists: async (table, name) => {
      const result = await client.query('SELECT 1 FROM pg_indexes WHERE tablename = $1 AND indexname = $2', [
        table,
        name,
      ]);
      return (result.rowCount ?? 0) > 0;
    },
    columnType: native,
    quote,
    tableOptions: '',
    supportsCreateIndexIfNotExists: true,
    // A pool spreads writes over connections: a later one may land first.
    writesInIssueOrder: false,
    isUniqueViolation: (error) => hasCode(error, ['23505']),
    close: () => client.end(),
  };
};
