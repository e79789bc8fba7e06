import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TempoClient } from '@tempo/client';
import autocannon from 'autocannon';
import { freePort, startProcess, stopProcess } from './processes.ts';

/**
 * bench/trigger: an echo flow (one built-in step) invoked through its HTTP trigger, with full
 * run, step-run and request-history persistence on SQLite, against a bare Fastify echo route
 * measured in the same run. Prints requests per second, p50 and p99 of both, and the ratios.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = 2;
const BODY = JSON.stringify({ hello: 'world', n: 42 });
const ROOT = resolve(import.meta.dirname, '..', '..');

interface Figures {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

const measure = async (name: string, url: string): Promise<Figures> => {
  const options = {
    url,
    method: 'POST' as const,
    body: BODY,
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
  };
  await autocannon({ ...options, duration: WARMUP_S });
  const result = await autocannon({ ...options, duration: DURATION_S });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
};

const main = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tempo-bench-'));
  const [tempoPort, barePort] = [await freePort(), await freePort()];
  writeFileSync(
    join(dataDir, 'tempo.json'),
    JSON.stringify({
      rest: { port: tempoPort },
      engine: { maxConcurrentRuns: Number(process.env.BENCH_MAX_CONCURRENT_RUNS ?? 4) },
      auth: { adminApiKey: 'bench-admin-key' },
      logging: { consoleLogging: false, fileLogging: true },
    }),
  );
  const tempo = await startProcess(
    join(ROOT, 'tempo'),
    ['server', '--data-dir', dataDir],
    /server listening on/,
  );
  const bare = await startProcess(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      join(import.meta.dirname, 'bare-echo-server.ts'),
      String(barePort),
    ],
    /listening/,
  );
  try {
    const admin = new TempoClient({
      baseUrl: `http://127.0.0.1:${tempoPort}`,
      credentials: { apiKey: 'bench-admin-key' },
    });
    const tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
    const t = admin.tenant(tenantId);
    await t.steps.create({
      executionKey: 'bench.echo',
      name: 'Echo',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.builtin.echo' },
    });
    const flow = await t.flows.create({
      name: 'Echo',
      startStepId: 'bench.echo',
      transitions: { 'bench.echo': {} },
    });
    const trigger = await t.triggers.create({ name: 'Echo', dataFlowId: flow.id });
    const check = await admin.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { rawBody: BODY });
    if (check.status !== 200 || JSON.stringify(check.body) !== BODY)
      throw new Error(`echo flow answered ${check.status}`);

    const bareFigures = await measure('bare Fastify echo route', `http://127.0.0.1:${barePort}/echo`);
    const tempoFigures = await measure(
      'Tempo echo flow via HTTP trigger',
      `http://127.0.0.1:${tempoPort}/v1.0/triggers/http/${trigger.id}`,
    );
    const runs = (await t.runs.list({ pageSize: 1 })).totalCount;

    const row = (f: Figures) =>
      `${f.name.padEnd(34)} ${f.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   non-2xx ${f.non2xx}   errors ${f.errors}`;
    process.stdout.write(
      `bench/trigger: ${CONNECTIONS} connections, ${DURATION_S} s after ${WARMUP_S} s warm-up, SQLite with full persistence\n`,
    );
    process.stdout.write(`${row(bareFigures)}\n${row(tempoFigures)}\n`);
    process.stdout.write(
      `ratio Tempo/bare: throughput ${(tempoFigures.requestsPerSecond / bareFigures.requestsPerSecond).toFixed(3)}, p50 ${(tempoFigures.p50 / Math.max(1, bareFigures.p50)).toFixed(2)}x, p99 ${(tempoFigures.p99 / Math.max(1, bareFigures.p99)).toFixed(2)}x\n`,
    );
    process.stdout.write(`runs persisted: ${runs}\n`);
  } finally {
    await Promise.all([stopProcess(tempo), stopProcess(bare)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
};

await main();
