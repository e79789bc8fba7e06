import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Logger } from '@tempo/core/logging';

/** SQLite's primary result code for a lock another connection holds (extended codes keep it in the low byte). */
const SQLITE_BUSY = 5;

const isLocked = (error: unknown): boolean => {
  const code = (error as { readonly errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && (code & 0xff) === SQLITE_BUSY;
};

/** The folder beside a SQLite database where each server on it keeps its liveness lock. */
export const instanceLockFolderOf = (databaseFile: string): string => `${resolve(databaseFile)}.servers`;

/**
 * Liveness locks of the servers sharing one SQLite file. Every server holds the operating
 * system's write lock on `<database>.servers/<srv_id>.lock` (SQLite takes it for a transaction that
 * stays open) for as long as its process lives; the kernel drops it however the process ends, so
 * `kill -9` included. A server on the same file can therefore tell, without waiting for a
 * heartbeat to go stale, that an instance whose lock file it can take has stopped.
 *
 * A SQLite file is only ever shared on one machine, so the lock is as reliable as the file's own.
 * Other databases have no such file: their instances are judged by heartbeat alone.
 */
export class InstanceLocks {
  readonly #folder: string;
  readonly #log: Logger;
  #held: DatabaseSync | undefined;
  /** Instances proven stopped: their file is gone after the proof, and an id is never reused. */
  readonly #released = new Set<string>();
  /** The lock file's temporary name until {@link publish}. */
  #pending: string | undefined;

  private constructor(folder: string, log: Logger) {
    this.#folder = folder;
    this.#log = log;
  }

  /**
   * Takes this process's lock under a temporary name. It gets the instance's name only through
   * {@link publish}, so no other server ever finds a lock file with that name that is not held.
   */
  static hold(databaseFile: string, log: Logger): InstanceLocks {
    const locks = new InstanceLocks(instanceLockFolderOf(databaseFile), log);
    mkdirSync(locks.#folder, { recursive: true, mode: 0o700 });
    const pending = join(locks.#folder, `.pending-${process.pid}-${randomBytes(6).toString('hex')}`);
    const database = new DatabaseSync(pending, { timeout: 0 });
    try {
      // The journal stays in memory: the transaction never writes, and no file is left beside it.
      database.exec('PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE');
    } catch (error) {
      database.close();
      rmSync(pending, { force: true });
      throw error;
    }
    locks.#held = database;
    locks.#pending = pending;
    return locks;
  }

  /** Names the held lock after the instance, once its `server_instances` row exists. */
  publish(instanceId: string): void {
    if (!this.#pending) return;
    // The lock belongs to the open file, not to its name: renaming keeps it held.
    renameSync(this.#pending, this.#fileOf(instanceId));
    this.#pending = undefined;
  }

  /**
   * Whether the instance has provably stopped: its lock file exists and nobody holds its lock.
   * A missing file proves nothing (a server of another build, or one still starting), so the
   * caller falls back to the heartbeat. A stopped instance's file is removed.
   */
  isReleased(instanceId: string): boolean {
    if (this.#released.has(instanceId)) return true;
    const file = this.#fileOf(instanceId);
    if (!existsSync(file)) return false;
    let probe: DatabaseSync | undefined;
    try {
      probe = new DatabaseSync(file, { timeout: 0 });
      probe.exec('BEGIN EXCLUSIVE');
      probe.exec('ROLLBACK');
    } catch (error) {
      probe?.close();
      if (!isLocked(error))
        this.#log.warn({ err: error, instanceId }, 'server liveness lock could not be probed');
      return false;
    }
    probe.close();
    this.#released.add(instanceId);
    rmSync(file, { force: true });
    return true;
  }

  /** Drops this process's lock and its file (server stop). */
  release(instanceId: string | null): void {
    this.#held?.close();
    this.#held = undefined;
    if (this.#pending) rmSync(this.#pending, { force: true });
    else if (instanceId) rmSync(this.#fileOf(instanceId), { force: true });
    this.#pending = undefined;
  }

  #fileOf(instanceId: string): string {
    // Ids are `srv_` + ULID; anything else never names a path here.
    if (!/^[A-Za-z0-9_]+$/.test(instanceId)) throw new Error(`not a server instance id: ${instanceId}`);
    return join(this.#folder, `${instanceId}.lock`);
  }
}

/** The database file whose servers keep liveness locks, or null when it is not a SQLite file. */
export const lockableDatabaseFileOf = (database: {
  readonly type: string;
  readonly filename: string;
}): string | null =>
  database.type === 'Sqlite' && database.filename !== ':memory:' ? database.filename : null;
