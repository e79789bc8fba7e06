import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalExecutionSettings, type StepProtocolRequest } from '@tempo/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runWithStepLog, type StepLogTarget } from '../run-logs/step-log-scope.ts';
import { detectHandlerIsolation } from './handler-isolation.ts';
import { type HandlerInvocation, type HandlerLaunch, ProcessHandlerHost } from './process-handler-host.ts';

// Handlers in shell start in a millisecond; tracking isolation needs no namespace probe.
const tracking = detectHandlerIsolation({ requested: 'tracking', searchPath: process.env.PATH });

/** Prints a StepResult whose data is the variables a one-shot handler was given. */
const ONE_SHOT = `cat > /dev/null
echo "to stderr" >&2
printf '{"result":"Success","data":{"home":"%s","tmp":"%s","scratch":"%s","versions":"%s","version":"%s","flowRun":"%s","stepRun":"%s","step":"%s","worker":"%s","assignment":"%s","logDir":"%s","logFile":"%s","logKind":"%s","extra":"%s","persistent":"%s"}}' \\
  "$HOME" "$TMPDIR" "$TEMPO_SCRATCH_DIR" "$TEMPO_SUPPORTED_PROTOCOL_VERSIONS" "$TEMPO_PROTOCOL_VERSION" \\
  "$TEMPO_FLOW_RUN_ID" "$TEMPO_STEP_RUN_ID" "$TEMPO_STEP_ID" "$TEMPO_WORKER_ID" "$TEMPO_RUN_ASSIGNMENT_ID" \\
  "\${TEMPO_RUN_LOG_DIR-none}" "\${TEMPO_RUN_LOG_FILE-none}" "\${TEMPO_RUN_LOG_KIND-none}" "$EXTRA" "\${TEMPO_PERSISTENT_PROTOCOL-none}"
`;

/** Persistent mode in shell: its pid and spawn-time variables in each result. */
const WARM = `[ "$TEMPO_PERSISTENT_PROTOCOL" = 1 ] || { cat > /dev/null; echo '{"result":"Success","data":"one-shot"}'; exit 0; }
echo '{"type":"ready","mode":"persistent","protocolVersion":"1.0"}'
while read -r line; do
  printf '{"type":"result","result":{"result":"Success","data":{"pid":"%s","scratch":"%s","home":"%s"}}}\\n' "$$" "$TEMPO_SCRATCH_DIR" "$HOME"
done
`;

/** The fields of a handler's echoed variables these tests read one by one. */
interface HandlerData {
  readonly pid: string;
  readonly home: string;
  readonly tmp: string;
  readonly scratch: string;
}

let folder: string;
let scratchRoot: string;
const hosts: ProcessHandlerHost[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tempo-host-calls-'));
  scratchRoot = join(folder, 'scratch');
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const hostWith = (overrides: Partial<ExternalExecutionSettings> = {}) => {
  const host = new ProcessHandlerHost({
    settings: ExternalExecutionSettings.parse({ scratchRoot, ...overrides }),
    environment: process.env,
    workerId: 'wrk_calls',
    isolation: tracking,
  });
  hosts.push(host);
  return host;
};

let count = 0;
const invocationOf = (
  launch: Partial<HandlerLaunch> & { script: string },
  options: { tenantId?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): HandlerInvocation => {
  count += 1;
  const request: StepProtocolRequest = {
    protocolVersion: '1.0',
    tenantId: options.tenantId ?? 'ten_calls',
    dataFlowId: 'flow_calls',
    flowRunId: `run_calls_${count}`,
    stepRunId: `sru_calls_${count}`,
    requestId: `run_calls_${count}`,
    data: null,
    metadata: null,
    previousResult: null,
  };
  const { script, ...rest } = launch;
  return {
    request,
    stepId: 'calls_step',
    launch: { command: 'sh', args: ['-c', script], cwd: folder, requestedEnvironment: [], ...rest },
    timeoutMs: options.timeoutMs ?? 10_000,
    signal: options.signal ?? new AbortController().signal,
  };
};

/** A step log that records what the host tells it; its handler file is a real path. */
const recordingLog = () => {
  const events: string[] = [];
  const stderr: string[] = [];
  const calls = { opened: 0, closed: 0 };
  const target: StepLogTarget = {
    flowRunId: 'run',
    runAssignmentId: 'ras_calls',
    workerId: 'wrk_calls',
    stepRunId: 'sru',
    stepId: 'calls_step',
    openHandlerFile: async () => {
      calls.opened += 1;
      return { dir: folder, file: join(folder, 'step.log') };
    },
    closeHandlerFile: async () => {
      calls.closed += 1;
    },
    stderr: (text) => stderr.push(text),
    hostEvent: (text) => events.push(text),
  };
  return { target, events, stderr, calls };
};

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('ProcessHandlerHost one-shot calls', () => {
  it("gives the handler the protocol's variables and its own scratch folder, removed afterwards", async () => {
    const host = hostWith();
    const invocation = invocationOf({ script: ONE_SHOT, env: { EXTRA: 'extra-value' } });
    const outcome = await host.invoke(invocation);
    const data = outcome.result.data as HandlerData;
    expect(data).toMatchObject({
      versions: '1.0',
      version: '1.0',
      flowRun: invocation.request.flowRunId,
      stepRun: invocation.request.stepRunId,
      step: 'calls_step',
      worker: 'wrk_calls',
      assignment: '',
      logDir: 'none',
      logFile: 'none',
      logKind: 'none',
      extra: 'extra-value',
      persistent: 'none',
    });
    expect(data.home).toBe(data.scratch);
    expect(data.tmp).toBe(data.scratch);
    expect(data.scratch.startsWith(join(scratchRoot, 'ten_calls', `${invocation.request.stepRunId}-`))).toBe(
      true,
    );
    expect(await exists(data.scratch)).toBe(false);
    expect(outcome.stderr).toBe('to stderr\n');
    expect(outcome.capacity).toMatchObject({ waitMs: expect.any(Number) });
    expect(Date.parse(outcome.capacity?.acquiredUtc ?? '')).toBeGreaterThan(0);
    expect(host.status()).toMatchObject({ activeServerWide: 0, processKillCount: 0 });
    expect(host.status().totalProcessRuntimeMs).toBeGreaterThan(0);
    expect(host.warmStatus()).toEqual({ live: 0, idle: 0, refusedKeys: 0 });
  });

  it("names the step's log file to the handler and tells the step log how it ended", async () => {
    const log = recordingLog();
    const outcome = await runWithStepLog(log.target, () =>
      hostWith().invoke(invocationOf({ script: ONE_SHOT })),
    );
    expect(outcome.result.data).toMatchObject({
      assignment: 'ras_calls',
      logDir: folder,
      logFile: join(folder, 'step.log'),
      logKind: 'Step',
    });
    expect(log.events).toHaveLength(1);
    expect(log.events[0]).toMatch(/^handler process exited with code 0 after \d+ ms$/);
    expect(log.stderr).toEqual(['to stderr\n']);
    expect(log.calls).toEqual({ opened: 1, closed: 1 });
  });

  it('counts the processes it killed', async () => {
    const host = hostWith();
    const outcome = await host.invoke(invocationOf({ script: 'exec sleep 30' }, { timeoutMs: 200 }));
    expect(outcome.result.result).toBe('Timeout');
    expect(host.status().processKillCount).toBe(1);
    await host.invoke(invocationOf({ script: ONE_SHOT }));
    expect(host.status().processKillCount).toBe(1);
  });

  it('reports a missing executable to the step log without starting anything', async () => {
    const log = recordingLog();
    const invocation = invocationOf({ script: '', command: 'tempo-no-such-handler' });
    const outcome = await runWithStepLog(log.target, () => hostWith().invoke(invocation));
    expect(outcome).toMatchObject({
      result: {
        result: 'Exception',
        errorMessage: 'External process failed to start: no executable "tempo-no-such-handler" was found.',
      },
      stderr: '',
    });
    expect(log.events).toEqual([
      'no executable "tempo-no-such-handler" was found; the handler did not start',
    ]);
    expect(await readdir(join(scratchRoot, 'ten_calls'))).toEqual([]);
  });

  it('gives up a call cancelled while it waits for a slot', async () => {
    const host = hostWith({ maxConcurrentProcessesServerWide: 1 });
    const controller = new AbortController();
    const holding = host.invoke(invocationOf({ script: 'cat > /dev/null; sleep 0.5; echo "{}"' }));
    const waiting = host.invoke(invocationOf({ script: ONE_SHOT }, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(host.status()).toMatchObject({ activeServerWide: 1, queuedServerWide: 1 });
    controller.abort();
    expect(await waiting).toEqual({
      result: {
        result: 'Exception',
        data: null,
        errorMessage: 'The run was cancelled while waiting for a process slot.',
      },
      capacity: null,
      stderr: '',
    });
    expect((await holding).result.result).toBe('Success');
  });
});

describe('ProcessHandlerHost warm calls', () => {
  const warmLaunch = (identity = 'Artifact.Process:warm:main', env?: Record<string, string>) => ({
    script: WARM,
    persistentIdentity: identity,
    ...(env ? { env } : {}),
  });

  it('reuses one warm process per key, in a scratch folder it keeps, offered at spawn', async () => {
    const host = hostWith();
    const first = (await host.invoke(invocationOf(warmLaunch()))).result.data as HandlerData;
    const second = (await host.invoke(invocationOf(warmLaunch()))).result.data as HandlerData;
    expect(second).toEqual(first);
    expect(first.home).toBe(first.scratch);
    expect(first.scratch.startsWith(join(scratchRoot, 'ten_calls', 'warm-'))).toBe(true);
    expect(await exists(first.scratch)).toBe(true);
    expect(host.warmStatus()).toEqual({ live: 1, idle: 1, refusedKeys: 0 });
    // Another tenant, identity or variable is another key, so another process.
    const others = await Promise.all([
      host.invoke(invocationOf(warmLaunch(), { tenantId: 'ten_other' })),
      host.invoke(invocationOf(warmLaunch('Artifact.Process:warm:v2'))),
      host.invoke(invocationOf(warmLaunch(undefined, { EXTRA: 'x' }))),
    ]);
    const pids = new Set([first.pid, ...others.map((each) => (each.result.data as HandlerData).pid)]);
    expect(pids.size).toBe(4);
    expect(host.warmStatus()).toEqual({ live: 4, idle: 4, refusedKeys: 0 });
    await host.close();
    expect(host.warmStatus().live).toBe(0);
    expect(await exists(first.scratch)).toBe(false);
  });

  it('runs one-shot when persistent mode is off, no warm pool is kept, or a CPU limit applies', async () => {
    for (const overrides of [
      { persistentMode: 'Off' as const },
      { warmPoolSize: 0 },
      { cpuTimeLimitSeconds: 5 },
    ]) {
      const host = hostWith(overrides);
      const outcome = await host.invoke(invocationOf(warmLaunch()));
      expect(outcome.result.data).toBe('one-shot');
      expect(host.warmStatus()).toEqual({ live: 0, idle: 0, refusedKeys: 0 });
    }
    const host = hostWith();
    expect((await host.invoke(invocationOf({ script: WARM }))).result.data).toBe('one-shot');
  });

  it('falls back to one-shot once a handler refuses, and says so once', async () => {
    const log = recordingLog();
    const host = hostWith();
    const refusing = {
      // Its answer comes first, so offered persistent mode it writes no ready line.
      script: 'echo \'{"result":"Success","data":"plain"}\'; cat > /dev/null',
      persistentIdentity: 'Artifact.Process:plain:main',
    };
    const first = await runWithStepLog(log.target, () => host.invoke(invocationOf(refusing)));
    expect(first.result.data).toBe('plain');
    expect(host.warmStatus()).toEqual({ live: 0, idle: 0, refusedKeys: 1 });
    await runWithStepLog(log.target, () => host.invoke(invocationOf(refusing)));
    const refusals = log.events.filter((event) => event.startsWith('handler refused persistent mode'));
    expect(refusals).toEqual([
      'handler refused persistent mode (its first line was not the ready line); this handler runs one process per invocation from now on',
    ]);
    expect(log.calls.opened).toBe(log.calls.closed);
    expect(await readdir(join(scratchRoot, 'ten_calls'))).not.toContainEqual(expect.stringMatching(/^warm-/));
  });

  it('runs a missing warm command one-shot, which reports it', async () => {
    const host = hostWith();
    const outcome = await host.invoke(invocationOf({ ...warmLaunch(), command: 'tempo-no-such-handler' }));
    expect(outcome.result.errorMessage).toBe(
      'External process failed to start: no executable "tempo-no-such-handler" was found.',
    );
    expect(host.warmStatus()).toEqual({ live: 0, idle: 0, refusedKeys: 0 });
  });

  it('counts a warm process killed at its time limit', async () => {
    const host = hostWith();
    const hanging = `echo '{"type":"ready","mode":"persistent"}'; read -r line; exec sleep 30`;
    const outcome = await host.invoke(
      invocationOf({ script: hanging, persistentIdentity: 'Artifact.Process:hang:main' }, { timeoutMs: 200 }),
    );
    expect(outcome.result.result).toBe('Timeout');
    expect(host.status().processKillCount).toBe(1);
    expect(host.warmStatus().live).toBe(0);
  });
});
