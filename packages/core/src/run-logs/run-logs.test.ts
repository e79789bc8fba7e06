import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoError } from '@tempo/contracts';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunLogBudget, truncationMarker } from './run-log-budget.ts';
import { keyInFileName, parseRunLogPath, stepFileName } from './run-log-layout.ts';
import { checkRunLogPath, resolveInsideRun } from './run-log-path.ts';
import { RunLogReader } from './run-log-reader.ts';
import { RunLogRetention, type RunRetentionView } from './run-log-retention.ts';
import { RunLogWriter } from './run-log-writer.ts';
import { currentStepLog } from './step-log-scope.ts';

const silent = pino({ level: 'silent' });
let root = '';

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tempo-run-logs-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const refusal = (path: string): string | null => {
  try {
    checkRunLogPath(path);
    return null;
  } catch (error) {
    return error instanceof TempoError ? `${error.statusCode} ${error.code}` : 'other';
  }
};

describe('checkRunLogPath', () => {
  it('accepts the layout’s relative paths', () => {
    expect(checkRunLogPath('run.log')).toEqual(['run.log']);
    expect(checkRunLogPath('attempt-001-ras_A/worker.log')).toEqual(['attempt-001-ras_A', 'worker.log']);
  });

  it('refuses absolute, traversing, backslashed, encoded and control-character paths with 400', () => {
    for (const path of [
      '',
      '/etc/passwd',
      'C:/x',
      '../run.log',
      'a/../run.log',
      './run.log',
      'a//b',
      'a\\b',
      '..\\run.log',
      '%2e%2e/run.log',
      '%252e%252e',
      'run.log\u0000',
      'run\nlog',
      'x'.repeat(513),
    ])
      expect({ path, refusal: refusal(path) }).toEqual({ path, refusal: '400 BadRequest' });
  });
});

describe('resolveInsideRun', () => {
  it('follows links only while they stay in the run folder', async () => {
    const run = join(root, 'run_A');
    mkdirSync(join(run, 'attempt-001-ras_A'), { recursive: true });
    writeFileSync(join(run, 'run.log'), 'mine\n');
    writeFileSync(join(root, 'secret'), 'not yours\n');
    symlinkSync(join(root, 'secret'), join(run, 'attempt-001-ras_A', 'worker.log'));
    symlinkSync(join(run, 'run.log'), join(run, 'attempt-001-ras_A', 'host.log'));
    await expect(resolveInsideRun(run, ['attempt-001-ras_A', 'worker.log'])).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(await resolveInsideRun(run, ['attempt-001-ras_A', 'host.log'])).toMatch(/run\.log$/);
    expect(await resolveInsideRun(run, ['missing.log'])).toBeNull();
  });
});

describe('layout names', () => {
  it('makes execution keys file-safe and reads names back', () => {
    expect(keyInFileName('../evil key.stderr')).toBe('___evil_key_stderr');
    const name = stepFileName(3, 'sru_01AB_CD', 'a.stderr', 'log');
    expect(parseRunLogPath(['attempt-002-ras_X_Y', name])).toMatchObject({
      kind: 'Step',
      attemptNumber: 2,
      runAssignmentId: 'ras_X_Y',
      stepRunId: 'sru_01AB_CD',
      sequence: 3,
    });
    expect(parseRunLogPath(['attempt-002-ras_X', stepFileName(3, 'sru_A', 'k', 'stderr')])?.kind).toBe(
      'StepStderr',
    );
    expect(parseRunLogPath(['manifest.json'])).toBeNull();
    expect(parseRunLogPath(['attempt-1-ras_X', 'worker.log'])).toBeNull();
  });
});

describe('RunLogBudget', () => {
  it('keeps writes under the cap and replaces the first that passes it with one marker', () => {
    const budget = new RunLogBudget(10);
    expect(budget.take(6)).toEqual({ kind: 'whole' });
    expect(budget.take(6)).toEqual({ kind: 'marker', marker: truncationMarker(10) });
    expect(budget.take(1)).toEqual({ kind: 'none' });
    expect(budget.exhausted).toBe(true);
    expect(budget.remainingBytes).toBe(0);
  });
});

describe('RunLogWriter and RunLogReader', () => {
  const run = {
    runId: 'run_01A_B',
    tenantId: 'ten_A',
    dataFlowId: 'flow_A',
    createdUtc: new Date().toISOString(),
  };
  const attempt = { attemptNumber: 1, runAssignmentId: 'ras_01A_B', workerId: 'wrk_local_server' };
  const limits = {
    defaultTailLines: 400,
    maxTailLines: 5000,
    defaultMaxBytes: 262_144,
    maxReadBytes: 1_048_576,
  };

  it('writes the run, attempt and step files and lists them by kind', async () => {
    const writer = new RunLogWriter({ rootPath: root, maxBytesPerRun: 1024 * 1024, log: silent });
    const log = writer.open(run, attempt);
    const step = log.stepStarted('sru_01A_B', 'my.step');
    const file = await step.openHandlerFile();
    expect(file?.file).toMatch(/attempt-001-ras_01A_B\/step-001-sru_01A_B-my_step\.log$/);
    await appendFile(file?.file as string, 'from the handler\n');
    step.stderr('oops');
    step.hostEvent('handler process exited with code 0');
    await step.closeHandlerFile();
    const now = new Date().toISOString();
    log.stepEnded({
      stepRunId: 'sru_01A_B',
      stepId: 'my.step',
      sequence: 1,
      result: 'Success',
      errorMessage: null,
      startedUtc: now,
      completedUtc: now,
    });
    expect(writer.isWriting(run.runId)).toBe(true);
    await log.close({ state: 'Succeeded', errorMessage: null, steps: 1 });
    expect(writer.isWriting(run.runId)).toBe(false);

    const reader = new RunLogReader({ rootPath: root, limits });
    const view = { id: run.runId, state: 'Succeeded' as const, runAssignmentId: attempt.runAssignmentId };
    const files = await reader.list(view);
    expect(files.map((entry) => [entry.kind, entry.stepId ?? null])).toEqual([
      ['Run', null],
      ['Host', null],
      ['Step', 'my.step'],
      ['StepStderr', 'my.step'],
      ['Worker', null],
    ]);
    const stepFile = files[2]?.path as string;
    expect((await reader.content(view, stepFile, {})).content).toContain('from the handler');
    const tail = await reader.content(view, 'run.log', { tailLines: 1, maxBytes: 10_000_000 });
    expect(tail).toMatchObject({ tailLines: 1, maxBytes: 1_048_576, truncated: true });
    expect(tail.content).toMatch(/run ended Succeeded/);
    // A running run's files are active and not deletable; its folder not at all.
    const live = { ...view, state: 'Running' as const };
    await expect(reader.deleteFile(live, stepFile)).rejects.toMatchObject({ statusCode: 409 });
    await expect(reader.deleteAll(live)).rejects.toMatchObject({ statusCode: 409 });
    await reader.deleteFile(view, stepFile);
    expect((await reader.list(view)).map((entry) => entry.path)).not.toContain(stepFile);
    await reader.deleteAll(view);
    expect(await reader.list(view)).toEqual([]);
  });

  it('cuts a handler file past the run cap back to it with one marker', async () => {
    const cap = 64 * 1024;
    const writer = new RunLogWriter({ rootPath: root, maxBytesPerRun: cap, log: silent });
    const log = writer.open(run, attempt);
    const step = log.stepStarted('sru_01A_B', 'flood');
    const file = (await step.openHandlerFile())?.file as string;
    await appendFile(file, 'x'.repeat(1024 * 1024));
    await step.closeHandlerFile();
    step.stderr('dropped after the cap');
    await log.close({ state: 'Succeeded', errorMessage: null, steps: 1 });
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith(truncationMarker(cap))).toBe(true);
    expect(statSync(file).size).toBeLessThanOrEqual(cap + 200);
    const reader = new RunLogReader({ rootPath: root, limits });
    const files = await reader.list({ id: run.runId, state: 'Succeeded', runAssignmentId: null });
    expect(files.some((entry) => entry.kind === 'StepStderr')).toBe(false);
    const total = files.reduce((sum, entry) => sum + entry.byteLength, 0);
    expect(total).toBeLessThanOrEqual(cap + 200);
  });

  it('shares one budget between concurrent handler files of a run', async () => {
    const cap = 64 * 1024;
    const writer = new RunLogWriter({ rootPath: root, maxBytesPerRun: cap, log: silent });
    const log = writer.open(run, attempt);
    const one = log.stepStarted('sru_01A_1', 'left');
    const two = log.stepStarted('sru_01A_2', 'right');
    const files = [(await one.openHandlerFile())?.file, (await two.openHandlerFile())?.file] as string[];
    // Each alone stays under the cap; together they pass it.
    await Promise.all(files.map((file) => appendFile(file, 'y'.repeat(48 * 1024))));
    await Promise.all([one.closeHandlerFile(), two.closeHandlerFile()]);
    await log.close({ state: 'Succeeded', errorMessage: null, steps: 2 });
    const reader = new RunLogReader({ rootPath: root, limits });
    const listed = await reader.list({ id: run.runId, state: 'Succeeded', runAssignmentId: null });
    const total = listed.reduce((sum, entry) => sum + entry.byteLength, 0);
    expect(total).toBeLessThanOrEqual(cap + 200);
    const text = files.map((file) => readFileSync(file, 'utf8')).join('');
    expect(text.split('[tempo] run log truncated').length - 1).toBe(1);
  });

  it('frees blocks a handler reserves past the end of its file', async () => {
    const cap = 64 * 1024;
    const writer = new RunLogWriter({ rootPath: root, maxBytesPerRun: cap, log: silent });
    const log = writer.open(run, attempt);
    const step = log.stepStarted('sru_01A_B', 'reserve');
    const file = (await step.openHandlerFile())?.file as string;
    execFileSync('fallocate', ['-n', '-l', '64M', file]);
    expect(statSync(file).blocks * 512).toBeGreaterThan(cap);
    await step.closeHandlerFile();
    await log.close({ state: 'Succeeded', errorMessage: null, steps: 1 });
    expect(statSync(file).blocks * 512).toBeLessThanOrEqual(cap);
    expect(readFileSync(file, 'utf8')).toContain('handler started');
  });

  it('enters the step’s scope around each provider call', async () => {
    const writer = new RunLogWriter({ rootPath: root, maxBytesPerRun: 1024, log: silent });
    const log = writer.open(run, attempt);
    const seen: (string | undefined)[] = [];
    const providers = log.providers(
      new Map([
        [
          'Builtin.Method',
          {
            runtimeKey: 'Builtin.Method',
            execute: async () => {
              seen.push(currentStepLog()?.stepRunId);
              return { result: { result: 'Success' } };
            },
          },
        ],
      ]) as never,
    );
    await providers
      .get('Builtin.Method')
      ?.execute({ step: { executionKey: 'k' }, request: { stepRunId: 'sru_X' } } as never);
    expect(seen).toEqual(['sru_X']);
    expect(currentStepLog()).toBeUndefined();
    await log.close({ state: 'Succeeded', errorMessage: null, steps: 1 });
  });

  /** One step of `runtimeKey` through the log's providers, reported ended as the engine does. */
  const runStep = async (log: ReturnType<RunLogWriter['open']>, runtimeKey: string, stepRunId: string) => {
    const providers = log.providers(
      new Map([
        [runtimeKey, { runtimeKey, execute: async () => ({ result: { result: 'Success' } }) }],
      ]) as never,
    );
    const startedUtc = new Date().toISOString();
    await providers
      .get(runtimeKey as never)
      ?.execute({ step: { executionKey: 'k' }, request: { stepRunId } } as never);
    log.stepEnded({
      stepRunId,
      stepId: 'k',
      sequence: 1,
      result: 'Success',
      errorMessage: null,
      startedUtc,
      completedUtc: new Date().toISOString(),
    });
  };

  it('writes no files for a first attempt of in-process steps that ends before its lines are due', async () => {
    const writer = new RunLogWriter({ rootPath: root, maxBytesPerRun: 1024 * 1024, log: silent });
    const log = writer.open(run, attempt);
    await runStep(log, 'Builtin.Method', 'sru_01A_B');
    await log.close({ state: 'Succeeded', errorMessage: null, steps: 1 });
    expect(writer.isWriting(run.runId)).toBe(false);
    expect(existsSync(join(root, run.runId))).toBe(false);
    const reader = new RunLogReader({ rootPath: root, limits });
    expect(await reader.list({ id: run.runId, state: 'Succeeded', runAssignmentId: null })).toEqual([]);
  });

  it('writes every line once a step runs outside the process, or on a later attempt', async () => {
    const writer = new RunLogWriter({ rootPath: root, maxBytesPerRun: 1024 * 1024, log: silent });
    const rest = writer.open(run, attempt);
    await runStep(rest, 'External.Rest', 'sru_01A_B');
    await rest.close({ state: 'Succeeded', errorMessage: null, steps: 1 });
    const runLog = readFileSync(join(root, run.runId, 'run.log'), 'utf8')
      .trim()
      .split('\n');
    expect(runLog.map((line) => line.replace(/^\S+ /, '').split(' ').slice(0, 2).join(' '))).toEqual([
      'run accepted',
      'run started:',
      'run ended',
    ]);
    const workerLog = readFileSync(join(root, run.runId, 'attempt-001-ras_01A_B', 'worker.log'), 'utf8');
    expect(workerLog).toMatch(
      /assignment ras_01A_B started[\s\S]*step 1 "k" \(sru_01A_B\) started[\s\S]*ended Success/,
    );

    const second = { runId: 'run_01A_C', tenantId: 'ten_A', dataFlowId: 'flow_A', createdUtc: null };
    const retried = writer.open(second, { ...attempt, attemptNumber: 2, runAssignmentId: 'ras_01A_C' });
    await runStep(retried, 'Builtin.Method', 'sru_01A_C');
    await retried.close({ state: 'Succeeded', errorMessage: null, steps: 1 });
    expect(readFileSync(join(root, second.runId, 'run.log'), 'utf8')).toMatch(/run assigned[\s\S]*run ended/);
  });

  it('writes a run of in-process steps once it is still running when its lines are due', async () => {
    const writer = new RunLogWriter({ rootPath: root, maxBytesPerRun: 1024 * 1024, log: silent });
    const log = writer.open(run, attempt);
    await runStep(log, 'Builtin.Method', 'sru_01A_B');
    const runLog = join(root, run.runId, 'run.log');
    for (let waited = 0; waited < 5_000 && !existsSync(runLog); waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(runLog, 'utf8')).toMatch(/run accepted[\s\S]*run started/);
    await log.close({ state: 'Succeeded', errorMessage: null, steps: 1 });
    expect(readFileSync(runLog, 'utf8')).toMatch(/run ended Succeeded after \d+ ms and 1 step/);
  });
});

describe('RunLogRetention', () => {
  it('removes ended runs past the retention and gone runs’ old folders, never live ones', async () => {
    const old = new Date(Date.now() - 30 * 24 * 60 * 60 * 1000);
    const rows = new Map<string, RunRetentionView>([
      ['run_old', { state: 'Succeeded', completedUtc: old.toISOString() }],
      ['run_new', { state: 'Failed', completedUtc: new Date().toISOString() }],
      ['run_running', { state: 'Running', completedUtc: null }],
      ['run_queued', { state: 'Queued', completedUtc: old.toISOString() }],
      ['run_writing', { state: 'Succeeded', completedUtc: old.toISOString() }],
    ]);
    const names = [...rows.keys(), 'run_goneold', 'run_gonenew', 'not_a_run'];
    for (const name of names) mkdirSync(join(root, name));
    for (const name of ['run_running', 'run_queued', 'run_goneold', 'not_a_run'])
      utimesSync(join(root, name), old, old);
    const lookups: number[] = [];
    const retention = new RunLogRetention({
      rootPath: root,
      retentionDays: 7,
      pruneIntervalMinutes: 60,
      log: silent,
      batchSize: 3,
      isWriting: (id) => id === 'run_writing',
      lookupRuns: async (ids) => {
        lookups.push(ids.length);
        return new Map(
          ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id) as RunRetentionView] as const] : [])),
        );
      },
    });
    expect(await retention.pruneOnce()).toEqual({ removed: 2, kept: 5 });
    expect(Math.max(...lookups)).toBeLessThanOrEqual(3);
    const left = ['run_new', 'run_running', 'run_queued', 'run_writing', 'run_gonenew', 'not_a_run'];
    for (const name of names)
      expect({ name, kept: statSafe(join(root, name)) }).toEqual({ name, kept: left.includes(name) });
  });
});

const statSafe = (path: string) => {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
};
