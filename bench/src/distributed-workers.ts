import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TempoClient } from '@tempo/client';
import { pause } from './processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** A `./tempo worker` process of the distributed benchmark. */
export interface BenchWorker {
  readonly id: string;
  /** The process group of the worker and the `./tempo` process that started it. */
  readonly processGroup: number;
  stop(): Promise<void>;
}

/** Options of {@link startBenchWorker}. */
export interface BenchWorkerOptions {
  readonly admin: TempoClient;
  readonly serverUrl: string;
  readonly id: string;
  readonly maxConcurrentRuns: number;
  /** The worker's folder: settings, logs, run logs, scratch. */
  readonly folder: string;
  /** Folder to write CPU profiles of the worker's processes into when they stop. */
  readonly profileDir?: string;
}

/** Polls the worker until the server lists it Online (bounded by 60 s). */
const waitOnline = async (admin: TempoClient, id: string, child: ChildProcess, output: () => string) => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`worker ${id} exited with ${child.exitCode}:\n${output()}`);
    const worker = (await admin.raw('GET', `/v1.0/workers/${id}`)).body as { state?: string };
    if (worker.state === 'Online') return;
    await pause(50);
  }
  throw new Error(`worker ${id} not Online in 60 s:\n${output()}`);
};

/**
 * Issues a token for `id`, writes its settings the way `./tempo up --workers` does (file logging,
 * run logs on, loopback REST targets allowed for the benchmark's wait target) and starts
 * `./tempo worker --config`; resolves once the server lists the worker Online.
 */
export const startBenchWorker = async (options: BenchWorkerOptions): Promise<BenchWorker> => {
  const { admin, id, folder } = options;
  const issued = await admin.raw('POST', `/v1.0/workers/${id}/rotate-token`);
  if (issued.status !== 200) throw new Error(`rotate-token for ${id} answered ${issued.status}`);
  mkdirSync(folder, { recursive: true });
  const config = join(folder, 'tempo.worker.json');
  writeFileSync(
    config,
    JSON.stringify({
      serverEndpoint: options.serverUrl,
      workerId: id,
      workerToken: (issued.body as { token: string }).token,
      name: id,
      maxConcurrentRuns: options.maxConcurrentRuns,
      logging: { consoleLogging: false, fileLogging: true, logDirectory: join(folder, 'logs') },
      runLogs: { rootPath: join(folder, 'run-logs') },
      runtimes: {
        outboundRest: { allowedTargets: ['127.0.0.1'] },
        externalExecution: { scratchRoot: join(folder, 'scratch'), cacheRoot: join(folder, 'cache') },
      },
      telemetry: { otlpEnabled: false },
    }),
    { mode: 0o600 },
  );
  const env = { ...process.env };
  if (options.profileDir) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${options.profileDir}`;
  // A group of its own: `./tempo worker` runs the worker as a child, and a stop must reach both.
  const child = spawn(join(ROOT, 'tempo'), ['worker', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await waitOnline(admin, id, child, () => output);
  return {
    id,
    processGroup: child.pid ?? 0,
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
};
