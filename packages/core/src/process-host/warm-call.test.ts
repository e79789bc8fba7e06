import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepProtocolRequest } from '@tempo/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StepLogTarget } from '../run-logs/step-log-scope.ts';
import type { HandlerInvocation } from './process-handler-host.ts';
import { runWarmCall, type WarmCallContext } from './warm-call.ts';
import type { WarmHandler } from './warm-pool.ts';
import { WarmProcess } from './warm-process.ts';

/** A persistent handler whose request data says what to do. */
const HANDLER = `
const readline = require('node:readline');
const send = (frame) => process.stdout.write(JSON.stringify(frame) + '\\n');
send({ type: 'ready', mode: 'persistent', protocolVersion: '1.0' });
readline.createInterface({ input: process.stdin }).on('line', (text) => {
  const { request, environment } = JSON.parse(text);
  const mode = request.data;
  const ids = { tenantId: request.tenantId, stepRunId: request.stepRunId };
  if (mode === 'echo') {
    process.stderr.write('the key is sk-secret-value\\n');
    send({ type: 'log', level: 'info', text: 'one\\ntwo' });
    send({ type: 'log', level: 'warn', text: 'three' });
    setTimeout(() => send({ type: 'result', result: { ...ids, result: 'Success', data: environment } }), 200);
  } else if (mode === 'error') {
    send({ type: 'result', result: { result: 'Error', exception: 'failed with sk-secret-value' } });
  } else if (mode === 'other') {
    send({ type: 'result', result: { tenantId: 'ten_other', result: 'Success' } });
  } else if (mode === 'junk') {
    process.stdout.write('sk-secret-value\\n');
  } else if (mode === 'exit') {
    process.stderr.write('giving up\\n');
    setTimeout(() => process.exit(3), 100);
  } else if (mode === 'flood') {
    send({ type: 'result', result: { result: 'Success', data: 'x'.repeat(20000) } });
  } else if (mode === 'killed') {
    process.kill(process.pid, 'SIGKILL');
  } else if (mode === 'oom') {
    process.stderr.write('MemoryError: no room\\n');
    setTimeout(() => process.exit(1), 100);
  }
});
`;

let folder: string;
let script: string;
const processes: WarmProcess[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tempo-warm-call-'));
  script = join(folder, 'handler.cjs');
  await writeFile(script, HANDLER);
});
afterEach(async () => {
  await Promise.all(processes.splice(0).map((warm) => warm.kill()));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

let count = 0;
const startHandler = async (): Promise<WarmHandler> => {
  count += 1;
  const start = await WarmProcess.start({
    command: process.execPath,
    args: [script],
    cwd: folder,
    env: { PATH: process.env.PATH ?? '' },
    killTree: false,
    maxStderrBytes: 10_000,
    containmentTag: `call.warm-call-${count}`,
    namespaced: false,
    startTimeoutMs: 10_000,
    maxLineBytes: 10_000,
  });
  if (!start.ok) throw new Error(start.reason);
  processes.push(start.process);
  return {
    process: start.process,
    tenantId: 'ten_a',
    scratch: join(folder, 'scratch'),
    secretValues: ['sk-secret-value'],
  };
};

const request = (data: string): StepProtocolRequest => ({
  protocolVersion: '1.0',
  tenantId: 'ten_a',
  dataFlowId: 'flow_a',
  flowRunId: 'run_a',
  stepRunId: `sru_${data}`,
  requestId: 'run_a',
  data,
  metadata: null,
  previousResult: null,
});

/** A step log that records what the host tells it, with a real file for the handler's log lines. */
const recordingLog = (file: string) => {
  const events: string[] = [];
  const stderr: string[] = [];
  let closed = 0;
  const target: StepLogTarget = {
    flowRunId: 'run_a',
    runAssignmentId: 'ras_a',
    workerId: 'wrk_a',
    stepRunId: 'sru_a',
    stepId: 'step_a',
    openHandlerFile: async () => ({ dir: folder, file }),
    closeHandlerFile: async () => {
      closed += 1;
    },
    stderr: (text) => stderr.push(text),
    hostEvent: (text) => events.push(text),
  };
  return { target, events, stderr, closed: () => closed };
};

const context = (
  data: string,
  stepLog?: ReturnType<typeof recordingLog>,
  overrides: Partial<WarmCallContext> = {},
  timeoutMs = 10_000,
): WarmCallContext => {
  const invocation: HandlerInvocation = {
    request: request(data),
    stepId: 'step_a',
    launch: { command: process.execPath, args: [], cwd: folder, requestedEnvironment: [] },
    timeoutMs,
    signal: new AbortController().signal,
  };
  return {
    invocation,
    stepLog: stepLog?.target,
    logFile: stepLog ? { dir: folder, file: join(folder, `${data}.log`) } : null,
    workerId: 'wrk_a',
    limits: { memoryLimitMb: 0, cpuTimeLimitSeconds: 0 },
    limitsApply: false,
    ...overrides,
  };
};

describe('runWarmCall', () => {
  it('sends the call its variables, writes its log lines and stderr, and keeps the process', async () => {
    const handler = await startHandler();
    const log = recordingLog(join(folder, 'echo.log'));
    const report = await runWarmCall(handler, context('echo', log));
    expect(report).toMatchObject({ reusable: true, killed: false, stderr: 'the key is [redacted]\n' });
    expect(report.elapsedMs).toBeGreaterThanOrEqual(90);
    expect(report.elapsedMs).toBeLessThan(60_000);
    expect(report.result).toEqual({
      result: 'Success',
      data: {
        TEMPO_SCRATCH_DIR: handler.scratch,
        TEMPO_FLOW_RUN_ID: 'run_a',
        TEMPO_RUN_ASSIGNMENT_ID: 'ras_a',
        TEMPO_STEP_RUN_ID: 'sru_echo',
        TEMPO_STEP_ID: 'step_a',
        TEMPO_WORKER_ID: 'wrk_a',
      },
      metadata: null,
      errorMessage: null,
    });
    const lines = (await readFile(join(folder, 'echo.log'), 'utf8')).split('\n');
    expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual([
      '[INFO] one',
      '[INFO] two',
      '[WARN] three',
      '',
    ]);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[INFO\] one$/);
    expect(log.stderr).toEqual(['the key is [redacted]\n']);
    expect(log.events).toHaveLength(1);
    expect(log.events[0]).toMatch(
      new RegExp(`^warm handler process ${handler.process.pid} \\(invocation 1\\) answered after \\d+ ms$`),
    );
    expect(log.closed()).toBe(1);
    expect(handler.process.idle).toBe(true);
  });

  it('runs without a step log', async () => {
    const handler = await startHandler();
    const report = await runWarmCall(handler, context('echo'));
    expect(report.result.data).toMatchObject({ TEMPO_RUN_ASSIGNMENT_ID: '', TEMPO_STEP_ID: 'step_a' });
    expect(report.reusable).toBe(true);
  });

  it("redacts the handler's own exception and keeps the process", async () => {
    const handler = await startHandler();
    const report = await runWarmCall(handler, context('error'));
    expect(report.result).toEqual({
      result: 'Error',
      data: null,
      metadata: null,
      errorMessage: 'failed with [redacted]',
    });
    expect(report).toMatchObject({ reusable: true, killed: false });
  });

  it('discards a process that answers for another request, without counting a kill', async () => {
    const handler = await startHandler();
    const report = await runWarmCall(handler, context('other'));
    expect(report.result).toEqual({
      result: 'Exception',
      data: null,
      errorMessage:
        "External process stdout was not valid StepResult JSON: tenantId 'ten_other' does not match the request.",
    });
    expect(report).toMatchObject({ reusable: false, killed: false });
    await handler.process.gone;
  });

  it('discards and counts as killed a process that writes a malformed line', async () => {
    const handler = await startHandler();
    const log = recordingLog(join(folder, 'junk.log'));
    const report = await runWarmCall(handler, context('junk', log));
    expect(report.result.errorMessage).toBe(
      'External process stdout was not valid StepResult JSON: a line is not a JSON document.',
    );
    expect(report).toMatchObject({ reusable: false, killed: true });
    expect(log.events[0]).toMatch(
      /\(invocation 1\) discarded: a line is not a JSON document\. after \d+ ms$/,
    );
  });

  it('maps a timeout and an exit by the one-shot table', async () => {
    const hung = await startHandler();
    const log = recordingLog(join(folder, 'hang.log'));
    const timedOut = await runWarmCall(hung, context('hang', log, {}, 200));
    expect(timedOut).toMatchObject({
      result: { result: 'Timeout', errorMessage: 'External process exceeded maximum runtime of 200ms' },
      reusable: false,
      killed: true,
    });
    expect(log.events[0]).toMatch(
      /\(invocation 1\): handler process killed at its time limit of 200 ms after/,
    );
    const exiting = await startHandler();
    const exited = await runWarmCall(exiting, context('exit'));
    expect(exited).toMatchObject({
      result: { result: 'Exception', errorMessage: 'External process exited with code 3: giving up' },
      reusable: false,
      killed: false,
      stderr: 'giving up\n',
    });
  });

  it('counts an overflow and a cancel as kills', async () => {
    const overflow = await runWarmCall(await startHandler(), context('flood'));
    expect(overflow).toMatchObject({
      result: { errorMessage: 'External process stdout exceeded configured byte limit.' },
      reusable: false,
      killed: true,
    });
    const controller = new AbortController();
    const cancelContext = context('hang');
    const cancelled = runWarmCall(await startHandler(), {
      ...cancelContext,
      invocation: { ...cancelContext.invocation, signal: controller.signal },
    });
    setTimeout(() => controller.abort(), 100);
    expect(await cancelled).toMatchObject({
      result: { errorMessage: 'The run was cancelled.' },
      reusable: false,
      killed: true,
    });
  });

  it('names the limit a process hit, where limits apply', async () => {
    const limits = { memoryLimitMb: 64, cpuTimeLimitSeconds: 5 };
    const killed = await runWarmCall(
      await startHandler(),
      context('killed', undefined, { limits, limitsApply: true }),
    );
    expect(killed.result.errorMessage).toBe(
      'External process was killed at its CPU-time limit of 5 s (runtimes.externalExecution.cpuTimeLimitSeconds).',
    );
    const oom = await runWarmCall(
      await startHandler(),
      context('oom', undefined, { limits, limitsApply: true }),
    );
    expect(oom.result.errorMessage).toMatch(/^External process ran out of memory under its limit of 64 MiB/);
    const unlimited = await runWarmCall(
      await startHandler(),
      context('oom', undefined, { limits, limitsApply: false }),
    );
    expect(unlimited.result.errorMessage).toBe('External process exited with code 1: MemoryError: no room');
  });
});
