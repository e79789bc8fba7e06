import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@tempo/core/store';
import { createEchoFlows } from './echo-flows.ts';
import { formatFigures, type LoadFigures, measureLoad } from './load.ts';
import { freePort, pause, startProcess, stopProcess } from './processes.ts';
import { measureSqliteFloor } from './sqlite-floor.ts';
import { startTempo, type TempoProcess } from './tempo-process.ts';

/**
 * bench/trigger: flows fired through their HTTP trigger with full persistence (run, step runs,
 * request history), against a bare Fastify echo route measured in the same run, on the settings
 * `./tempo up` writes. Reports: the one-step echo flow on SQLite (and on PostgreSQL when the
 * `TEMPO_TEST_DB*` variables name one, as `./tempo bench trigger` arranges), the per-step cost
 * from a long chain of built-in steps, server RSS idle and under sustained load, and the time a
 * restart on an existing data folder takes to answer health. `--profile` writes a CPU profile of
 * each server's whole life (SQLite and PostgreSQL) into `.tempo-bench/profiles`; `--only sqlite`
 * or `--only postgres` measures one store.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const SOAK_S = Number(process.env.BENCH_SOAK_S ?? 60);
const CHAIN_STEPS = Number(process.env.BENCH_CHAIN_STEPS ?? 40);
const WARMUP_S = 2;
const BODY = JSON.stringify({ hello: 'world', n: 42 });
const ROOT = resolve(import.meta.dirname, '..', '..');

const { values: flags } = parseArgs({
  options: {
    profile: { type: 'boolean', default: false },
    // `sqlite` or `postgres`: measure only that store (and the bare route), for a quicker pair.
    only: { type: 'string' },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);

const createFlows = (server: TempoProcess) => createEchoFlows(server, CHAIN_STEPS, BODY);

const load = (name: string, url: string, durationS = DURATION_S, warmupS = WARMUP_S) =>
  measureLoad({ name, url, body: BODY, connections: CONNECTIONS, durationS, warmupS });

/**
 * A row of a Tempo server, with the server's CPU per answered call over the measured run: on a
 * machine shared with other work, throughput and latency follow how much CPU the server gets,
 * its CPU per call much less so.
 */
const loadTempo = async (server: TempoProcess, name: string, url: string) => {
  await load(name, url, WARMUP_S, 0);
  const cpuBefore = server.cpuMs();
  const figures = await load(name, url, DURATION_S, 0);
  return { figures, cpuMsPerCall: (server.cpuMs() - cpuBefore) / Math.max(1, figures.requests) };
};

/** Resets the public schema of the test PostgreSQL database the environment names. */
const postgresSettings = async (): Promise<Record<string, unknown> | null> => {
  if (process.env.TEMPO_TEST_DB !== 'Postgresql') return null;
  const database = {
    type: 'Postgresql',
    server: process.env.TEMPO_TEST_DB_HOST ?? '127.0.0.1',
    port: Number(process.env.TEMPO_TEST_DB_PORT ?? 5432),
    databaseName: process.env.TEMPO_TEST_DB_NAME ?? '',
    username: process.env.TEMPO_TEST_DB_USER ?? '',
    password: process.env.TEMPO_TEST_DB_PASSWORD ?? '',
  } as const;
  const opened = await openDatabase(database);
  await opened.dialect.executeDdl('DROP SCHEMA IF EXISTS public CASCADE');
  await opened.dialect.executeDdl('CREATE SCHEMA public');
  await opened.close();
  return { database };
};

/**
 * The SQLite rows: 1-step, chain and sustained load, RSS, restarts, and what storing a run costs
 * SQLite alone; the lines they print, and that floor.
 */
const measureSqlite = async (scratch: string, profileDir: string | undefined, rows: LoadFigures[]) => {
  const lines: string[] = [];
  // SQLite, as `./tempo up` sets it up.
  const sqliteDir = join(scratch, 'sqlite');
  mkdirSync(sqliteDir);
  let server = await startTempo({ dataDir: sqliteDir, ...(profileDir ? { profileDir } : {}) });
  const { t, echoUrl, chainUrl } = await createFlows(server);
  await pause(2_000);
  const idleAfterSetup = server.rssMiB();
  const { figures: echo, cpuMsPerCall: echoCpuMs } = await loadTempo(
    server,
    'Tempo 1-step flow, SQLite',
    echoUrl,
  );
  rows.push(echo);
  const { figures: chain, cpuMsPerCall: chainCpuMs } = await loadTempo(
    server,
    `Tempo ${CHAIN_STEPS}-step flow, SQLite`,
    chainUrl,
  );
  rows.push(chain);
  const perStepMs = (1000 / chain.requestsPerSecond - 1000 / echo.requestsPerSecond) / (CHAIN_STEPS - 1);
  const perStepCpuMs = (chainCpuMs - echoCpuMs) / (CHAIN_STEPS - 1);
  // Sustained load: RSS after the first 10 s and at the end.
  const soak = load('Tempo 1-step flow, SQLite, sustained', echoUrl, SOAK_S, 0);
  await pause(10_000);
  const rssAt10 = server.rssMiB();
  const soaked = await soak;
  const rssAtEnd = server.rssMiB();
  rows.push(soaked);
  const runs = (await t.runs.list({ pageSize: 1 })).totalCount;
  await server.stop();
  const floor = measureSqliteFloor(join(sqliteDir, 'tempo.db'), join(scratch, 'floor.db'));

  // Restarts on the existing data folder: time to health and idle RSS.
  const starts: number[] = [];
  const startCpus: number[] = [];
  let idleRss = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    server = await startTempo({ dataDir: sqliteDir });
    starts.push(server.startMs);
    startCpus.push(server.startCpuMs);
    await pause(2_000);
    idleRss = server.rssMiB();
    await server.stop();
  }
  starts.sort((a, b) => a - b);
  startCpus.sort((a, b) => a - b);
  lines.push(
    `per-step cost of a built-in step (${CHAIN_STEPS}-step vs 1-step flow): ${perStepMs.toFixed(3)} ms`,
    `server CPU per answered call, SQLite: 1-step ${echoCpuMs.toFixed(3)} ms, ${CHAIN_STEPS}-step ${chainCpuMs.toFixed(3)} ms (${perStepCpuMs.toFixed(3)} ms per built-in step)`,
    `start-up to health on an existing data folder: ${starts.map((ms) => ms.toFixed(0)).join(', ')} ms (best ${starts[0]?.toFixed(0)} ms); server CPU by then ${startCpus.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    `server RSS: idle after start ${idleRss.toFixed(0)} MiB; after setup ${idleAfterSetup.toFixed(0)} MiB; under load at 10 s ${rssAt10.toFixed(0)} MiB, at ${SOAK_S} s ${rssAtEnd.toFixed(0)} MiB (${(((rssAtEnd - rssAt10) / rssAt10) * 100).toFixed(1)}%)`,
    `runs persisted (SQLite): ${runs}`,
    `SQLite alone storing a run's rows (${floor.runsPerCommit} runs per commit): ${floor.perRunUs.toFixed(0)} µs per run (${Object.entries(
      floor.perTableUs,
    )
      .map(([table, us]) => `${table} ${us.toFixed(0)}`)
      .join(', ')}); at that cost one thread stores at most ${(1e6 / floor.perRunUs).toFixed(0)} runs/s`,
  );
  if (profileDir) lines.push(`CPU profile of the SQLite server written to ${profileDir}`);
  return { lines, floor };
};

/** The PostgreSQL 1-step row and its server CPU per call; null without a test database. */
const measurePostgres = async (scratch: string, profileDir: string | undefined, rows: LoadFigures[]) => {
  const pgSettings = await postgresSettings();
  if (!pgSettings) return ['PostgreSQL: skipped (run through `./tempo bench trigger` to get one)'];
  const pgDir = join(scratch, 'postgres');
  mkdirSync(pgDir);
  const pgServer = await startTempo({
    dataDir: pgDir,
    settings: pgSettings,
    ...(profileDir ? { profileDir } : {}),
  });
  const pgFlows = await createFlows(pgServer);
  const pg = await loadTempo(pgServer, 'Tempo 1-step flow, PostgreSQL', pgFlows.echoUrl);
  rows.push(pg.figures);
  await pgServer.stop();
  const lines = [`server CPU per answered call, PostgreSQL: 1-step ${pg.cpuMsPerCall.toFixed(3)} ms`];
  if (profileDir) lines.push(`CPU profile of the PostgreSQL server written to ${profileDir}`);
  return lines;
};

const main = async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tempo-bench-'));
  const profileDir = flags.profile ? join(ROOT, '.tempo-bench', 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const rows: LoadFigures[] = [];
  const notes: string[] = [];
  try {
    const barePort = await freePort();
    const bare = await startProcess(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        join(import.meta.dirname, 'bare-echo-server.ts'),
        String(barePort),
      ],
      /listening/,
    );
    const bareFigures = await load('bare Fastify echo route', `http://127.0.0.1:${barePort}/echo`);
    rows.push(bareFigures);
    await stopProcess(bare);
    const sqlite = flags.only === 'postgres' ? null : await measureSqlite(scratch, profileDir, rows);
    if (sqlite) notes.push(...sqlite.lines);
    if (flags.only !== 'sqlite') notes.push(...(await measurePostgres(scratch, profileDir, rows)));

    say(
      `bench/trigger: ${CONNECTIONS} connections, ${DURATION_S} s after ${WARMUP_S} s warm-up, full persistence, settings as \`./tempo up\` writes them`,
    );
    // What else loaded the machine meanwhile: the rows compare only with the bare row of this run.
    say(`load average at the end: ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);
    for (const row of rows) say(formatFigures(row));
    for (const row of rows.filter(
      (one) => one.name.startsWith('Tempo 1-step') && !one.name.endsWith('sustained'),
    ))
      say(`ratio ${row.name} / bare: ${(row.requestsPerSecond / bareFigures.requestsPerSecond).toFixed(3)}`);
    if (sqlite) {
      // The server stores a run on its one main thread: at 30% of the bare figure, all of a run
      // (HTTP, engine, logging and storing its rows) must fit in this many microseconds of it.
      const budgetUs = 1e6 / (0.3 * bareFigures.requestsPerSecond);
      say(
        `at 30% of bare a run has ${budgetUs.toFixed(0)} µs of the server's main thread; SQLite alone takes ${sqlite.floor.perRunUs.toFixed(0)} µs of it (${((sqlite.floor.perRunUs / budgetUs) * 100).toFixed(0)}%)`,
      );
    }
    for (const note of notes) say(note);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};

await main();
