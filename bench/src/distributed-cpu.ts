import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of the processes bench/distributed measures, read from `/proc` (Linux): the server, the
 * worker process groups and the PostgreSQL backends of the benchmark's database. Elsewhere every
 * figure is NaN and the benchmark prints a dash.
 */
const PROC = existsSync('/proc/self/stat');

/** Clock ticks per second of `/proc/<pid>/stat`. */
const CLOCK_TICKS_PER_S = PROC
  ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  : 100;

/** One process as `/proc` shows it. */
interface ProcessCpu {
  readonly processGroup: number;
  readonly cpuMs: number;
  readonly command: string;
}

/** Every process still running; one that exits while it is read is left out. */
const processes = (): ProcessCpu[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
        return [{ processGroup: Number(fields[2]), cpuMs, command }];
      } catch {
        return [];
      }
    });

/** CPU milliseconds used so far by each group of the server's, the workers' and the backends' processes. */
export interface CpuReading {
  readonly serverMs: number;
  readonly workersMs: number;
  readonly backendsMs: number;
}

/**
 * Reads the CPU used so far: the server's process, the process groups of the workers (each
 * `./tempo worker` runs the worker as a child in its own group) and the PostgreSQL backends
 * whose process title names `databaseName` (those of the server's and workers' pools).
 */
export const readCpu = (
  serverCpuMs: () => number,
  workerGroups: readonly number[],
  databaseName: string,
): CpuReading => {
  if (!PROC) return { serverMs: Number.NaN, workersMs: Number.NaN, backendsMs: Number.NaN };
  const all = processes();
  const groups = new Set(workerGroups);
  const sum = (pick: (entry: ProcessCpu) => boolean) =>
    all.filter(pick).reduce((total, entry) => total + entry.cpuMs, 0);
  return {
    serverMs: serverCpuMs(),
    workersMs: sum((entry) => groups.has(entry.processGroup)),
    backendsMs: sum(
      (entry) => entry.command.startsWith('postgres: ') && entry.command.includes(` ${databaseName} `),
    ),
  };
};

/** CPU milliseconds per answered call between two readings, per group. */
export const cpuPerCall = (before: CpuReading, after: CpuReading, calls: number): CpuReading => ({
  serverMs: (after.serverMs - before.serverMs) / calls,
  workersMs: (after.workersMs - before.workersMs) / calls,
  backendsMs: (after.backendsMs - before.backendsMs) / calls,
});
