import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether a process is alive, read from `/proc` (Linux): a zombie counts as gone, since a killed
 * grandchild may wait to be reaped by an init that is slow to do so.
 */
export const pidIsAlive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may hold spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
};

/** Polls `check` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export const waitUntil = async (
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * The host pid of the live process whose command line is exactly `argv`, or null. A handler in a
 * PID namespace of its own sees other pids than the host (`$$` is 1 there), so a test finds its
 * processes on the host by a command line it made unique.
 */
export const hostPidOf = (argv: readonly string[]): number | null => {
  const wanted = `${argv.join('\0')}\0`;
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') === wanted && pidIsAlive(Number(name)))
        return Number(name);
    } catch {
      // Gone meanwhile.
    }
  }
  return null;
};

/** The parent pid of `pid` as the host sees it, or null when it is gone. */
export const parentPidOf = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
};

/** The live pids of `/proc`, read at once; entries that vanish meanwhile are skipped by callers. */
const liveProcessIds = (): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter(pidIsAlive);

/**
 * The pid of the `./tempo server` process started with `settingsFile`: the process whose command
 * line names it. Tests that kill a server with SIGKILL find it this way, since the launcher they
 * spawned is not the server itself. A child the server is forking shows the same command line
 * until it runs its program, so only the one whose parent is not itself a match counts.
 */
export const serverPidOf = (settingsFile: string): number => {
  const found = liveProcessIds().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(settingsFile);
    } catch {
      return false;
    }
  });
  const servers = found.filter((pid) => !found.includes(parentPidOf(pid) ?? 0));
  if (servers.length !== 1) throw new Error(`expected one server process, found ${servers.length}`);
  return servers[0] ?? 0;
};

/**
 * The live pids whose environment holds a variable for which `matches(name, value)` holds: how a
 * test finds the handler processes of its own server (they carry its scratch folder and call tag
 * in their environment), whatever PID namespace they run in.
 */
export const pidsWithEnvironment = (matches: (name: string, value: string) => boolean): number[] =>
  liveProcessIds().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .some((entry) => {
          const equals = entry.indexOf('=');
          return equals > 0 && matches(entry.slice(0, equals), entry.slice(equals + 1));
        });
    } catch {
      return false;
    }
  });

/** The per-call scratch folders (`{root}/{tenant}/{call}`) left under a scratch root. */
export const scratchFoldersUnder = (scratchRoot: string): string[] =>
  existsSync(scratchRoot)
    ? readdirSync(scratchRoot).flatMap((tenant) =>
        readdirSync(join(scratchRoot, tenant)).map((call) => join(scratchRoot, tenant, call)),
      )
    : [];
