import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, pause, stopProcess } from './processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** A Tempo server started from `./tempo server` on a data folder. */
export interface TempoProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Milliseconds from the spawn to the first 200 of `/v1.0/api/health`. */
  readonly startMs: number;
  /** CPU milliseconds the server had used by then: what a start costs, whatever else loads the machine. */
  readonly startCpuMs: number;
  /** The server's resident set size now, in MiB (the `./tempo` script execs Node, same pid). */
  rssMiB(): number;
  /** CPU milliseconds (user and system, every thread) the server has used so far. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Options of {@link startTempo}. */
export interface StartTempoOptions {
  readonly dataDir: string;
  /** Sections merged over `./tempo up`'s settings (written on first start only). */
  readonly settings?: Record<string, unknown>;
  /** Folder to write a CPU profile of the server into when it stops. */
  readonly profileDir?: string;
}

/** Clock ticks per second of `/proc/<pid>/stat`. */
const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU milliseconds a process has used: `utime` and `stime` of `/proc/<pid>/stat`. */
const cpuMsOf = (pid: number): number => {
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
};

/** Polls the health route until it answers 200 (bounded by 60 s). */
const waitForHealth = async (url: string, child: ChildProcess, output: () => string): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tempo exited with ${child.exitCode}:\n${output()}`);
    try {
      const answer = await fetch(`${url}/v1.0/api/health`);
      if (answer.status === 200) return;
    } catch {
      // not listening yet
    }
    await pause(5);
  }
  throw new Error(`tempo not healthy in 60 s:\n${output()}`);
};

/**
 * Starts `./tempo server` on a data folder with the settings `./tempo up` would write (the
 * admin API key `bench-admin-key`, console logging on as `up` has it), measuring the time to
 * health. The console output is read and dropped, as a terminal or a log collector would.
 */
export const startTempo = async (options: StartTempoOptions): Promise<TempoProcess> => {
  const port = await freePort();
  const settingsFile = join(options.dataDir, 'tempo.json');
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  } catch {
    // As `./tempo up` writes a new folder: OTLP off, since no collector listens here.
    current = {
      auth: { adminApiKey: 'bench-admin-key' },
      telemetry: { otlpEnabled: false },
      ...options.settings,
    };
  }
  writeFileSync(settingsFile, JSON.stringify({ ...current, rest: { ...(current.rest as object), port } }));
  const env = { ...process.env };
  if (options.profileDir) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${options.profileDir}`;
  const started = performance.now();
  const child = spawn(join(ROOT, 'tempo'), ['server', '--data-dir', options.dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => output);
  const startMs = performance.now() - started;
  const pid = child.pid ?? 0;
  const startCpuMs = cpuMsOf(pid);
  return {
    url,
    child,
    startMs,
    startCpuMs,
    cpuMs: () => cpuMsOf(pid),
    rssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kib / 1024;
    },
    stop: () => stopProcess(child),
  };
};
