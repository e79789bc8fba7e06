import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** An operating-system account a server process runs as. */
export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Where a command runs and where its output goes. */
export interface CommandOptions {
  /** stdout and stderr are appended here, so a failure can point at one file. */
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this account instead of the current one (needs root). */
  readonly runAs?: OsUser;
}

const DEFAULT_SEARCH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** True when the current process is root and so may switch accounts and use apt. */
export const isRoot = (): boolean => process.getuid?.() === 0;

/** The first executable called `name` on PATH, then in `extraDirs` and the usual system folders. */
export const findExecutable = (name: string, extraDirs: readonly string[] = []): string | undefined => {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of [...pathDirs, ...extraDirs, ...DEFAULT_SEARCH_DIRS]) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
};

/** Looks an account up in /etc/passwd; undefined when there is no such account. */
export const findOsUser = (name: string): OsUser | undefined => {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) {
      return { name, uid: Number(uid), gid: Number(gid) };
    }
  }
  return undefined;
};

const openLog = (logFile: string): number => {
  mkdirSync(dirname(logFile), { recursive: true });
  return openSync(logFile, 'a');
};

const spawnOptions = (options: CommandOptions) => ({
  cwd: options.cwd,
  env: options.env ?? process.env,
  ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
});

/** Runs a command to completion with its output appended to the log; resolves with its exit code. */
export const runCommand = (
  command: string,
  args: readonly string[],
  options: CommandOptions,
): Promise<number> => {
  const fd = openLog(options.logFile);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions(options), stdio: ['ignore', fd, fd] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => closeSync(fd));
};

/**
 * Starts a long-running server in its own session with output appended to the log, so it
 * outlives this process (the next `./tempo test` reuses it) and no terminal signal reaches it.
 */
export const spawnDetached = (
  command: string,
  args: readonly string[],
  options: CommandOptions,
): ChildProcess => {
  const fd = openLog(options.logFile);
  try {
    const child = spawn(command, args, {
      ...spawnOptions(options),
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
};

/** The pid written on the first line of a pid file, or undefined when there is none. */
export const readPidFile = (pidFile: string): number | undefined => {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

/**
 * True when `pid` is alive and its command line mentions `marker` (the data folder). After a
 * restart a stale pid file may name an unrelated process; a zombie has an empty command line.
 */
export const isProcessOf = (pid: number, marker: string): boolean => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .some((arg) => arg.includes(marker));
  } catch {
    return false;
  }
};

// sun_path is 108 bytes on Linux, including the terminating NUL.
const MAX_SOCKET_PATH_BYTES = 107;

/** True when `path` is short enough to bind a Unix socket to. */
export const fitsUnixSocketPath = (path: string): boolean => Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES;

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
