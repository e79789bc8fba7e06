import type { BoundStatement } from '../compiled-statements.ts';
import type { LooseRow } from '../dialect.ts';
import type { TableSpec } from '../table-model.ts';
import { currentWriteLane } from '../write-lanes.ts';

/** One pooled connection, held for one batch. */
export interface PooledSession {
  /** Runs a statement; resolves to the number of rows it changed. */
  run(statement: BoundStatement): Promise<number>;
  /**
   * Where the driver can: runs several statements as one transaction in one round trip,
   * resolving to the rows each changed (a failure rolls them all back); null when it cannot
   * take these statements, which then run one by one inside BEGIN and COMMIT.
   */
  runTogether?(statements: readonly BoundStatement[]): Promise<number[]> | null;
  /** Gives the connection back to the pool; `broken` drops it instead. */
  release(broken: boolean): void;
}

/** What {@link PooledGroupCommit} needs from a networked dialect. */
export interface PooledWriteTarget {
  /** Takes a connection from the pool. */
  connect(): Promise<PooledSession>;
  /** The insert statement of rows of one table. */
  insert(spec: TableSpec, rows: readonly LooseRow[]): BoundStatement;
  /**
   * Whether the database refused a statement and rolled the transaction back with the connection
   * still sound, so each write can be tried again on its own. A lost connection is not: a write
   * whose commit was sent may have been applied.
   */
  refused(error: unknown): boolean;
}

/** Most bound values one merged insert carries: under every dialect's limit (PostgreSQL's 65,535). */
const MAX_MERGED_PARAMETERS = 30_000;

const BEGIN: BoundStatement = { text: 'BEGIN', params: [] };
const COMMIT: BoundStatement = { text: 'COMMIT', params: [] };
const ROLLBACK: BoundStatement = { text: 'ROLLBACK', params: [] };

/** A write waiting for its batch, and how to answer its caller. */
interface PendingWrite {
  readonly spec: TableSpec;
  /** The rows of an insert, or null for another statement. */
  readonly rows: readonly LooseRow[] | null;
  readonly statement: BoundStatement | null;
  resolve(changed: number): void;
  reject(error: unknown): void;
}

/** One statement of a batch and the writes it carries (several for a merged insert). */
interface BatchStatement {
  readonly writes: readonly PendingWrite[];
  readonly statement: BoundStatement;
}

const statementOf = (target: PooledWriteTarget, write: PendingWrite): BoundStatement =>
  write.statement ?? target.insert(write.spec, write.rows ?? []);

/** The writes of one lane waiting for their batch, and the loop sending its batches. */
interface Lane {
  queue: PendingWrite[];
  /** The loop sending batches, while one runs (or is about to). */
  flushing: Promise<void> | null;
}

/**
 * Group commit over a connection pool. The writes of a lane issued while none of its batches is
 * in flight are sent together once the turn of the event loop that issued the first of them is
 * over, in one transaction on one connection, in the order they were issued; those issued
 * meanwhile make the lane's next batch. Most writes share the default lane; a caller may put
 * independent writes in one of their own (see `inWriteLane`), whose batches do not wait for
 * the default lane's. Inserts into one table are merged into one multi-row statement (placed where the
 * first of them was, and never past a change to that table issued after it), so a busy turn's
 * run rows cost a few statements and one commit instead of a round trip and a commit each. A
 * write resolves only once its batch has committed: answered means durable.
 *
 * Since one batch per lane is in flight at a time, the writes of a lane apply in the order they
 * are issued, as on one connection. A batch the database refuses as a whole (a unique key, a deadlock, a value too
 * long) is rolled back and replayed write by write, each committed on its own, so each write's
 * promise reports its own outcome and writes unrelated to the failure survive. Reads do not pass
 * through here: they run on the pool's other connections and see what has committed.
 */
export class PooledGroupCommit {
  readonly #target: PooledWriteTarget;
  /** Per lane name ('' for the default lane); a lane stays once used (callers name a few). */
  readonly #lanes = new Map<string, Lane>();

  constructor(target: PooledWriteTarget) {
    this.#target = target;
  }

  /** Inserts rows; resolves once committed. */
  insert(spec: TableSpec, rows: readonly LooseRow[]): Promise<number> {
    return this.#enqueue(spec, rows, null);
  }

  /** Runs an update or delete of one table; resolves to the rows it changed, once committed. */
  change(spec: TableSpec, statement: BoundStatement): Promise<number> {
    return this.#enqueue(spec, null, statement);
  }

  /** Resolves once every write issued so far has settled. */
  async drain(): Promise<void> {
    // Until no lane is busy: a write settling in one lane may issue another in a lane already passed.
    for (;;) {
      const busy = [...this.#lanes.values()].flatMap((lane) => (lane.flushing ? [lane.flushing] : []));
      if (busy.length === 0) return;
      await Promise.all(busy);
    }
  }

  #enqueue(spec: TableSpec, rows: readonly LooseRow[] | null, statement: BoundStatement | null) {
    const name = currentWriteLane() ?? '';
    let lane = this.#lanes.get(name);
    if (!lane) {
      lane = { queue: [], flushing: null };
      this.#lanes.set(name, lane);
    }
    const into = lane;
    return new Promise<number>((resolve, reject) => {
      into.queue.push({ spec, rows, statement, resolve, reject });
      into.flushing ??= new Promise<void>((started) => setImmediate(started)).then(() => this.#flush(into));
    });
  }

  async #flush(lane: Lane): Promise<void> {
    try {
      while (lane.queue.length > 0) {
        const batch = lane.queue;
        lane.queue = [];
        await this.#commit(batch);
      }
    } finally {
      lane.flushing = null;
    }
  }

  /**
   * The batch's statements: its inserts merged per table, its other writes as issued. A write
   * whose values cannot be encoded is rejected here, alone.
   */
  #statements(batch: readonly PendingWrite[]): BatchStatement[] {
    const groups: PendingWrite[][] = [];
    /** Per table, the merged insert that later inserts may still join, and its bound values. */
    const open = new Map<TableSpec, { writes: PendingWrite[]; parameters: number }>();
    for (const write of batch) {
      if (write.rows === null) {
        // Nothing issued after a change to a table may land before it.
        open.delete(write.spec);
        groups.push([write]);
        continue;
      }
      const parameters = write.rows.length * Object.keys(write.spec.columns).length;
      const merged = open.get(write.spec);
      if (merged && merged.parameters + parameters <= MAX_MERGED_PARAMETERS) {
        merged.writes.push(write);
        merged.parameters += parameters;
        continue;
      }
      const writes = [write];
      open.set(write.spec, { writes, parameters });
      groups.push(writes);
    }
    const statements: BatchStatement[] = [];
    for (const writes of groups) {
      const [first] = writes;
      if (first === undefined) continue;
      try {
        const statement =
          writes.length === 1
            ? statementOf(this.#target, first)
            : this.#target.insert(
                first.spec,
                writes.flatMap((write) => write.rows ?? []),
              );
        statements.push({ writes, statement });
      } catch {
        // Some value cannot be encoded: each write on its own, the faulty one rejected.
        for (const write of writes)
          try {
            statements.push({ writes: [write], statement: statementOf(this.#target, write) });
          } catch (error) {
            write.reject(error);
          }
      }
    }
    return statements;
  }

  async #commit(batch: readonly PendingWrite[]): Promise<void> {
    const statements = this.#statements(batch);
    if (statements.length === 0) return;
    let session: PooledSession;
    try {
      session = await this.#target.connect();
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    const alone = statements.length === 1;
    let changed: number[] = [];
    let inTransaction = false;
    try {
      const together = alone
        ? null
        : (session.runTogether?.(statements.map(({ statement }) => statement)) ?? null);
      if (together) {
        changed = await together;
      } else {
        if (!alone) {
          await session.run(BEGIN);
          inTransaction = true;
        }
        for (const { statement } of statements) changed.push(await session.run(statement));
        if (inTransaction) await session.run(COMMIT);
      }
    } catch (error) {
      await this.#recover(
        session,
        statements.flatMap((statement) => statement.writes),
        error,
        inTransaction,
      );
      return;
    }
    session.release(false);
    statements.forEach((statement, index) => {
      const [first, ...rest] = statement.writes;
      // A merged insert answers each of its writes with its own row count.
      if (rest.length === 0) first?.resolve(changed[index] ?? 0);
      else for (const write of statement.writes) write.resolve(write.rows?.length ?? 0);
    });
  }

  /** After a failed batch: replays its writes one by one when the database refused it, else fails them. */
  async #recover(
    session: PooledSession,
    batch: readonly PendingWrite[],
    error: unknown,
    inTransaction: boolean,
  ): Promise<void> {
    const refused = this.#target.refused(error);
    let sound = refused;
    if (sound && inTransaction)
      sound = await session.run(ROLLBACK).then(
        () => true,
        () => false,
      );
    if (!sound) {
      session.release(true);
      for (const write of batch) write.reject(error);
      return;
    }
    if (batch.length === 1) {
      session.release(false);
      batch[0]?.reject(error);
      return;
    }
    // Each write on its own, in issue order, on the same connection (autocommit).
    for (const write of batch) {
      try {
        write.resolve(await session.run(statementOf(this.#target, write)));
      } catch (failure) {
        write.reject(failure);
        if (!this.#target.refused(failure)) {
          session.release(true);
          for (const rest of batch.slice(batch.indexOf(write) + 1)) rest.reject(failure);
          return;
        }
      }
    }
    session.release(false);
  }
}
