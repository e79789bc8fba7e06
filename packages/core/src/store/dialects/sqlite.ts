import Database, { type Statement } from 'better-sqlite3';
import { type Column, count } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { customType, type SQLiteColumnBuilderBase, sqliteTable } from 'drizzle-orm/sqlite-core';
import type { LooseRow, SqlDialect } from '../dialect.ts';
import { type ColumnKind, type ColumnSpec, snakeCase, type TableSpec } from '../table-model.ts';
import { type Codec, codecFor } from './codecs.ts';
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

const SQLITE_CODECS: Partial<Record<ColumnKind, Codec>> = {
  bool: { toDriver: (value) => (value ? 1 : 0), fromDriver: (value) => value === 1 || value === true },
};

/** How many distinct statements stay prepared; `IN` lists of many lengths must not grow it forever. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Prepared statements by SQL text. Preparing costs more than running a short statement on a
 * wide table, and the store issues the same few shapes over and over.
 */
const statementCache = (client: Database.Database) => {
  const statements = new Map<string, Statement>();
  return (text: string): Statement => {
    let statement = statements.get(text);
    if (statement === undefined) {
      statement = client.prepare(text);
      if (statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
      statements.set(text, statement);
    }
    return statement;
  };
};

/** Turns a row as SQLite returns it (snake_case names, driver values) into the store's row. */
const rowDecoder = (spec: TableSpec): ((row: Record<string, unknown>) => LooseRow) => {
  const columns = Object.entries(spec.columns).map(
    ([key, column]) => [key, snakeCase(key), codecFor(column.kind, SQLITE_CODECS)] as const,
  );
  return (row) => {
    const decoded: LooseRow = {};
    for (const [key, name, codec] of columns) {
      const value = row[name];
      decoded[key] = value === null || value === undefined ? null : codec.fromDriver(value);
    }
    return decoded;
  };
};

/** One write of an open batch: how to run it again alone, and how to answer its caller. */
interface PendingWrite {
  readonly statement: () => unknown;
  result: unknown;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * Group commit. In WAL mode the commit is most of the cost of a small write, and a busy server
 * issues many writes per turn of the event loop: the writes of one turn share a transaction that
 * is committed on the next turn, and each write resolves only once that commit has happened, so
 * a resolved write is as durable as an autocommitted one.
 *
 * Answered means durable, so two more rules. Reads wait until no batch is open: a read never
 * returns a row that a later rollback takes away. And a batch that fails as a whole (the commit
 * fails, or a statement makes SQLite roll the whole transaction back, as a full disk or a
 * `RAISE(ROLLBACK)` does) is replayed write by write, each in its own transaction, so writes
 * unrelated to the failure survive and each write's promise reports its own outcome. A statement
 * that fails alone (a unique key) rejects alone and the batch goes on.
 */
const groupCommit = (client: Database.Database) => {
  let batch: PendingWrite[] | null = null;
  /** Resolves when the open batch has been committed or replayed; null when none is open. */
  let closed: { readonly promise: Promise<void>; readonly resolve: () => void } | null = null;

  const close = () => {
    batch = null;
    const done = closed;
    closed = null;
    // Readers go first: they were waiting for exactly this moment.
    done?.resolve();
  };

  const rollback = () => {
    if (client.inTransaction) client.exec('ROLLBACK');
  };

  /** Runs one write in a transaction of its own and settles it with its own outcome. */
  const replay = (write: PendingWrite) => {
    try {
      client.exec('BEGIN');
      const result = write.statement();
      client.exec('COMMIT');
      write.resolve(result);
    } catch (error) {
      rollback();
      write.reject(error);
    }
  };

  const fail = (writes: PendingWrite[]) => {
    rollback();
    close();
    for (const write of writes) replay(write);
  };

  const commit = (writes: PendingWrite[]) => {
    if (batch !== writes) return; // already replayed and settled
    try {
      client.exec('COMMIT');
    } catch {
      // The cause is reported by the write that still fails when run alone.
      fail(writes);
      return;
    }
    close();
    for (const write of writes) write.resolve(write.result);
  };

  const open = (): PendingWrite[] => {
    client.exec('BEGIN');
    const writes: PendingWrite[] = [];
    let resolve = () => {};
    const promise = new Promise<void>((done) => {
      resolve = done;
    });
    batch = writes;
    closed = { promise, resolve };
    setImmediate(() => commit(writes));
    return writes;
  };

  return {
    run<T>(statement: () => T): Promise<T> {
      const writes = batch ?? open();
      return new Promise<T>((resolve, reject) => {
        const write: PendingWrite = {
          statement,
          result: undefined,
          resolve: (result) => resolve(result as T),
          reject,
        };
        try {
          write.result = statement();
        } catch (error) {
          if (client.inTransaction) {
            reject(error);
            return;
          }
          // SQLite rolled the whole transaction back: this write is replayed with the others.
          fail([...writes, write]);
          return;
        }
        writes.push(write);
      });
    },
    /**
     * While a batch is open, a promise of its end; null when none is. A reader waits until this
     * is null and then reads in the same synchronous step, so no new batch can slip in between.
     */
    openBatch(): Promise<void> | null {
      return closed?.promise ?? null;
    },
    /** Commits what is pending now (before closing). */
    flush(): void {
      if (batch !== null) commit(batch);
    },
  };
};

const columnBuilder = (name: string, spec: ColumnSpec): SQLiteColumnBuilderBase => {
  const codec = codecFor(spec.kind, SQLITE_CODECS);
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
  const decoders = cachedTables(rowDecoder);
  const prepared = statementCache(client);
  // drizzle builds the SQL and encodes the parameters; running it goes through the cache.
  const statementOf = (query: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql: text, params } = query.toSQL();
    return { statement: prepared(text), params };
  };
  const writes = groupCommit(client);
  // The last check and the read share one synchronous step: nothing can open a batch between.
  const readCommitted = async <T>(read: () => T): Promise<T> => {
    for (let open = writes.openBatch(); open !== null; open = writes.openBatch()) await open;
    return read();
  };
  const write = (query: { toSQL(): { sql: string; params: unknown[] } }): Promise<number> => {
    const { statement, params } = statementOf(query);
    return writes.run(() => statement.run(...params).changes);
  };

  return {
    type: 'Sqlite',
    columns: (spec) => tables(spec) as unknown as Record<string, Column>,
    select: async (spec, query) => {
      const base = db
        .select()
        .from(tables(spec))
        .where(query.where)
        .orderBy(...query.orderBy);
      const { statement, params } = statementOf(
        query.limit === undefined ? base : base.limit(query.limit).offset(query.offset ?? 0),
      );
      const decode = decoders(spec);
      return readCommitted(() => (statement.all(...params) as Record<string, unknown>[]).map(decode));
    },
    count: async (spec, where) => {
      const { statement, params } = statementOf(db.select({ n: count() }).from(tables(spec)).where(where));
      return readCommitted(() => {
        // drizzle selects `count(*)` without an alias: the one column is the count.
        const row = statement.get(...params) as Record<string, number> | undefined;
        return row ? (Object.values(row)[0] ?? 0) : 0;
      });
    },
    insert: async (spec, rows) => {
      if (rows.length > 0) await write(db.insert(tables(spec)).values([...rows]));
    },
    update: async (spec, values, where) => write(db.update(tables(spec)).set(values).where(where)),
    delete: async (spec, where) => write(db.delete(tables(spec)).where(where)),
    executeDdl: async (statement) => {
      await writes.run(() => client.exec(statement));
    },
    indexExists: async (_table, name) =>
      readCommitted(
        () =>
          client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(name) !==
          undefined,
      ),
    columnType: (spec) => NATIVE[spec.kind],
    quote: (identifier) => `"${identifier.replace(/"/g, '""')}"`,
    tableOptions: '',
    supportsCreateIndexIfNotExists: true,
    isUniqueViolation: (error) =>
      hasCode(error, ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']),
    close: async () => {
      writes.flush();
      client.close();
    },
  };
};
