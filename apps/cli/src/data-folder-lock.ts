import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** The lock file in a data folder: an empty SQLite database whose write lock marks the holder. */
export const DATA_FOLDER_LOCK_FILE = 'tempo.lock';

/** Beside the lock: the holder's process id, only to name it when another start is refused. */
export const DATA_FOLDER_PID_FILE = 'tempo.pid';

/** A second server on the same data folder: its database, logs and artifacts belong to the first. */
export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';
  /** The data folder, absolute. */
  readonly dataDir: string;
  /** The process that holds the folder, when it wrote its id. */
  readonly holderPid: number | undefined;

  constructor(dataDir: string, holderPid: number | undefined) {
    super(
      `the data folder ${dataDir} is in use by another Tempo server` +
        `${holderPid === undefined ? '' : ` (process ${holderPid})`}; stop that one first, ` +
        'or give this one a data folder of its own (--data-dir DIR or --settings FILE in another folder).',
    );
    this.dataDir = dataDir;
    this.holderPid = holderPid;
  }
}

/** A data folder held by this process until {@link DataFolderLock.release} or its exit. */
export interface DataFolderLock {
  readonly dataDir: string;
  /** Lets the next server in; safe to call more than once. */
  release(): void;
}

/** SQLite's primary result code for a lock another connection holds (extended codes keep it in the low byte). */
const SQLITE_BUSY = 5;

const isLocked = (error: unknown): boolean => {
  const code = (error as { readonly errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && (code & 0xff) === SQLITE_BUSY;
};

const holderPidOf = (dataDir: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, DATA_FOLDER_PID_FILE), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/** Opens the lock file and holds its write lock, or says why it cannot. */
const holdLockFile = (dataDir: string): DatabaseSync => {
  const lockFile = join(dataDir, DATA_FOLDER_LOCK_FILE);
  let database: DatabaseSync | undefined;
  try {
    // No busy timeout: a second server is refused now, not after waiting for the first to stop.
    database = new DatabaseSync(lockFile, { timeout: 0 });
    // The journal stays in memory: the transaction never writes, and no file is left beside it.
    database.exec('PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE');
    return database;
  } catch (error) {
    database?.close();
    if (isLocked(error)) throw new DataFolderInUseError(dataDir, holderPidOf(dataDir));
    // An unwritable folder or a foreign file by that name: say which file, not only SQLite's words.
    throw new Error(
      `cannot lock the data folder through ${lockFile}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
};

/**
 * Takes the data folder for this process or throws {@link DataFolderInUseError} at once.
 *
 * The lock is the operating system's record lock on `tempo.lock` (SQLite takes it for a write
 * transaction that stays open), so the kernel drops it when the process ends however it ends:
 * a folder whose server was killed is free again with no stale file to clear, and a reused
 * process id (after a reboot or in a restarted container) can never keep it held. A lock that
 * trusted a pid file would have to guess both.
 */
export const lockDataFolder = (folder: string): DataFolderLock => {
  const dataDir = resolve(folder);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const database = holdLockFile(dataDir);
  writeFileSync(join(dataDir, DATA_FOLDER_PID_FILE), `${process.pid}\n`);
  let held = true;
  return {
    dataDir,
    release: () => {
      if (!held) return;
      held = false;
      rmSync(join(dataDir, DATA_FOLDER_PID_FILE), { force: true });
      database.close();
    },
  };
};
