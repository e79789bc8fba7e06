import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TempoClient } from '@tempo/client';
import { eventually } from './workers-fixture.ts';

const TEMPO = join(resolve(import.meta.dirname, '..', '..', '..'), 'tempo');

/** A `./tempo worker` child process. */
export interface WorkerProcess {
  readonly id: string;
  output(): string;
  /** Resolves with the exit code of `./tempo worker` (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Sends `signal` to the worker's whole process group (the CLI and the worker it runs). */
  kill(signal: NodeJS.Signals): void;
}

/** Options of {@link startWorkerProcess}. */
export interface WorkerProcessOptions {
  readonly labels?: readonly string[];
  readonly maxConcurrentRuns?: number;
  /** Further servers tried after `baseUrl` (several servers on one database). */
  readonly serverEndpoints?: readonly string[];
  /** The worker's `telemetry` section; default OTLP off, as the test servers run. */
  readonly telemetry?: Readonly<Record<string, unknown>>;
}

/**
 * Issues a token for `id` (rotate-token), writes its worker settings and starts `./tempo worker`;
 * resolves once the server lists the worker Online.
 */
export const startWorkerProcess = async (
  admin: TempoClient,
  baseUrl: string,
  id: string,
  options: WorkerProcessOptions = {},
): Promise<WorkerProcess> => {
  const issued = await admin.raw('POST', `/v1.0/workers/${id}/rotate-token`);
  const token = (issued.body as { token: string }).token;
  const dir = mkdtempSync(join(tmpdir(), `tempo-${id}-`));
  const config = join(dir, 'tempo.worker.json');
  writeFileSync(
    config,
    JSON.stringify({
      serverEndpoint: baseUrl,
      serverEndpoints: options.serverEndpoints ?? [],
      workerId: id,
      workerToken: token,
      name: id,
      maxConcurrentRuns: options.maxConcurrentRuns ?? 20,
      reconnectDelayMs: 1000,
      shutdownGraceMs: 5000,
      labels: options.labels ?? [],
      logging: { consoleLogging: true, fileLogging: false, logDirectory: join(dir, 'logs') },
      runLogs: { enabled: false, rootPath: join(dir, 'run-logs') },
      runtimes: {
        outboundRest: { allowedTargets: ['127.0.0.1'] },
        externalExecution: { scratchRoot: join(dir, 'scratch'), cacheRoot: join(dir, 'cache') },
      },
      telemetry: options.telemetry ?? { otlpEnabled: false },
    }),
  );
  // Its own process group: `./tempo worker` runs the worker as a child process, and a kill must
  // reach that child as it would on a machine that dies.
  const child: ChildProcess = spawn(TEMPO, ['worker', '--config', config], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) =>
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolveExit(code);
    }),
  );
  await eventually(async () => {
    const worker = (await admin.raw('GET', `/v1.0/workers/${id}`)).body as { state?: string };
    return worker.state === 'Online' ? true : undefined;
  }, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  return {
    id,
    output: () => output,
    exited,
    kill: (signal) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is gone already.
      }
    },
  };
};

/** A loopback HTTP target whose `/wait?ms=N` answers `{ ok: true }` after N ms. */
export interface SlowTarget {
  readonly url: string;
  /** How many calls arrived. */
  calls(): number;
  close(): Promise<void>;
}

/** Starts a {@link SlowTarget} on 127.0.0.1. */
export const startSlowTarget = async (): Promise<SlowTarget> => {
  let calls = 0;
  const server: Server = createServer((request, response) => {
    calls += 1;
    const ms = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('ms') ?? '0');
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true }));
    }, ms);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
};
