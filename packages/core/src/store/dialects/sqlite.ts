import Database, { type Statement } from 'better-sqlite3';
import { BoundedMap } from '../bounded-map.ts';
import { type BoundStatement, CompiledStatements } from '../compiled-statements.ts';
import type { SqlDialect } from '../dialect.ts';
import type { ColumnKind, TableSpec } from '../table-model.ts';
import { type Codec, codecFor } from './codecs.ts';
import { hasCode } from './driver-errors.ts';
import { cachedTables } from './table-cache.ts';

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
  const statements = new BoundedMap<string, Statement>(STATEMENT_CACHE_SIZE);
  return (text: string): Statement => {
    let statement = statements.get(text);
    if (statement === undefined) {
      statement = client.prepare(text);
      statements.set(text, statement);
    }
    return statement;
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

/** Opens an SQLite database in WAL mode and returns its dialect. */
export const openSqlite = (options: SqliteOptions): SqlDialect => {
  const client = new Database(options.filename);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
  const statements = new CompiledStatements({
    quote,
    parameter: () => '?',
    codec: (kind) => codecFor(kind, SQLITE_CODECS),
  });
  const decoders = cachedTables((spec: TableSpec) => statements.decoder(spec));
  const prepared = statementCache(client);
  const writes = groupCommit(client);
  // The last check and the read share one synchronous step: nothing can open a batch between.
  const readCommitted = async <T>(read: () => T): Promise<T> => {
    for (let open = writes.openBatch(); open !== null; open = writes.openBatch()) await open;
    return read();
  };
  const write = ({ text, params }: BoundStatement): Promise<number> => {
    const statement = prepared(text);
    return writes.run(() => statement.run(...params).changes);
  };

  return {
    type: 'Sqlite',
    select: async (spec, query) => {
      const { text, params } = statements.select(
        spec,
        query.filter,
        query.orderBy,
        query.limit === undefined ? undefined : { limit: query.limit, offset: query.offset ?? 0 },
      );
      const statement = prepared(text);
      const decode = decoders(spec);
      return readCommitted(() => (statement.all(...params) as Record<string, unknown>[]).map(decode));
    },
    count: async (spec, filter) => {
      const { text, params } = statements.count(spec, filter);
      const statement = prepared(text);
      return readCommitted(() => (statement.get(...params) as { n: number } | undefined)?.n ?? 0);
    },
    insert: async (spec, rows) => {
      if (rows.length > 0) await write(statements.insert(spec, rows));
    },
    update: async (spec, values, filter) => write(statements.update(spec, values, filter)),
    delete: async (spec, filter) => write(statements.delete(spec, filter)),
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
    quote,
    tableOptions: '',
    supportsCreateIndexIfNotExists: true,
    isUniqueViolation: (error) =>
      hasCode(error, ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']),
    isValueTooLong: () => false,
    close: async () => {
      writes.flush();
      client.close();
    },
  };
};
