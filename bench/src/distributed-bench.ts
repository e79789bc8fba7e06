import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TempoClient } from '@tempo/client';
import { op, openDatabase } from '@tempo/core/store';
import { type CpuReading, cpuPerCall, readCpu } from './distributed-cpu.ts';
import { type DispatchLatencies, dispatchLatencies, type RunTimes } from './distributed-latency.ts';
import { type BenchWorker, startBenchWorker } from './distributed-workers.ts';
import { createEchoFlows } from './echo-flows.ts';
import { formatFigures, type LoadFigures, measureLoad } from './load.ts';
import { freePort, pause, startProcess, stopProcess } from './processes.ts';
import { startTempo, type TempoProcess } from './tempo-process.ts';

/**
 * bench/distributed: a control-plane-only server (`engine.serverCanExecuteWorkload` off) over
 * PostgreSQL with 1, 2, then 3 real `./tempo worker` processes, loaded through the HTTP trigger of
 * a flow whose one External.Rest step waits `BENCH_STEP_MS` (50) at a loopback target that spends
 * no CPU while it waits (built-in steps never leave the server, so a built-in delay could not run
 * on a worker). Per worker count: runs/s against the ideal (slots / step time), dispatch latency
 * and non-2xx answers. The same invocation measures the single-process figure of
 * `bench/trigger` (the 1-step built-in echo flow) on SQLite and on the same PostgreSQL database.
 * `--profile` writes CPU profiles of the distributed server and workers.
 *
 * The database comes from `--pg-host/--pg-port/--pg-name/--pg-user/--pg-password`, else from
 * `TEMPO_BENCH_PG_HOST/_PORT/_NAME/_USER/_PASSWORD`, else from the `TEMPO_TEST_DB*` variables that
 * `./tempo bench distributed` sets for the test PostgreSQL server. Its public schema is emptied.
 */
const MAX_WORKERS = Number(process.env.BENCH_WORKERS ?? 3);
/**
 * Slots per worker: 2, as the spec's sample worker has. What this measures is placement; at 8
 * slots the 3-worker ideal (480 runs/s) needs about twice the CPU two cores have at today's cost
 * per run across server, workers and PostgreSQL, so those rows measure the machine's CPU instead
 * (`BENCH_WORKER_CONCURRENCY=8` still gives them).
 */
const CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 2);
const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 50);
/** Trigger callers per worker slot: more than one, so a slot never idles while its caller is answered. */
const CALLERS_PER_SLOT = Number(process.env.BENCH_CALLERS_PER_SLOT ?? 2);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP_S = 2;
/** Skips the single-process rows (bench/trigger's figures), e.g. to compare dispatch changes back to back. */
const DISTRIBUTED_ONLY = process.env.BENCH_DISTRIBUTED_ONLY === '1';
const BODY = JSON.stringify({ hello: 'world', n: 42 });
const ROOT = resolve(import.meta.dirname, '..', '..');

const { values: flags } = parseArgs({
  options: {
    profile: { type: 'boolean', default: false },
    'pg-host': { type: 'string' },
    'pg-port': { type: 'string' },
    'pg-name': { type: 'string' },
    'pg-user': { type: 'string' },
    'pg-password': { type: 'string' },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The PostgreSQL `database` settings section, from flags, then bench variables, then test ones. */
const postgresDatabase = () => {
  const testDb = process.env.TEMPO_TEST_DB === 'Postgresql';
  const pick = (flag: 'host' | 'port' | 'name' | 'user' | 'password', variable: string) =>
    flags[`pg-${flag}`] ??
    process.env[`TEMPO_BENCH_PG_${variable}`] ??
    (testDb ? process.env[`TEMPO_TEST_DB_${variable}`] : undefined);
  const databaseName = pick('name', 'NAME');
  if (!databaseName)
    throw new Error(
      'bench/distributed needs PostgreSQL: run `./tempo bench distributed`, or name a database with --pg-name or TEMPO_BENCH_PG_NAME (its public schema is emptied).',
    );
  return {
    type: 'Postgresql',
    server: pick('host', 'HOST') ?? '127.0.0.1',
    port: Number(pick('port', 'PORT') ?? 5432),
    databaseName,
    username: pick('user', 'USER') ?? '',
    password: pick('password', 'PASSWORD') ?? '',
  } as const;
};
type PostgresDatabase = ReturnType<typeof postgresDatabase>;

/** Empties the database's public schema, so each server starts on a fresh one. */
const resetSchema = async (database: PostgresDatabase) => {
  const opened = await openDatabase(database);
  try {
    await opened.dialect.executeDdl('DROP SCHEMA IF EXISTS public CASCADE');
    await opened.dialect.executeDdl('CREATE SCHEMA public');
  } finally {
    await opened.close();
  }
};

/** The single-process figure of bench/trigger: the 1-step built-in echo flow. */
const singleProcess = async (name: string, dataDir: string, settings?: Record<string, unknown>) => {
  mkdirSync(dataDir);
  const server = await startTempo({ dataDir, ...(settings ? { settings } : {}) });
  try {
    const { echoUrl } = await createEchoFlows(server, 1, BODY);
    return await measureLoad({
      name,
      url: echoUrl,
      body: BODY,
      connections: CONNECTIONS,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
    });
  } finally {
    await server.stop();
  }
};

/** What one worker count measured. */
interface DistributedRow {
  readonly workers: number;
  readonly load: LoadFigures;
  readonly idealRunsPerSecond: number;
  readonly latencies: DispatchLatencies;
  /** Runs accepted in the measured window that did not end `Succeeded`. */
  readonly unsucceeded: number;
  /** CPU milliseconds per answered call over the measured window, per group of processes. */
  readonly cpu: CpuReading;
}

/** The wait flow: one External.Rest step calling the target; answers its trigger URL and flow id. */
const createWaitFlow = async (server: TempoProcess, targetUrl: string) => {
  const admin = new TempoClient({ baseUrl: server.url, credentials: { apiKey: 'bench-admin-key' } });
  const t = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
  await t.steps.create({
    executionKey: 'bench.wait',
    name: 'bench.wait',
    runtimeKey: 'External.Rest',
    runtimeConfig: {
      runtimeKey: 'External.Rest',
      method: 'GET',
      url: `${targetUrl}/wait?ms=${STEP_MS}`,
      timeoutMs: 10_000,
    },
  });
  const flow = await t.flows.create({
    name: 'Wait',
    startStepId: 'bench.wait',
    transitions: { 'bench.wait': {} },
  });
  const trigger = await t.triggers.create({ name: 'Wait', dataFlowId: flow.id });
  return { admin, flowId: flow.id, url: `${server.url}/v1.0/triggers/http/${trigger.id}` };
};

/** Reads the stored times of the flow's runs accepted since `sinceMs`; counts those that did not succeed. */
const storedRuns = async (database: PostgresDatabase, flowId: string, sinceMs: number) => {
  const opened = await openDatabase(database);
  try {
    const since = new Date(sinceMs).toISOString();
    const { flowRuns, stepRuns } = opened.repositories;
    const runs = await flowRuns.findAcrossTenants(
      { dataFlowId: flowId, createdUtc: op.range({ gte: since }) },
      1_000_000,
    );
    const steps = await stepRuns.findAcrossTenants(
      { dataFlowId: flowId, startedUtc: op.range({ gte: since }) },
      1_000_000,
    );
    const started = new Map<string, number>();
    for (const step of steps) {
      const ms = Date.parse(step.startedUtc);
      started.set(step.flowRunId, Math.min(ms, started.get(step.flowRunId) ?? ms));
    }
    const times = new Map<string, RunTimes>();
    for (const run of runs) {
      const stepStartedMs = started.get(run.id);
      if (run.state !== 'Succeeded' || !run.assignedUtc || !run.completedUtc || stepStartedMs === undefined)
        continue;
      times.set(run.id, {
        acceptedMs: Date.parse(run.createdUtc),
        assignedMs: Date.parse(run.assignedUtc),
        stepStartedMs,
        completedMs: Date.parse(run.completedUtc),
      });
    }
    const unsucceeded = runs.filter((run) => !times.has(run.id));
    return { times, unsucceeded };
  } finally {
    await opened.close();
  }
};

/** Waits until no run of the flow is queued or running, so every slot is free (bounded by 60 s). */
const waitIdle = async (database: PostgresDatabase, flowId: string) => {
  const opened = await openDatabase(database);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const open = await opened.repositories.flowRuns.findAcrossTenants(
        { dataFlowId: flowId, state: op.in(['Queued', 'Running']) },
        1,
      );
      if (open.length === 0) return;
      if (Date.now() > deadline) throw new Error('runs still open 60 s after the load ended');
      await pause(100);
    }
  } finally {
    await opened.close();
  }
};

/**
 * Gives the planner statistics of the tables the warm-up filled. The schema is new, and until
 * autovacuum's first look (a minute or more on a loaded machine) PostgreSQL plans a lookup by id
 * and tenant on the tenant's index, reading every run of the tenant: a fresh-database effect a
 * running installation does not have, which would otherwise swamp what this measures.
 */
const analyze = async (database: PostgresDatabase) => {
  const opened = await openDatabase(database);
  try {
    await opened.dialect.executeDdl('ANALYZE');
  } finally {
    await opened.close();
  }
};

/** Loads the wait flow with `workers` workers connected; answers the row. */
const measureWorkers = async (
  database: PostgresDatabase,
  flow: { readonly flowId: string; readonly url: string },
  server: TempoProcess,
  benchWorkers: readonly BenchWorker[],
): Promise<DistributedRow> => {
  const workers = benchWorkers.length;
  const cpuNow = () =>
    readCpu(
      () => server.cpuMs(),
      benchWorkers.map((worker) => worker.processGroup),
      database.databaseName,
    );
  const slots = workers * CONCURRENCY;
  const load = (durationS: number) =>
    measureLoad({
      name: `${workers} worker${workers === 1 ? '' : 's'} x ${CONCURRENCY}`,
      url: flow.url,
      body: BODY,
      connections: slots * CALLERS_PER_SLOT,
      durationS,
      warmupS: 0,
    });
  await waitIdle(database, flow.flowId);
  const phaseStartMs = Date.now();
  await load(WARMUP_S);
  await analyze(database);
  const measuredFromMs = Date.now();
  const cpuBefore = cpuNow();
  const figures = await load(DURATION_S);
  const cpuAfter = cpuNow();
  const measuredToMs = Date.now();
  await waitIdle(database, flow.flowId);
  const { times, unsucceeded } = await storedRuns(database, flow.flowId, phaseStartMs);
  const measured = new Set(
    [...times.values()].filter((run) => run.acceptedMs >= measuredFromMs && run.acceptedMs < measuredToMs),
  );
  return {
    workers,
    load: figures,
    idealRunsPerSecond: slots / (STEP_MS / 1000),
    latencies: dispatchLatencies([...times.values()], measured, slots),
    unsucceeded: unsucceeded.length,
    cpu: cpuPerCall(cpuBefore, cpuAfter, figures.requests),
  };
};

const formatRow = (row: DistributedRow): string => {
  const { load, latencies } = row;
  const ratio = load.requestsPerSecond / row.idealRunsPerSecond;
  const pair = ({ p50, p99 }: { p50: number; p99: number }) => `${p50}/${p99} ms`.padStart(13);
  return [
    String(row.workers).padStart(7),
    load.requestsPerSecond.toFixed(0).padStart(7),
    row.idealRunsPerSecond.toFixed(0).padStart(6),
    ratio.toFixed(3).padStart(6),
    pair(latencies.dispatch),
    pair(latencies.acceptedToStarted),
    `${load.p50}/${load.p99} ms`.padStart(13),
    String(load.non2xx).padStart(7),
    String(load.errors + row.unsucceeded).padStart(7),
    [row.cpu.serverMs, row.cpu.workersMs, row.cpu.backendsMs]
      .map((ms) => (Number.isNaN(ms) ? '-' : ms.toFixed(2)))
      .join('/')
      .padStart(16),
  ].join('  ');
};

const main = async () => {
  const database = postgresDatabase();
  const scratch = mkdtempSync(join(tmpdir(), 'tempo-bench-distributed-'));
  const profileDir = flags.profile ? join(ROOT, '.tempo-bench', 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const single: LoadFigures[] = [];
  const rows: DistributedRow[] = [];
  const workers: BenchWorker[] = [];
  try {
    if (!DISTRIBUTED_ONLY) {
      single.push(await singleProcess('Tempo 1-step flow, SQLite', join(scratch, 'sqlite')));
      await resetSchema(database);
      single.push(
        await singleProcess('Tempo 1-step flow, PostgreSQL', join(scratch, 'postgres'), { database }),
      );
    }

    await resetSchema(database);
    const targetPort = await freePort();
    const target = await startProcess(
      process.execPath,
      [join(import.meta.dirname, 'distributed-wait-target.ts'), String(targetPort)],
      /listening/,
    );
    const dataDir = join(scratch, 'distributed');
    mkdirSync(dataDir);
    const server = await startTempo({
      dataDir,
      settings: {
        database,
        engine: { serverCanExecuteWorkload: false },
        runtimes: { outboundRest: { allowedTargets: ['127.0.0.1'] } },
      },
      ...(profileDir ? { profileDir } : {}),
    });
    try {
      const flow = await createWaitFlow(server, `http://127.0.0.1:${targetPort}`);
      for (let count = 1; count <= MAX_WORKERS; count++) {
        const id = `wrk_bench_${count}`;
        workers.push(
          await startBenchWorker({
            admin: flow.admin,
            serverUrl: server.url,
            id,
            maxConcurrentRuns: CONCURRENCY,
            folder: join(dataDir, 'workers', id),
            ...(profileDir ? { profileDir } : {}),
          }),
        );
        if (count === 1) {
          const check = await flow.admin.raw('POST', flow.url.slice(server.url.length), { rawBody: BODY });
          if (check.status !== 200 || check.headers['x-worker-id'] !== id)
            throw new Error(`the wait flow answered ${check.status} from ${check.headers['x-worker-id']}`);
        }
        rows.push(await measureWorkers(database, flow, server, workers));
      }
    } finally {
      for (const worker of workers.splice(0)) await worker.stop();
      await server.stop();
      await stopProcess(target);
    }

    say(
      `bench/distributed: PostgreSQL ${database.server}:${database.port}/${database.databaseName}; server execution off; workers of maxConcurrentRuns ${CONCURRENCY}; one External.Rest step waiting ${STEP_MS} ms at a loopback target; ${CALLERS_PER_SLOT} trigger callers per slot; ${DURATION_S} s after ${WARMUP_S} s warm-up`,
    );
    say(
      `${'workers'}  ${'runs/s'.padStart(7)}  ${'ideal'.padStart(6)}  ${'ratio'.padStart(6)}  ${'dispatch'.padStart(13)}  ${'acc->started'.padStart(13)}  ${'call p50/p99'.padStart(13)}  ${'non-2xx'.padStart(7)}  ${'failed'.padStart(7)}  ${'cpu ms/call'.padStart(16)}`,
    );
    for (const row of rows) say(formatRow(row));
    say(
      'dispatch = first step started (worker clock) minus when the run could first be placed: accepted, or the completion that freed its slot when all were busy; acc->started includes that queueing',
    );
    say(
      'cpu ms/call = CPU time over the measured window per answered call: server / all workers / the PostgreSQL backends of the database',
    );
    say(`single process (bench/trigger, ${CONNECTIONS} connections, server execution on):`);
    for (const row of single) say(formatFigures(row));
    if (profileDir) say(`CPU profiles of the distributed server and workers written to ${profileDir}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};

await main();
