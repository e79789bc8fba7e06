import pg from 'pg';
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
    // The store's statements name the primary key or an indexed prefix; a plan built for the
    // values at hand picks an index on a state column when its statistics say the state is rare,
    // and then walks the dead entries every state change leaves behind. One generic plan per
    // prepared statement also spares the server planning each call.
    options: '-c plan_cache_mode=force_generic_plan',
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
  const queryOf = ({ text, params }: BoundStatement): pg.QueryConfig => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED_STATEMENTS) {
      name = `tempo_${names.size}`;
      names.set(text, name);
    }
    const values = [...params];
    return name === undefined ? { text, values } : { name, text, values };
  };
  /** A statement with its values written in as literals, for a query of several statements. */
  const inlined = ({ text, params }: BoundStatement): string =>
    text.replace(/\$(\d+)/g, (_placeholder, position: string) => {
      const value = params[Number(position) - 1];
      return value === null || value === undefined ? 'NULL' : pg.escapeLiteral(String(value));
    });
  const run = (statement: BoundStatement) => client.query<Record<string, unknown>>(queryOf(statement));
  const writes = new PooledGroupCommit({
    connect: async () => {
      const session = await client.connect();
      return {
        run: async (statement) =>
          (await session.query(statement.params.length === 0 ? statement.text : queryOf(statement)))
            .rowCount ?? 0,
        // One simple-protocol query of several statements is one implicit transaction and one
        // round trip, where prepared statements would cost one round trip each and two more for
        // BEGIN and COMMIT; the values go in as escaped literals, which the columns' types read
        // as the driver's text parameters would be read.
        runTogether: (statements) => {
          // NUL cannot travel in query text; as a parameter PostgreSQL refuses it with a code.
          if (statements.some(({ params }) => params.some((value) => String(value).includes('\u0000'))))
            return null;
          const text = statements.map(inlined).join(';\n');
          return session
            .query(text)
            .then((results: unknown) =>
              (Array.isArray(results) ? (results as pg.QueryResult[]) : [results as pg.QueryResult]).map(
                (result) => result.rowCount ?? 0,
              ),
            );
        },
        release: (broken) => session.release(broken),
      };
    },
    insert: (spec, rows) => statements.insert(spec, rows),
    // A SQLSTATE from the server, other than a lost or closing connection (classes 08 and 57P).
    refused: (error) =>
      error instanceof pg.DatabaseError &&
      typeof error.code === 'string' &&
      !error.code.startsWith('08') &&
      !error.code.startsWith('57P'),
  });

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
      if (rows.length > 0) await writes.insert(spec, rows);
    },
    update: async (spec, values, filter) => writes.change(spec, statements.update(spec, values, filter)),
    delete: async (spec, filter) => writes.change(spec, statements.delete(spec, filter)),
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
    isUniqueViolation: (error) => hasCode(error, ['23505']),
    // string_data_right_truncation
    isValueTooLong: (error) => hasCode(error, ['22001']),
    close: async () => {
      await writes.drain();
      await client.end();
    },
  };
};
