import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, TEST_STATE_DIR, TOOL_SCRIPTS } from '../repo-paths.ts';
import { runNode } from '../run-process.ts';
import {
  databaseServiceEnv,
  ensureMariadb,
  ensurePostgres,
  runningTestServices,
  stopTestServices,
} from '../services/index.ts';
import { ensureChromium } from './test-dashboard.ts';
import { runMutationStages } from './test-mutation.ts';
import { lintOpenApiDocument } from './test-openapi.ts';
import type { TestStage } from './test-stages.ts';

/** Outcome of one stage of `./tempo test`. */
interface StageResult {
  readonly stage: string;
  readonly passed: number;
  readonly failed: number;
  readonly ok: boolean;
}

/** What a vitest JSON report says about a run. */
interface VitestReport {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numTotalTests: number;
  readonly success: boolean;
}

const reportFile = (stage: string) => join(TEST_STATE_DIR, 'reports', `${stage.replace(/\W+/g, '-')}.json`);

const vitestStage = async (
  stage: string,
  project: string,
  env: Record<string, string> = {},
): Promise<StageResult> => {
  const output = reportFile(stage);
  await rm(output, { force: true });
  const code = await runNode(
    TOOL_SCRIPTS.vitest,
    ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${output}`],
    { cwd: REPO_ROOT, env },
  );
  const report = await readFile(output, 'utf8').then(
    (text) => JSON.parse(text) as VitestReport,
    () => null,
  );
  const passed = report?.numPassedTests ?? 0;
  const failed = report?.numFailedTests ?? 0;
  // A run that executed no test proves nothing: count it as failed.
  const ok = code === 0 && report !== null && report.success && report.numTotalTests > 0;
  return { stage, passed, failed: ok ? failed : Math.max(failed, 1), ok };
};

const toolStage = async (stage: string, script: string, args: readonly string[]): Promise<StageResult> => {
  const code = await runNode(script, args, { cwd: REPO_ROOT });
  // Checks are not tests: they add nothing to the passed count, but a failing one counts as a failure.
  return { stage, passed: 0, failed: code === 0 ? 0 : 1, ok: code === 0 };
};

const exists = (path: string): Promise<boolean> =>
  readFile(path).then(
    () => true,
    () => false,
  );

/** Every TypeScript project: each package's tsconfig.json, and its tsconfig.test.json when it has one. */
const typeScriptProjects = async (): Promise<string[]> => {
  const dirs = ['bench'];
  for (const group of ['packages', 'apps']) {
    for (const entry of await readdir(join(REPO_ROOT, group), { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(join(group, entry.name));
    }
  }
  const projects: string[] = [];
  for (const dir of dirs) {
    for (const name of ['tsconfig.json', 'tsconfig.test.json']) {
      if (await exists(join(REPO_ROOT, dir, name))) projects.push(join(dir, name));
    }
  }
  return projects;
};

/** Options of {@link runTests}. */
export interface TestRunOptions {
  /** Stages to run; empty = all. */
  readonly only: readonly TestStage[];
  /** Leave the database servers this run started running (`--keep-services`). */
  readonly keepServices: boolean;
}

/**
 * `./tempo test`: lint, type-check every package, run the unit tests, start PostgreSQL and
 * MariaDB when they are not running (installing either with apt-get when it is missing), run the
 * repository suite once per database, then the black-box suites. Ends with one line
 * `total: N passed, N failed`. The database servers it started are stopped at the end unless
 * `keepServices`; servers that were already running are left as they were.
 */
export const runTests = async ({ only, keepServices }: TestRunOptions): Promise<number> => {
  const log = (line: string) => process.stdout.write(`tempo test: ${line}\n`);
  const runningBefore = runningTestServices(TEST_STATE_DIR);
  try {
    return await runStages(only, log);
  } finally {
    const startedHere = runningTestServices(TEST_STATE_DIR).filter((kind) => !runningBefore.includes(kind));
    if (startedHere.length > 0 && keepServices) {
      log(`leaving ${startedHere.join(' and ')} running (--keep-services); ./tempo services stop stops them`);
    } else if (startedHere.length > 0) {
      log(
        `stopping the test databases this run started (${startedHere.join(', ')}); --keep-services keeps them`,
      );
      await stopTestServices(TEST_STATE_DIR, log, startedHere);
    }
  }
};

const runStages = async (only: readonly TestStage[], log: (line: string) => void): Promise<number> => {
  const wanted = (stage: TestStage) => only.length === 0 || only.includes(stage);
  const results: StageResult[] = [];

  if (wanted('lint'))
    results.push(await toolStage('lint', TOOL_SCRIPTS.biome, ['check', '--error-on-warnings', '.']));
  if (wanted('typecheck')) {
    for (const project of await typeScriptProjects()) {
      results.push(await toolStage(`typecheck ${project}`, TOOL_SCRIPTS.tsc, ['--noEmit', '-p', project]));
    }
  }
  // Redocly's recommended rules over the served document: zero errors, zero warnings.
  if (wanted('openapi')) results.push(await lintOpenApiDocument(log));
  // The compose file against the Compose specification's schema and rules, and every Dockerfile:
  // there is no Docker engine to build them, so the linters are their check.
  if (wanted('deploy')) {
    results.push(
      await toolStage('deploy (compose lint)', TOOL_SCRIPTS.dclint, [
        '--config',
        'docker/dclint.json',
        '--max-warnings',
        '0',
        'docker/compose.yaml',
      ]),
    );
    const dockerfiles = (await readdir(join(REPO_ROOT, 'docker'))).filter((name) =>
      name.endsWith('.Dockerfile'),
    );
    results.push(
      await toolStage(
        'deploy (Dockerfile lint)',
        TOOL_SCRIPTS.dockerfilelint,
        dockerfiles.map((name) => join('docker', name)),
      ),
    );
  }
  if (wanted('unit')) results.push(await vitestStage('unit', 'unit'));
  // The database-service tests start (or reuse) their servers themselves.
  if (wanted('services')) results.push(await vitestStage('services', 'services'));

  let databaseEnv: Record<string, string> = {};
  if (wanted('store') || wanted('apps')) {
    log('starting the test databases (PostgreSQL, MariaDB) when not running');
    const [postgres, mariadb] = [
      await ensurePostgres({ rootDir: TEST_STATE_DIR, log }),
      await ensureMariadb({ rootDir: TEST_STATE_DIR, log }),
    ];
    const prefixed = (prefix: string, env: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(env).map(([key, value]) => [key.replace('TEMPO_TEST_DB', prefix), value]),
      );
    databaseEnv = {
      ...prefixed('TEMPO_TEST_PG', databaseServiceEnv(postgres)),
      ...prefixed('TEMPO_TEST_MYSQL', databaseServiceEnv(mariadb)),
    };
    if (wanted('store')) {
      results.push(await vitestStage('store (Sqlite)', 'store', { TEMPO_TEST_DB: 'Sqlite' }));
      results.push(await vitestStage('store (Postgresql)', 'store', databaseServiceEnv(postgres)));
      results.push(await vitestStage('store (Mysql)', 'store', databaseServiceEnv(mariadb)));
    }
  }
  if (wanted('apps')) results.push(await vitestStage('apps', 'apps', databaseEnv));
  // The dashboard's unit and i18n audit tests, then its browser suites in Debian's Chromium.
  if (wanted('dashboard')) {
    const missing = await ensureChromium(log);
    if (missing === null) results.push(await vitestStage('dashboard', 'dashboard'));
    else {
      log(`dashboard: Chromium is not available: ${missing}`);
      results.push({ stage: 'dashboard', passed: 0, failed: 1, ok: false });
    }
  }
  // Never part of the default run: mutation testing takes tens of minutes.
  if (only.includes('mutation')) results.push(...(await runMutationStages(log)));

  log('summary');
  for (const result of results) {
    log(`  ${result.ok ? 'ok  ' : 'FAIL'} ${result.stage}: ${result.passed} passed, ${result.failed} failed`);
  }
  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  process.stdout.write(`total: ${passed} passed, ${failed} failed\n`);
  return results.every((result) => result.ok) ? 0 : 1;
};
