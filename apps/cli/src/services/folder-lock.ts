import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { sleep } from './process-tools.ts';

const RETRY_MS = 100;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const holderOf = (lockFile: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/** Takes the lock or returns false when another holder has it; clears a lock its dead holder left. */
const tryLock = (lockFile: string): boolean => {
  try {
    const fd = openSync(lockFile, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = holderOf(lockFile);
  // A lock without a pid is being written this instant; give its holder a moment.
  if (holder !== undefined && !isAlive(holder)) rmSync(lockFile, { force: true });
  return false;
};

/** Which lock to take, how long to wait for it, and the error to throw when that is too long. */
export interface FolderLockOptions {
  readonly lockFile: string;
  readonly timeoutMs: number;
  readonly fail: (problem: string) => Error;
}

/**
 * Runs `work` while holding an exclusive lock file, so that two `./tempo test` runs (or two
 * calls in one run) never initialise or start the same server folder at the same time.
 */
export const withFolderLock = async <T>(options: FolderLockOptions, work: () => Promise<T>): Promise<T> => {
  const { lockFile, timeoutMs } = options;
  mkdirSync(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  while (!tryLock(lockFile)) {
    if (Date.now() > deadline) {
      const holder = holderOf(lockFile);
      throw options.fail(
        `waited ${timeoutMs} ms for the lock ${lockFile} held by process ${holder}; ` +
          'delete it if that process is not a Tempo test run',
      );
    }
    await sleep(RETRY_MS);
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
};
