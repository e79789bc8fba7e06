import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';

/** One process as `/proc/<pid>/stat` shows it (Linux). */
export interface ProcessStat {
  readonly pid: number;
  readonly ppid: number;
  /** When the process started, in clock ticks since boot: with the pid, its identity. */
  readonly startTicks: number;
  /** A zombie has exited; it cannot be signalled and holds nothing. */
  readonly zombie: boolean;
}

/** Every process visible in `/proc` at one moment, by pid. */
export type ProcessTable = ReadonlyMap<number, ProcessStat>;

/** Chooses the processes to stop from a fresh table; asked again after every round of stops. */
export type ProcessSelector = (table: ProcessTable) => Promise<readonly ProcessStat[]>;

/**
 * Rounds of stop-and-rescan before the stopped processes are killed. A tree that keeps forking
 * faster than it is scanned is cut at this bound; each round stops everything it finds, so only
 * a child forked in the instant between a scan and its parent's stop needs another round.
 */
const MAX_STOP_ROUNDS = 64;

/** `PF_KTHREAD` of the stat's flags field: a kernel thread, never part of a handler's tree. */
const KERNEL_THREAD_FLAG = 0x00200000;

/**
 * Reads `/proc/<pid>/stat`; the command name sits in parentheses and may hold anything. Kernel
 * threads read as null: their environment is always empty and no handler can start one.
 */
const parseStat = (text: string): ProcessStat | null => {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  if (close < 0 || !Number.isInteger(pid)) return null;
  // Fields after the name, numbered from `state` (field 3): ppid is field 4, flags field 9,
  // starttime field 22.
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const startTicks = Number(fields[19]);
  if (!Number.isFinite(ppid) || !Number.isFinite(startTicks)) return null;
  if (Number(fields[6]) & KERNEL_THREAD_FLAG) return null;
  return { pid, ppid, startTicks, zombie: fields[0] === 'Z' || fields[0] === 'X' };
};

/** The stat of one process read at once, or null when it is gone or `/proc` is missing. */
export const readProcessStatSync = (pid: number): ProcessStat | null => {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
};

/** Whether `/proc` lists processes here (Linux); elsewhere no tree can be followed. */
export const canReadProcessTable = (): boolean => readProcessStatSync(process.pid) !== null;

/**
 * Stat files read in one go before the event loop gets a turn. `/proc` files are made by the
 * kernel on read and a synchronous read takes microseconds, while the same read through the
 * thread pool costs a round trip each: slices keep a scan fast without stalling other requests.
 */
const STAT_READS_PER_SLICE = 128;

/** Every process in `/proc` now; empty where there is no `/proc`. */
export const readProcessTable = async (): Promise<ProcessTable> => {
  const names = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  const table = new Map<number, ProcessStat>();
  for (let start = 0; start < names.length; start += STAT_READS_PER_SLICE) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when the loop yields changes who waits, not what is read.
    if (start > 0) await new Promise((resume) => setImmediate(resume));
    for (const name of names.slice(start, start + STAT_READS_PER_SLICE)) {
      const stat = readProcessStatSync(Number(name));
      if (stat) table.set(stat.pid, stat);
    }
  }
  return table;
};

/**
 * Rounds of reading an environment that showed empty, and the pause between them. The kernel
 * shows a process's environment empty while it is being started or replaced (`exec`); a
 * process that a handler starts to replace itself at once must not slip through that window.
 */
const ENVIRON_READ_ATTEMPTS = 5;
const ENVIRON_RETRY_MS = 10;

/**
 * One variable of a process's environment as it was started: its value, null when it has none
 * or cannot be read (gone, or another user's), undefined when the environment shows empty now.
 */
const readEnvironmentVariable = (pid: number, name: string): string | null | undefined => {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return null;
  }
  if (environ === '') return undefined;
  const prefix = `${name}=`;
  for (const entry of environ.split('\0')) {
    if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  }
  return null;
};

/**
 * The value of `name` in the environment of each process that has it, by pid. Read at once (the
 * files are small); an environment that shows empty is read again after a pause.
 */
export const readEnvironmentVariables = async (
  stats: Iterable<ProcessStat>,
  name: string,
): Promise<Map<number, string>> => {
  const values = new Map<number, string>();
  let pending = [...stats];
  for (let attempt = 0; pending.length > 0 && attempt < ENVIRON_READ_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await new Promise((resume) => setTimeout(resume, ENVIRON_RETRY_MS));
    const unreadable: ProcessStat[] = [];
    for (const stat of pending) {
      const value = readEnvironmentVariable(stat.pid, name);
      if (value === undefined) unreadable.push(stat);
      else if (value !== null) values.set(stat.pid, value);
    }
    pending = unreadable;
  }
  return values;
};

/** Whether the process `pid` that started at `startTicks` still runs (not a zombie). */
export const isSameProcessAlive = (table: ProcessTable, pid: number, startTicks: number): boolean => {
  const stat = table.get(pid);
  return stat !== undefined && stat.startTicks === startTicks && !stat.zombie;
};

/** `seeds` and every live process below them in the table's parent links. */
export const withDescendants = (table: ProcessTable, seeds: Iterable<ProcessStat>): ProcessStat[] => {
  const children = new Map<number, ProcessStat[]>();
  for (const stat of table.values()) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const found = new Map<number, ProcessStat>();
  const pending = [...seeds];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (found.has(next.pid)) continue;
    found.set(next.pid, next);
    pending.push(...(children.get(next.pid) ?? []));
  }
  return [...found.values()].filter((stat) => !stat.zombie && stat.pid !== process.pid);
};

const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already, or not ours to signal.
  }
};

/**
 * Stops (SIGSTOP) every process `select` names, scans again and stops what it names then, until
 * a scan finds nothing new, and then kills (SIGKILL) them all. A stopped process cannot fork, and
 * its children keep it as their parent, so a tree cannot outrun the sweep by forking or by
 * letting a parent exit. Answers how many processes were killed.
 */
export const stopAndKill = async (select: ProcessSelector): Promise<number> => {
  const stopped = new Map<number, number>();
  for (let round = 0; round < MAX_STOP_ROUNDS; round += 1) {
    const table = await readProcessTable();
    // What was stopped stays a root of the search: a child it forked just before its stop keeps
    // it as parent even when the selector no longer names it (its own parent exited meanwhile).
    const held = [...stopped].flatMap(([pid, startTicks]) => {
      const stat = table.get(pid);
      return stat && stat.startTicks === startTicks ? [stat] : [];
    });
    const fresh = withDescendants(table, [...(await select(table)), ...held]).filter(
      (stat) => stopped.get(stat.pid) !== stat.startTicks,
    );
    if (fresh.length === 0) break;
    for (const stat of fresh) {
      signal(stat.pid, 'SIGSTOP');
      stopped.set(stat.pid, stat.startTicks);
    }
  }
  for (const pid of stopped.keys()) signal(pid, 'SIGKILL');
  await waitUntilGone(stopped);
  return stopped.size;
};

/**
 * How long a sweep waits for killed processes to die, and how often it looks. SIGKILL is only
 * queued when `kill` returns; a busy machine may take milliseconds to end the process, and the
 * call's outcome should not be answered while any of them still runs.
 */
const DEATH_WAIT_MS = 2_000;
const DEATH_POLL_MS = 5;

/** Waits, within {@link DEATH_WAIT_MS}, until each (pid, start time) is gone or a zombie. */
const waitUntilGone = async (processes: ReadonlyMap<number, number>): Promise<void> => {
  const deadline = Date.now() + DEATH_WAIT_MS;
  let living = [...processes];
  while (living.length > 0 && Date.now() < deadline) {
    living = living.filter(([pid, startTicks]) => {
      const now = readProcessStatSync(pid);
      return now !== null && now.startTicks === startTicks && !now.zombie;
    });
    if (living.length > 0) await new Promise((resume) => setTimeout(resume, DEATH_POLL_MS));
  }
};
