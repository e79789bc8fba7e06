import { spawn, spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../repo-paths.ts';
import { runNode } from '../run-process.ts';

/** Stryker's command line entry, run with this process's Node like the other tools. */
const STRYKER_SCRIPT = join(REPO_ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');

/** The Stryker configuration; it also names the modules and their thresholds. */
const STRYKER_CONFIG = join(REPO_ROOT, 'stryker.config.mjs');

/** One mutated module as `stryker.config.mjs` lists it. */
interface MutationModule {
  readonly name: string;
  /** Least mutation score it must keep, in percent. */
  readonly threshold: number;
}

/** The outcome of one module's run, as `./tempo test` counts stages. */
export interface MutationStageResult {
  readonly stage: string;
  readonly passed: number;
  readonly failed: number;
  readonly ok: boolean;
}

/** Mutant counts of a report: detected (killed or timed out) and undetected (survived or not covered). */
interface MutantCounts {
  readonly detected: number;
  readonly undetected: number;
  readonly ignored: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const modulesOf = (loaded: unknown): MutationModule[] => {
  const list = isRecord(loaded) ? loaded.mutationModules : undefined;
  if (!Array.isArray(list)) throw new Error('stryker.config.mjs exports no mutationModules list.');
  return list.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || typeof entry.threshold !== 'number')
      throw new Error('Each entry of mutationModules needs a name and a numeric threshold.');
    return { name: entry.name, threshold: entry.threshold };
  });
};

/**
 * Counts the mutants of a Stryker JSON report (mutation-testing-report-schema). Compile and
 * runtime errors are not valid mutants and count nowhere, as in Stryker's own score.
 */
const countMutants = (report: unknown): MutantCounts => {
  const counts = { detected: 0, undetected: 0, ignored: 0 };
  const files = isRecord(report) && isRecord(report.files) ? Object.values(report.files) : [];
  for (const file of files) {
    const mutants = isRecord(file) && Array.isArray(file.mutants) ? file.mutants : [];
    for (const mutant of mutants) {
      const status = isRecord(mutant) ? mutant.status : undefined;
      if (status === 'Killed' || status === 'Timeout') counts.detected += 1;
      else if (status === 'Survived' || status === 'NoCoverage') counts.undetected += 1;
      else if (status === 'Ignored') counts.ignored += 1;
    }
  }
  return counts;
};

const scoreOf = ({ detected, undetected }: MutantCounts): number =>
  detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected);

/** Whether `name` picks `module`: its own name, or the family of parts it was split into (`process-host-*`). */
const selects = (name: string, module: MutationModule): boolean =>
  module.name === name || module.name.startsWith(`${name}-`);

/**
 * Mutants of the process host's tree code (`process-tree.ts`, `tree-containment.ts`,
 * `handler-leftovers.ts`, the kills of `child-process-run.ts`) can stop and kill any process this
 * user may signal: as root, every process of the machine. On Linux as root, those runs get a PID
 * namespace of their own, with its own `/proc`, and a session of their own, where they see and
 * reach only Stryker's processes; elsewhere they run as is.
 */
const needsOwnPidNamespace = (name: string): boolean =>
  name.startsWith('process-host') &&
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' }).status === 0;

/** Runs Stryker for one module, in a PID namespace of its own where {@link needsOwnPidNamespace}. */
const runStryker = (name: string): Promise<number> => {
  const env = { TEMPO_MUTATION_MODULE: name };
  if (!needsOwnPidNamespace(name))
    return runNode(STRYKER_SCRIPT, ['run', STRYKER_CONFIG], { cwd: REPO_ROOT, env });
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount-proc',
        '--kill-child',
        '--',
        process.execPath,
        '--disable-warning=ExperimentalWarning',
        STRYKER_SCRIPT,
        'run',
        STRYKER_CONFIG,
      ],
      // A session of its own too: process groups reach across PID namespaces, so a mutant that
      // signals its own group (`kill(0)`) must not find this process in it.
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: 'inherit', detached: true },
    );
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolvePromise(code ?? (signal ? 128 : 1));
    });
  });
};

/** Where `stryker.config.mjs` writes a module's report. */
const reportPath = (name: string) =>
  join(REPO_ROOT, '.tempo-test', 'mutation', name.replace(/\W+/g, '-'), 'report.json');

/**
 * `./tempo test --only mutation`: one Stryker run per module of `stryker.config.mjs` (the unit
 * tests against each mutant, incremental across runs), then one line per module with its score
 * and threshold, and the total `mutation score: N%`. A module under its threshold, or a run that
 * produced no report, fails the stage.
 */
export const runMutationStages = async (log: (line: string) => void): Promise<MutationStageResult[]> => {
  const all = modulesOf(await import(pathToFileURL(STRYKER_CONFIG).href));
  // `TEMPO_MUTATION_MODULES=engine,store` runs those modules only (a module's run can be long);
  // `process-host` names all its parts.
  const picked = (process.env.TEMPO_MUTATION_MODULES ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = picked.filter((name) => !all.some((module) => selects(name, module)));
  if (unknown.length > 0)
    throw new Error(
      `TEMPO_MUTATION_MODULES names no module: ${unknown.join(', ')} (modules: ${all.map((m) => m.name).join(', ')}).`,
    );
  const modules =
    picked.length === 0 ? all : all.filter((module) => picked.some((name) => selects(name, module)));
  const results: MutationStageResult[] = [];
  const lines: string[] = [];
  let total: MutantCounts = { detected: 0, undetected: 0, ignored: 0 };
  let reported = 0;
  const startedMs = Date.now();
  for (const module of modules) {
    const report = reportPath(module.name);
    await rm(report, { force: true });
    log(`mutation testing ${module.name}`);
    const code = await runStryker(module.name);
    const parsed: unknown = await readFile(report, 'utf8').then(
      (text) => JSON.parse(text) as unknown,
      () => null,
    );
    if (parsed === null) {
      lines.push(`${module.name}: no report (Stryker exited with ${code})`);
      results.push({ stage: `mutation ${module.name}`, passed: 0, failed: 1, ok: false });
      continue;
    }
    reported += 1;
    const counts = countMutants(parsed);
    total = {
      detected: total.detected + counts.detected,
      undetected: total.undetected + counts.undetected,
      ignored: total.ignored + counts.ignored,
    };
    const score = scoreOf(counts);
    const ok = score >= module.threshold;
    lines.push(
      `${module.name}: ${score.toFixed(1)}% (threshold ${module.threshold}%; ${counts.detected} detected, ${counts.undetected} undetected, ${counts.ignored} ignored)${ok ? '' : ' BELOW THRESHOLD'}`,
    );
    // Scores are checks, not tests: they add nothing to the passed count.
    results.push({ stage: `mutation ${module.name}`, passed: 0, failed: ok ? 0 : 1, ok });
  }
  for (const line of lines) process.stdout.write(`mutation ${line}\n`);
  // With no report at all there is no score: 100% of nothing would read as a pass.
  process.stdout.write(
    `mutation score: ${reported > 0 ? `${scoreOf(total).toFixed(1)}%` : 'none (no report)'}\n`,
  );
  log(`mutation testing took ${Math.round((Date.now() - startedMs) / 1000)} s`);
  return results;
};
