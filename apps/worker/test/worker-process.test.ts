import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AssignRejection, RunCompletedFrame } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeerConnection, WorkerPeer } from './worker-peer.ts';

const TEMPO = join(resolve(import.meta.dirname, '..', '..', '..'), 'tempo');
const TOKEN = 'key_worker_process_test';
const WORKER_ID = 'wrk_process_test';

let peer: WorkerPeer;
let endpoint: string;
let dir: string;
let worker: ChildProcess;
let output = '';
let exited: Promise<number | null>;

/** Sends `hello-ack` for a session and returns its id. */
const ack = (connection: PeerConnection, sessionId: string, drainMode = false) => {
  connection.send({
    type: 'hello-ack',
    protocolVersion: '1.0',
    workerId: WORKER_ID,
    workerSessionId: sessionId,
    // Below the worker's floor of 1000 ms on purpose.
    heartbeatIntervalMs: 100,
    heartbeatTimeoutMs: 30_000,
    leaseDurationMs: 300_000,
    drainMode,
  });
  return sessionId;
};

let assignments = 0;

/** A step of the plan: a REST call of the peer, or the allow-listed shell handler that logs. */
const planStep = (path: string) =>
  path === HANDLER_STEP
    ? {
        id: 'stp_call',
        tenantId: 'ten_w',
        executionKey: 'call',
        name: 'call',
        runtimeKey: 'Host.Executable',
        runtimeConfig: { runtimeKey: 'Host.Executable', allowListKey: 'logger', arguments: [] },
        contractType: 'Loose',
        inputSchema: null,
        outputSchema: null,
        validateInput: false,
        validateOutput: false,
        maxRuntimeMs: 0,
        artifact: null,
      }
    : {
        id: 'stp_call',
        tenantId: 'ten_w',
        executionKey: 'call',
        name: 'call',
        runtimeKey: 'External.Rest',
        runtimeConfig: {
          runtimeKey: 'External.Rest',
          method: 'GET',
          url: `${endpoint}${path}`,
          headers: {},
          timeoutMs: 10_000,
        },
        contractType: 'Loose',
        inputSchema: null,
        outputSchema: null,
        validateInput: false,
        validateOutput: false,
        maxRuntimeMs: 0,
        artifact: null,
      };

/** The `path` of {@link assign} that runs the shell handler instead of a REST call. */
const HANDLER_STEP = 'handler';

/** The allow-listed handler: a line into its run-log file, its ids as output. */
const HANDLER_SCRIPT = [
  'cat > /dev/null',
  'echo "worker handler line of $TEMPO_STEP_ID in $TEMPO_FLOW_RUN_ID" >> "$TEMPO_RUN_LOG_FILE"',
  `printf '{"result":"Success","data":{"assignment":"%s","kind":"%s"}}' "$TEMPO_RUN_ASSIGNMENT_ID" "$TEMPO_RUN_LOG_KIND"`,
].join('\n');

/** Waits for a file the worker writes after it answered (run logs never hold up a completion). */
const waitForFile = async (path: string, containing: string) => {
  for (let i = 0; i < 50; i++) {
    if (existsSync(path) && readFileSync(path, 'utf8').includes(containing))
      return readFileSync(path, 'utf8');
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
  throw new Error(`${path} never held "${containing}"\n${output}`);
};

/** An `assign` frame of a one-step REST run calling `path`, for `sessionId`. */
const assign = (
  connection: PeerConnection,
  sessionId: string,
  path = '/rest/fast',
  required = [
    {
      executionKey: 'call',
      tenantScope: 'ten_w',
      sourceKind: 'Registry',
      runtimeKey: 'External.Rest',
      signatureHash: '*',
    },
  ],
) => {
  assignments += 1;
  const id = `ras_${assignments}`;
  const runId = `run_${assignments}`;
  const now = new Date().toISOString();
  connection.send({
    type: 'assign',
    assignment: {
      id,
      flowRunId: runId,
      workerId: WORKER_ID,
      workerSessionId: sessionId,
      attemptNumber: 1,
      state: 'Assigned',
      leaseToken: `non_${assignments}`,
      leaseExpiresUtc: new Date(Date.now() + 300_000).toISOString(),
      assignedUtc: now,
      completedUtc: null,
    },
    plan: {
      flowRunId: runId,
      tenantId: 'ten_w',
      dataFlowId: 'flow_w',
      triggerContext: { triggerId: null, triggeredByUserId: null, metadata: null },
      flow: {
        id: 'flow_w',
        tenantId: 'ten_w',
        startStepId: 'call',
        maxRuntimeMs: 0,
        transitions: { call: {} },
      },
      steps: {
        call: {
          executionKey: 'call',
          tenantScope: 'ten_w',
          sourceKind: 'Registry',
          signatureHash: '*',
          runtimeKey: path === HANDLER_STEP ? 'Host.Executable' : 'External.Rest',
          step: planStep(path),
        },
      },
      requiredCapabilities: required,
      initialInputData: '{"hello":"worker"}',
      budget: {
        maxRuntimeMs: 0,
        dispatchAttempt: 1,
        runAssignmentId: id,
        leaseToken: `non_${assignments}`,
        assignedUtc: now,
        leaseExpiresUtc: null,
        leaseDurationMs: 300_000,
      },
      placementLabel: null,
      executionSnapshot: '{"snapshot":true}',
    },
  });
  return { id, runId, leaseToken: `non_${assignments}` };
};

beforeAll(async () => {
  peer = new WorkerPeer();
  endpoint = await peer.listen();
  dir = mkdtempSync(join(tmpdir(), 'tempo-worker-process-'));
  // Searchable by the unprivileged handler user a root test run starts handlers as.
  chmodSync(dir, 0o711);
  const config = join(dir, 'tempo.worker.json');
  writeFileSync(
    config,
    JSON.stringify({
      serverEndpoint: `${endpoint}/ignored/path`,
      workerId: WORKER_ID,
      workerToken: TOKEN,
      name: 'process test worker',
      maxConcurrentRuns: 1,
      reconnectDelayMs: 1000,
      shutdownGraceMs: 20_000,
      labels: ['gpu', 'default'],
      logging: { consoleLogging: true, fileLogging: true, logDirectory: join(dir, 'logs') },
      runtimes: {
        outboundRest: { allowedTargets: ['127.0.0.1'] },
        hostExecutables: {
          enabled: true,
          allowList: [{ key: 'logger', executablePath: '/bin/sh', arguments: ['-c', HANDLER_SCRIPT] }],
        },
        externalExecution: { scratchRoot: join(dir, 'scratch'), cacheRoot: join(dir, 'cache') },
      },
    }),
  );
  worker = spawn(TEMPO, ['worker', '--config', config], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  worker.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  exited = new Promise((resolvePromise) => worker.on('exit', (code) => resolvePromise(code)));
});

afterAll(async () => {
  if (worker.exitCode === null && worker.signalCode === null) {
    worker.kill('SIGKILL');
    await exited;
  }
  await peer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('./tempo worker against a test server', () => {
  let first: PeerConnection;
  let session: string;

  it('connects with its id and token and says hello with its settings and capabilities', async () => {
    first = await peer.nextConnection(0, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    expect(first.headers['x-worker-id']).toBe(WORKER_ID);
    expect(first.headers['x-worker-token']).toBe(TOKEN);
    const hello = await first.next('hello');
    expect(hello).toMatchObject({
      protocolVersion: '1.0',
      workerId: WORKER_ID,
      name: 'process test worker',
      kind: 'Worker',
      maxConcurrentRuns: 1,
      maxTaskTimeoutMs: 0,
      labels: ['gpu', 'default'],
    });
    expect(hello.version).toEqual(expect.any(String));
    expect(hello.hostName).toEqual(expect.any(String));
    const capabilities = hello.capabilities as { sourceKind: string; runtimeKey: string }[];
    expect(capabilities).toContainEqual({
      executionKey: '*',
      tenantScope: '*',
      sourceKind: 'Registry',
      runtimeKey: 'External.Rest',
      signatureHash: '*',
    });
    expect(capabilities.map((capability) => capability.runtimeKey)).not.toContain('Builtin.Class');
  });

  it('sends heartbeats for its session at the floored interval', async () => {
    session = ack(first, 'wse_first');
    const one = await first.next('heartbeat', 5000);
    const two = await first.next('heartbeat', 5000);
    expect(one).toMatchObject({ workerId: WORKER_ID, workerSessionId: 'wse_first', activeRuns: 0 });
    const gapMs = Date.parse(two.sentUtc as string) - Date.parse(one.sentUtc as string);
    expect(gapMs).toBeGreaterThanOrEqual(900);
  });

  it('runs an accepted assignment and reports run-completed with its step runs', async () => {
    const sent = assign(first, session);
    const ackFrame = await first.next('assign-ack');
    expect(ackFrame).toMatchObject({
      workerId: WORKER_ID,
      workerSessionId: session,
      runAssignmentId: sent.id,
      leaseToken: sent.leaseToken,
      accepted: true,
    });
    const done = RunCompletedFrame.parse(await first.next('run-completed'));
    expect(done.completion).toMatchObject({
      flowRunId: sent.runId,
      runAssignmentId: sent.id,
      workerId: WORKER_ID,
      workerSessionId: session,
      leaseToken: sent.leaseToken,
      finalState: 'Succeeded',
      executionSnapshotJson: '{"snapshot":true}',
    });
    expect(done.completion.stepRuns).toHaveLength(1);
    expect(done.completion.stepRuns[0]).toMatchObject({
      stepId: 'call',
      result: 'Success',
      executionState: 'Complete',
    });
  });

  it('writes the run logs of its runs under runLogs.rootPath, in the layout the server lists', async () => {
    const rest = assign(first, session);
    expect(await first.next('assign-ack')).toMatchObject({ runAssignmentId: rest.id, accepted: true });
    expect(RunCompletedFrame.parse(await first.next('run-completed')).completion.finalState).toBe(
      'Succeeded',
    );
    const restFolder = join(dir, 'run-logs', rest.runId);
    const attempt = join(restFolder, `attempt-001-${rest.id}`);
    const workerLog = await waitForFile(join(attempt, 'worker.log'), 'ended Succeeded');
    expect(workerLog).toContain(`assignment ${rest.id} started for run ${rest.runId}`);
    expect(workerLog).toMatch(/step 1 "call" \(sru_[A-Za-z0-9_]+\) ended Success in \d+ ms/);
    const runLog = await waitForFile(join(restFolder, 'run.log'), 'run ended Succeeded');
    expect(runLog).toContain(`run started: attempt 1 (${rest.id}) on ${WORKER_ID}`);

    const handler = assign(first, session, HANDLER_STEP, [
      {
        executionKey: 'call',
        tenantScope: 'ten_w',
        sourceKind: 'Registry',
        runtimeKey: 'Host.Executable',
        signatureHash: '*',
      },
    ]);
    expect(await first.next('assign-ack')).toMatchObject({ runAssignmentId: handler.id, accepted: true });
    const done = RunCompletedFrame.parse(await first.next('run-completed', 15_000));
    expect(done.completion.finalState, JSON.stringify(done.completion)).toBe('Succeeded');
    // The handler got its step's file and the assignment it runs under.
    expect(JSON.parse(done.completion.outputData ?? '{}')).toEqual({ assignment: handler.id, kind: 'Step' });
    const handlerAttempt = join(dir, 'run-logs', handler.runId, `attempt-001-${handler.id}`);
    await waitForFile(join(dir, 'run-logs', handler.runId, 'run.log'), 'run ended Succeeded');
    const stepFile = readdirSync(handlerAttempt).find((name) =>
      /^step-001-sru_[A-Za-z0-9_]+-call\.log$/.test(name),
    );
    expect(stepFile, readdirSync(handlerAttempt).join(', ')).toBeDefined();
    expect(readFileSync(join(handlerAttempt, stepFile as string), 'utf8')).toContain(
      `worker handler line of call in ${handler.runId}`,
    );
    expect(readFileSync(join(handlerAttempt, 'host.log'), 'utf8')).toMatch(/exited with code 0/);
  }, 30_000);

  it('rejects assignments with the spec messages: other session, capabilities, concurrency', async () => {
    const wrong = assign(first, 'wse_someone_else');
    expect(await first.next('assign-ack')).toMatchObject({
      runAssignmentId: wrong.id,
      leaseToken: wrong.leaseToken,
      accepted: false,
      message: AssignRejection.wrongSession,
    });
    assign(first, session, '/rest/fast', [
      {
        executionKey: '*',
        tenantScope: '*',
        sourceKind: 'Builtin',
        runtimeKey: 'Builtin.Class',
        signatureHash: '*',
      },
    ]);
    expect(await first.next('assign-ack')).toMatchObject({
      accepted: false,
      message: AssignRejection.missingCapability,
    });
    const slow = assign(first, session, '/rest/slow?ms=1500');
    expect(await first.next('assign-ack')).toMatchObject({ runAssignmentId: slow.id, accepted: true });
    assign(first, session);
    expect(await first.next('assign-ack')).toMatchObject({
      accepted: false,
      message: AssignRejection.atCapacity,
    });
    const busy = await first.next('heartbeat', 5000);
    expect(busy.activeRuns).toBe(1);
    const done = RunCompletedFrame.parse(await first.next('run-completed'));
    expect(done.completion).toMatchObject({ runAssignmentId: slow.id, finalState: 'Succeeded' });
  });

  it('takes no runs while drained and takes them again after resume', async () => {
    first.send({ type: 'drain', workerId: WORKER_ID, message: 'operator_request' });
    assign(first, session);
    expect(await first.next('assign-ack')).toMatchObject({
      accepted: false,
      message: AssignRejection.draining,
    });
    first.send({ type: 'resume', workerId: WORKER_ID, message: 'operator_request' });
    const again = assign(first, session);
    expect(await first.next('assign-ack')).toMatchObject({ runAssignmentId: again.id, accepted: true });
    expect(RunCompletedFrame.parse(await first.next('run-completed')).completion.finalState).toBe(
      'Succeeded',
    );
  });

  it('drops the connection on an unknown server frame and reconnects with a new hello', async () => {
    first.send({ type: 'reboot-now', workerId: WORKER_ID });
    await first.closed;
    const started = Date.now();
    const second = await peer.nextConnection(1, 10_000);
    // reconnectDelayMs 1000, jittered by at most 20%.
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(await second.next('hello')).toMatchObject({ workerId: WORKER_ID });
  });

  let third: PeerConnection;

  it('reconnects after the server drops the socket, and hello-ack.drainMode seeds the drain flag', async () => {
    const second = peer.connections[1] as PeerConnection;
    ack(second, 'wse_second');
    await second.next('heartbeat', 5000);
    second.socket.terminate();
    third = await peer.nextConnection(2, 10_000);
    await third.next('hello');
    session = ack(third, 'wse_third', true);
    assign(third, session);
    expect(await third.next('assign-ack')).toMatchObject({
      workerSessionId: 'wse_third',
      accepted: false,
      message: AssignRejection.draining,
    });
    third.send({ type: 'resume', workerId: WORKER_ID, message: 'operator_request' });
  });

  it('on SIGTERM finishes the running run, reports it, refuses new ones and exits 0', async () => {
    const slow = assign(third, session, '/rest/slow?ms=2500');
    expect(await third.next('assign-ack')).toMatchObject({ runAssignmentId: slow.id, accepted: true });
    worker.kill('SIGTERM');
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 300));
    const late = assign(third, session);
    expect(await third.next('assign-ack')).toMatchObject({ runAssignmentId: late.id, accepted: false });
    const done = RunCompletedFrame.parse(await third.next('run-completed', 15_000));
    expect(done.completion).toMatchObject({ runAssignmentId: slow.id, finalState: 'Succeeded' });
    expect(await exited).toBe(0);
    await third.closed;
    expect(peer.connections).toHaveLength(3);
  });
});
