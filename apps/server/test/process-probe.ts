import { readdirSync, readFileSync } from 'node:fs';

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
