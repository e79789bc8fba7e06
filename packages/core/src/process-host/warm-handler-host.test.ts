import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalExecutionSettings, type StepProtocolRequest } from '@tempo/contracts';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunLogWriter } from '../run-logs/run-log-writer.ts';
import { runWithStepLog } from '../run-logs/step-log-scope.ts';
import { LANGUAGE_SHIMS } from './language-shims.ts';
import { type HandlerInvocation, type HandlerLaunch, ProcessHandlerHost } from './process-handler-host.ts';

let folder: string;
let scratchRoot: string;
const hosts: ProcessHandlerHost[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tempo-warm-'));
  // Handlers may run as another user (hidden server files as root): they must reach their package.
  await chmod(folder, 0o755);
  scratchRoot = join(folder, 'scratch');
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const hostWith = (overrides: Partial<ExternalExecutionSettings> = {}, warmStartTimeoutMs?: number) => {
  const host = new ProcessHandlerHost({
    settings: ExternalExecutionSettings.parse({ scratchRoot, ...overrides }),
    environment: process.env,
    workerId: 'wrk_warm',
    ...(warmStartTimeoutMs ? { warmStartTimeoutMs } : {}),
  });
  hosts.push(host);
  return host;
};

const requestFor = (tenantId: string, n: number, data: unknown = null): StepProtocolRequest => ({
  protocolVersion: '1.0',
  tenantId,
  dataFlowId: 'flow_warm',
  flowRunId: `run_warm_${n}`,
  stepRunId: `sru_warm_${n}`,
  requestId: `req_warm_${n}`,
  data,
  metadata: null,
  previousResult: null,
});

/** A JavaScript handler run through the real shim, offered persistent mode. */
const javascriptHandler = async (name: string, source: string): Promise<HandlerLaunch> => {
  await writeFile(join(folder, name), source);
  return {
    command: process.execPath,
    args: [`./${name}`, 'run'],
    cwd: folder,
    shim: 'javascript',
    env: { TEMPO_ARTIFACT_ROOT: folder },
    requestedEnvironment: [],
    persistentIdentity: `Artifact.JavaScript:${name}:main`,
  };
};

/** A node script speaking the protocol by hand (or not at all), offered persistent mode. */
const scriptHandler = async (name: string, source: string): Promise<HandlerLaunch> => {
  await writeFile(join(folder, name), source);
  return {
    command: process.execPath,
    args: [join(folder, name)],
    cwd: folder,
    requestedEnvironment: [],
    persistentIdentity: `Artifact.Process:${name}:main`,
  };
};

let counter = 0;
const call = (
  host: ProcessHandlerHost,
  launch: HandlerLaunch,
  options: { tenantId?: string; data?: unknown; timeoutMs?: number; signal?: AbortSignal } = {},
) => {
  counter += 1;
  const invocation: HandlerInvocation = {
    request: requestFor(options.tenantId ?? 'ten_a', counter, options.data ?? null),
    stepId: 'warm_step',
    launch,
    timeoutMs: options.timeoutMs ?? 10_000,
    signal: options.signal ?? new AbortController().signal,
  };
  return host.invoke(invocation);
};

/** The handler's own data of a Success result. */
const dataOf = (outcome: Awaited<ReturnType<ProcessHandlerHost['invoke']>>) => {
  expect({ result: outcome.result.result, errorMessage: outcome.result.errorMessage ?? null }).toEqual({
    result: 'Success',
    errorMessage: null,
  });
  return outcome.result.data as Record<string, unknown>;
};

// A random token per process proves reuse where pids cannot (a PID namespace numbers from 1).
const COUNTING = `
const token = Math.random().toString(36).slice(2);
let count = 0;
exports.run = async (request) => {
  count += 1;
  if (request.data && request.data.sleepMs) await new Promise((resolve) => setTimeout(resolve, request.data.sleepMs));
  if (request.data && request.data.exitAfter) setTimeout(() => process.exit(3), 20);
  return { token, count };
};
`;

describe('warm handler processes', () => {
  it('reuse one process per tenant and never share it across tenants', async () => {
    const host = hostWith();
    const launch = await javascriptHandler('counting.js', COUNTING);
    const first = dataOf(await call(host, launch));
    const second = dataOf(await call(host, launch));
    const other = dataOf(await call(host, launch, { tenantId: 'ten_b' }));
    expect(first.count).toBe(1);
    expect(second).toEqual({ token: first.token, count: 2 });
    expect(other.count).toBe(1);
    expect(other.token).not.toBe(first.token);
    expect(host.warmStatus()).toMatchObject({ live: 2, idle: 2 });
  });

  it('start one process per invocation with persistentMode Off', async () => {
    const host = hostWith({ persistentMode: 'Off' });
    const launch = await javascriptHandler('counting-off.js', COUNTING);
    const first = dataOf(await call(host, launch));
    const second = dataOf(await call(host, launch));
    expect([first.count, second.count]).toEqual([1, 1]);
    expect(second.token).not.toBe(first.token);
    expect(host.warmStatus().live).toBe(0);
  });

  it('relay log lines to the step’s run-log file in the v1 line format', async () => {
    const host = hostWith();
    const launch = await javascriptHandler(
      'logging.js',
      `exports.run = (request) => { console.log('hello from warm', request.stepRunId); console.warn('careful'); return 1; };`,
    );
    const logRoot = join(folder, 'run-logs');
    const writer = new RunLogWriter({
      rootPath: logRoot,
      maxBytesPerRun: 1 << 20,
      log: pino({ level: 'silent' }),
    });
    const log = writer.open(
      { runId: 'run_warm_log', tenantId: 'ten_a', dataFlowId: 'flow_warm', createdUtc: null },
      { attemptNumber: 1, runAssignmentId: 'ras_warm', workerId: 'wrk_warm' },
    );
    for (const n of [1, 2]) {
      const step = log.stepStarted(`sru_log_${n}`, 'warm_step');
      const outcome = await runWithStepLog(step, () => call(host, launch));
      expect(outcome.result.result).toBe('Success');
    }
    await log.close({ state: 'Succeeded', errorMessage: null, steps: 2 });
    const files = await readdir(join(logRoot, 'run_warm_log'), { recursive: true });
    const stepFiles = files.filter((file) => file.endsWith('.log') && file.includes('sru_log_'));
    expect(stepFiles).toHaveLength(2);
    const text = await readFile(join(logRoot, 'run_warm_log', stepFiles[0] ?? ''), 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[INFO\] hello from warm sru_warm_\d+$/m);
    expect(text).toMatch(/\[WARN\] careful$/m);
    // The second invocation's lines are in its own file, not the first one's.
    expect(text.match(/hello from warm/g)).toHaveLength(1);
    expect(host.warmStatus().live).toBe(1);
  });

  it('kill and discard a process at its time limit', async () => {
    const host = hostWith();
    const launch = await javascriptHandler('slow.js', COUNTING);
    const first = dataOf(await call(host, launch));
    const timedOut = await call(host, launch, { data: { sleepMs: 5_000 }, timeoutMs: 300 });
    expect(timedOut.result).toMatchObject({
      result: 'Timeout',
      errorMessage: 'External process exceeded maximum runtime of 300ms',
    });
    const after = dataOf(await call(host, launch));
    expect(after.token).not.toBe(first.token);
    expect(after.count).toBe(1);
    expect(host.status().processKillCount).toBe(1);
  });

  it('kill a busy process when the run is cancelled', async () => {
    const host = hostWith();
    const launch = await javascriptHandler('cancelled.js', COUNTING);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const outcome = await call(host, launch, { data: { sleepMs: 5_000 }, signal: controller.signal });
    expect(outcome.result).toMatchObject({ result: 'Exception', errorMessage: 'The run was cancelled.' });
    expect(host.warmStatus().live).toBe(0);
  });

  it('discard a process that writes a malformed line', async () => {
    const host = hostWith();
    // Malformed on its first invocation only: a reused process would answer the second one.
    const launch = await scriptHandler(
      'malformed.cjs',
      `let count = 0;
process.stdout.write('{"type":"ready","protocolVersion":"1.0","mode":"persistent"}\\n');
process.stdin.on('data', (line) => {
  count += 1;
  const { request } = JSON.parse(String(line));
  if (count === 1) process.stdout.write('this is not json\\n');
  else process.stdout.write(JSON.stringify({ type: 'result', result: { result: 'Success', data: { count }, requestId: request.requestId } }) + '\\n');
});`,
    );
    for (const _ of [1, 2]) {
      const outcome = await call(host, launch);
      expect(outcome.result).toMatchObject({
        result: 'Exception',
        errorMessage: 'External process stdout was not valid StepResult JSON: a line is not a JSON document.',
      });
    }
    expect(host.warmStatus().live).toBe(0);
  });

  it('discard a result for another request', async () => {
    const host = hostWith();
    const launch = await scriptHandler(
      'uncorrelated.cjs',
      `process.stdout.write('{"type":"ready","protocolVersion":"1.0","mode":"persistent"}\\n');
process.stdin.on('data', () => process.stdout.write(JSON.stringify({ type: 'result', result: { result: 'Success', requestId: 'req_other' } }) + '\\n'));`,
    );
    const outcome = await call(host, launch);
    expect(outcome.result.errorMessage).toContain("requestId 'req_other' does not match the request");
    expect(host.warmStatus().live).toBe(0);
  });

  it('fall back to one process per invocation for a handler that does not answer ready, and stop offering', async () => {
    const startTimeoutMs = 3_000;
    const host = hostWith({}, startTimeoutMs);
    // A plain v1 handler: reads its request to EOF, writes its result, exits. Offered persistent
    // mode, it waits for an EOF that never comes: no ready line within the limit.
    const launch = await scriptHandler(
      'oneshot.cjs',
      `const request = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify({ result: 'Success', data: process.env.TEMPO_PERSISTENT_PROTOCOL ?? 'one-shot', requestId: request.requestId }));`,
    );
    const started = Date.now();
    expect((await call(host, launch)).result).toMatchObject({ result: 'Success', data: 'one-shot' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(startTimeoutMs);
    // Not offered again: the next call starts one process, without the wait.
    const again = Date.now();
    expect((await call(host, launch)).result).toMatchObject({ result: 'Success', data: 'one-shot' });
    expect(Date.now() - again).toBeLessThan(startTimeoutMs);
    expect(host.warmStatus()).toMatchObject({ live: 0, refusedKeys: 1 });
    // A handler that exits at once is refused without waiting for the limit.
    const exiting = await scriptHandler('exiting.cjs', 'process.exit(0)');
    const outcome = await call(host, exiting);
    expect(outcome.result.errorMessage).toBe('External process produced empty stdout');
    expect(host.warmStatus().refusedKeys).toBe(2);
  });

  it('keep at most warmPoolSize idle, end them when idle too long or after warmMaxInvocations', async () => {
    const host = hostWith({
      warmPoolSize: 1,
      warmIdleTimeoutMs: 1_000,
      warmMaxInvocations: 2,
      maxConcurrentProcessesPerTenant: 4,
    });
    const launch = await javascriptHandler('pooled.js', COUNTING);
    const both = await Promise.all([
      call(host, launch, { data: { sleepMs: 300 } }),
      call(host, launch, { data: { sleepMs: 300 } }),
    ]);
    expect(new Set(both.map((outcome) => dataOf(outcome).token)).size).toBe(2);
    expect(host.warmStatus()).toMatchObject({ idle: 1 });
    const kept = dataOf(await call(host, launch));
    expect(kept.count).toBe(2);
    // Its second invocation was its last.
    const fresh = dataOf(await call(host, launch));
    expect(fresh.count).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(host.warmStatus()).toMatchObject({ live: 0, idle: 0 });
  });

  it('start a new process when the warm one exited between invocations', async () => {
    const host = hostWith();
    const launch = await javascriptHandler('crashing.js', COUNTING);
    const first = dataOf(await call(host, launch, { data: { exitAfter: true } }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(host.warmStatus().live).toBe(0);
    const second = dataOf(await call(host, launch));
    expect(second.token).not.toBe(first.token);
  });

  it('keep at most maxConcurrentProcessesPerTenant × warmPoolSize live per tenant, ending the least recently used', async () => {
    const host = hostWith({
      warmPoolSize: 1,
      maxConcurrentProcessesPerTenant: 2,
      maxConcurrentProcessesServerWide: 3,
    });
    // One key per step: without a cap every step a tenant has would keep a process alive.
    const steps = await Promise.all([1, 2, 3, 4].map((n) => javascriptHandler(`capped-${n}.js`, COUNTING)));
    const tokens: unknown[] = [];
    for (const launch of steps) tokens.push(dataOf(await call(host, launch)).token);
    expect(host.warmStatus()).toMatchObject({ live: 2, idle: 2 });
    // The two most recent are the ones kept.
    expect(dataOf(await call(host, steps[3] as HandlerLaunch))).toMatchObject({ token: tokens[3], count: 2 });
    expect(dataOf(await call(host, steps[0] as HandlerLaunch)).count).toBe(1);
    // Another tenant's take the host to its cap of three: the oldest idle one of any tenant goes.
    await call(host, steps[0] as HandlerLaunch, { tenantId: 'ten_b' });
    await call(host, steps[1] as HandlerLaunch, { tenantId: 'ten_b' });
    expect(host.warmStatus().live).toBe(3);
  });

  it('keep a warm scratch folder for the process’s life, and remove it only once the process is gone', async () => {
    const host = hostWith();
    const launch = await javascriptHandler(
      'scratch.js',
      `const fs = require('node:fs');
exports.run = () => {
  const file = require('node:path').join(process.env.TEMPO_SCRATCH_DIR, 'mark');
  const seen = fs.existsSync(file);
  fs.writeFileSync(file, 'x');
  return { seen, scratch: process.env.TEMPO_SCRATCH_DIR };
};`,
    );
    const first = dataOf(await call(host, launch));
    const second = dataOf(await call(host, launch));
    expect(first.seen).toBe(false);
    expect(second).toEqual({ seen: true, scratch: first.scratch });
    await host.close();
    await expect(readdir(String(first.scratch))).rejects.toThrow(/ENOENT/);
  });

  it('end every warm process on close', async () => {
    const host = hostWith();
    const launch = await javascriptHandler('closing.js', COUNTING);
    await call(host, launch);
    await call(host, launch, { tenantId: 'ten_b' });
    expect(host.warmStatus().live).toBe(2);
    await host.close();
    expect(host.warmStatus().live).toBe(0);
    // A closed host still runs calls, one process each.
    expect(dataOf(await call(host, launch)).count).toBe(1);
    expect(host.warmStatus().live).toBe(0);
  });
});

/** Runs a shim in persistent mode over `lines` and answers its stdout lines. */
const shimLines = (language: 'python' | 'javascript', args: string[], lines: readonly object[]) => {
  const shim = join(import.meta.dirname, 'shims', LANGUAGE_SHIMS[language].source);
  const command =
    language === 'python' ? ExternalExecutionSettings.parse({}).pythonExecutable : process.execPath;
  const run = spawnSync(command, [shim, ...args], {
    cwd: folder,
    input: lines.map((line) => `${JSON.stringify(line)}\n`).join(''),
    env: {
      PATH: process.env.PATH,
      PYTHONPATH: folder,
      TEMPO_ARTIFACT_ROOT: folder,
      TEMPO_PERSISTENT_PROTOCOL: '1',
    },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(run.status).toBe(0);
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('the source-step shims in persistent mode', () => {
  const invoke = (n: number, environment: Record<string, string>) => ({
    type: 'invoke',
    request: requestFor('ten_a', n),
    environment,
  });

  it.each([
    [
      'python',
      'env_probe',
      'import os\ncount = 0\ndef run(request):\n    global count\n    count += 1\n    print("call", count)\n    return {"count": count, "only": os.environ.get("ONLY_FIRST"), "step": os.environ.get("TEMPO_STEP_RUN_ID")}\n',
      'env_probe.py',
    ],
    [
      'javascript',
      './env-probe.js',
      "let count = 0;\nexports.run = () => { count += 1; console.log('call', count); return { count, only: process.env.ONLY_FIRST ?? null, step: process.env.TEMPO_STEP_RUN_ID ?? null }; };\n",
      'env-probe.js',
    ],
  ] as const)(
    '%s: loads the module once, and one invocation’s variables are gone in the next',
    async (language, module, source, file) => {
      await writeFile(join(folder, file), source);
      const frames = shimLines(
        language,
        [module, 'run'],
        [
          invoke(1, { ONLY_FIRST: 'first', TEMPO_STEP_RUN_ID: 'sru_1' }),
          invoke(2, { TEMPO_STEP_RUN_ID: 'sru_2' }),
        ],
      );
      expect(frames[0]).toEqual({ type: 'ready', protocolVersion: '1.0', mode: 'persistent' });
      const results = frames
        .filter((frame) => frame.type === 'result')
        .map((frame) => frame.result as Record<string, unknown>);
      expect(results.map((result) => result.data)).toEqual([
        { count: 1, only: 'first', step: 'sru_1' },
        { count: 2, only: null, step: 'sru_2' },
      ]);
      expect(results.map((result) => result.requestId)).toEqual(['req_warm_1', 'req_warm_2']);
      expect(frames.filter((frame) => frame.type === 'log')).toEqual([
        { type: 'log', level: 'INFO', text: 'call 1' },
        { type: 'log', level: 'INFO', text: 'call 2' },
      ]);
    },
  );
});
