import { TempoClient, type TenantClient } from '@tempo/client';
import type { FlowRunRecord } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinTrigger, createRestStep } from './api-fixture.ts';
import {
  type SlowTarget,
  startSlowTarget,
  startWorkerProcess,
  type WorkerProcess,
} from './dispatch-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';
import { eventually, openSession, stepRunOf } from './workers-fixture.ts';

// Small timings so lost work is found quickly: a short heartbeat timeout (not the 1 s minimum: a
// loaded test machine may delay a beat that long), and a lease longer than any run of the suite.
const HEARTBEAT_TIMEOUT_MS = 3000;
const LEASE_MS = 20_000;

let server: ServerProcess;
let admin: TempoClient;
let anonymous: TempoClient;
let tenant: TenantClient;
let target: SlowTarget;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  server = await startServerProcess({
    engine: {
      serverCanExecuteWorkload: false,
      workerHeartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
      leaseDurationMs: LEASE_MS,
      pollIntervalMs: 200,
      loadBalancingStrategy: 'LabelPinned',
      maxAssignmentAttempts: 3,
    },
  });
  anonymous = new TempoClient({ baseUrl: server.baseUrl });
  admin = anonymous.withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  tenant = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
  target = await startSlowTarget();
  workers.push(
    ...(await Promise.all([
      startWorkerProcess(admin, server.baseUrl, 'wrk_dispatch_a', { labels: ['gpu'] }),
      startWorkerProcess(admin, server.baseUrl, 'wrk_dispatch_b'),
      startWorkerProcess(admin, server.baseUrl, 'wrk_dispatch_c'),
    ])),
  );
}, 120_000);

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  await server?.stop();
  await target?.close();
});

/** A one-step flow calling the slow target for `ms`, with a trigger; `label` pins it. */
const restFlow = async (key: string, ms: number, label: string | null = null) => {
  await createRestStep(tenant, key, `${target.url}/wait?ms=${ms}`);
  const flow = await tenant.flows.create({
    name: key,
    startStepId: key,
    transitions: { [key]: {} },
    ...(label ? { routingHintLabel: label } : {}),
  });
  const trigger = await tenant.triggers.create({ name: key, dataFlowId: flow.id });
  return { flow, trigger };
};

/** The hello terms of a fake worker taking any step, carrying only `label`. */
const pinnedTerms = (label: string, maxConcurrentRuns: number) => ({
  maxConcurrentRuns,
  labels: [label],
  capabilities: [
    { executionKey: '*', tenantScope: '*', sourceKind: '*', runtimeKey: '*', signatureHash: '*' },
  ],
});

/** A new token of worker `id` (rotate-token registers the worker on first use). */
const workerToken = async (id: string): Promise<string> =>
  ((await admin.raw('POST', `/v1.0/workers/${id}/rotate-token`)).body as { token: string }).token;

const fire = (triggerId: string) => anonymous.raw('POST', `/v1.0/triggers/http/${triggerId}`, { body: {} });

const ended = (run: FlowRunRecord) => run.state !== 'Queued' && run.state !== 'Running';

/** Waits until every run has ended; answers them. */
const allEnded = (ids: readonly string[], timeoutMs: number) =>
  eventually(async () => {
    const runs = await Promise.all(ids.map((id) => tenant.runs.get(id)));
    return runs.every(ended) ? runs : undefined;
  }, timeoutMs);

describe('dispatch to remote workers', () => {
  it('spreads trigger runs over the workers by load and names the worker in x-worker-id', async () => {
    const { trigger } = await restFlow('spread_call', 300);
    const answers = await Promise.all(Array.from({ length: 30 }, () => fire(trigger.id)));
    const byWorker = new Map<string, number>();
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers['x-run-state']).toBe('Succeeded');
      const workerId = answer.headers['x-worker-id'] ?? '';
      byWorker.set(workerId, (byWorker.get(workerId) ?? 0) + 1);
    }
    expect([...byWorker.keys()].sort()).toEqual(['wrk_dispatch_a', 'wrk_dispatch_b', 'wrk_dispatch_c']);
    const runId = answers[0]?.headers['x-run-id'] ?? '';
    const run = await tenant.runs.get(runId);
    expect(run).toMatchObject({
      executionNodeKind: 'Worker',
      dispatchState: 'Completed',
      dispatchAttempt: 1,
      assignedWorkerId: answers[0]?.headers['x-worker-id'],
    });
    expect(await tenant.runs.steps(runId)).toHaveLength(1);
  }, 60_000);

  it('places a flow with a routing label only on workers carrying it (LabelPinned)', async () => {
    const { trigger } = await restFlow('pinned_call', 200, 'GPU');
    const answers = await Promise.all(Array.from({ length: 8 }, () => fire(trigger.id)));
    expect(answers.map((answer) => answer.headers['x-worker-id'])).toEqual(
      Array.from({ length: 8 }, () => 'wrk_dispatch_a'),
    );
  }, 60_000);

  it('fails a built-in flow at once when only remote workers exist', async () => {
    const { trigger } = await createBuiltinTrigger(tenant, 'builtin_only');
    const answer = await fire(trigger.id);
    const runId = answer.headers['x-run-id'] ?? '';
    const run = await tenant.runs.get(runId);
    expect(run).toMatchObject({
      state: 'Failed',
      dispatchState: 'Failed',
      errorMessage: `No eligible worker was available for run ${runId}`,
      assignedWorkerId: null,
    });
    const activity = await tenant.runs.activity(runId);
    expect(activity.assignments).toEqual([]);
    expect(activity.activity.map((event) => event.eventType)).toContain('no_eligible_worker');
  }, 30_000);

  it('ignores a forged completion and records it as orphan_completion', async () => {
    const { flow } = await restFlow('forged_call', 1500);
    const run = await tenant.flows.run(flow.id, {});
    const assignment = await eventually(async () => (await tenant.runs.activity(run.id)).assignments[0]);
    expect(assignment.workerId).toMatch(/^wrk_dispatch_/);
    const token = await workerToken('wrk_forger');
    // A worker advertising nothing is never given runs; it only sends the forged frames.
    const forger = await openSession(server.baseUrl, 'wrk_forger', token, { capabilities: [] });
    const completion = {
      flowRunId: run.id,
      runAssignmentId: assignment.id,
      workerId: 'wrk_forger',
      workerSessionId: forger.sessionId,
      leaseToken: 'non_forged',
      finalState: 'Succeeded',
      outputData: '"forged"',
      stepRuns: [],
      completedUtc: new Date().toISOString(),
    };
    forger.socket.send({ type: 'run-completed', completion });
    const orphan = await eventually(async () => {
      const events = (await admin.raw('GET', '/v1.0/workers/wrk_forger/activity')).body as {
        items: { eventType: string; runAssignmentId: string | null; message: string | null }[];
      };
      return events.items.find((event) => event.eventType === 'orphan_completion');
    });
    expect(orphan).toMatchObject({
      runAssignmentId: assignment.id,
      message: 'completion ignored: the assignment was issued to another worker',
    });
    const [done] = await allEnded([run.id], 15_000);
    expect(done).toMatchObject({ state: 'Succeeded', assignedWorkerId: assignment.workerId });
    expect(done?.outputData).not.toBe('"forged"');
    forger.socket.close();
  }, 30_000);

  /**
   * Sends 2,500 frames a worker may not act on from a session of `workerId` at once, while a run
   * of another worker executes: the run ends, the worker's budget of refused frames (100 at once,
   * then 1 a second) is recorded and no more, and the flooding session is closed.
   */
  const floodClosesSession = async (
    workerId: string,
    frameOf: (sessionId: string, index: number) => Record<string, unknown>,
  ) => {
    const { flow } = await restFlow(`${workerId}_call`, 10);
    const token = await workerToken(workerId);
    const flooder = await openSession(server.baseUrl, workerId, token, { capabilities: [] });
    const activityCount = async () =>
      (
        (await admin.raw('GET', `/v1.0/workers/${workerId}/activity?pageSize=1`)).body as {
          totalCount: number;
        }
      ).totalCount;
    const before = await eventually(async () => ((await activityCount()) > 0 ? activityCount() : undefined));
    const startedMs = Date.now();
    for (let index = 0; index < 2500; index++) flooder.socket.send(frameOf(flooder.sessionId, index));
    const run = await tenant.flows.run(flow.id, {});
    const [done] = await allEnded([run.id], 30_000);
    expect(done).toMatchObject({ state: 'Succeeded' });
    expect(await flooder.socket.closed).toEqual({ code: 1008, reason: 'too many refused frames' });
    const worker = await eventually(async () => {
      const read = (await admin.raw('GET', `/v1.0/workers/${workerId}`)).body as {
        latestSession: { id: string; disconnectReason?: string | null } | null;
      };
      return read.latestSession?.disconnectReason ? read : undefined;
    });
    expect(worker.latestSession).toMatchObject({
      id: flooder.sessionId,
      disconnectReason: 'too many refused frames',
    });
    // The burst, what refilled meanwhile, and the `worker_disconnected` entry.
    const elapsedS = Math.ceil((Date.now() - startedMs) / 1000);
    const recorded = (await activityCount()) - before;
    expect(recorded).toBeGreaterThanOrEqual(101);
    expect(recorded).toBeLessThanOrEqual(101 + elapsedS);
  };

  it('records a flood of forged completions up to the budget, then closes the session, keeping the runs of others', async () => {
    // About 5 MB sent at once.
    await floodClosesSession('wrk_flooder', (sessionId, index) => ({
      type: 'run-completed',
      completion: {
        flowRunId: `run_forged_${index}`,
        runAssignmentId: `ras_forged_${index}`,
        workerId: 'wrk_flooder',
        workerSessionId: sessionId,
        leaseToken: 'non_forged',
        finalState: 'Succeeded',
        outputData: JSON.stringify('x'.repeat(2000)),
        stepRuns: [],
        completedUtc: new Date().toISOString(),
      },
    }));
  }, 90_000);

  it("records a flood of acks naming attempts not the session's up to the budget, then closes the session", async () => {
    await floodClosesSession('wrk_acker', (sessionId, index) => ({
      type: 'assign-ack',
      workerId: 'wrk_acker',
      workerSessionId: sessionId,
      runAssignmentId: `ras_foreign_${index}`,
      leaseToken: 'not_issued',
      accepted: index % 2 === 0,
      message: 'x'.repeat(1024),
    }));
  }, 90_000);

  /** The fields of an `assign` frame's assignment these tests answer with. */
  interface Assigned {
    readonly id: string;
    readonly flowRunId: string;
    readonly leaseToken: string;
    readonly attemptNumber: number;
  }

  /** The assignment of the `assign` frame a socket got for a run (frames are kept, not consumed). */
  const assignedTo = (socket: { frames: readonly { type: string; assignment?: unknown }[] }, runId: string) =>
    eventually(async () =>
      socket.frames
        .filter((frame) => frame.type === 'assign')
        .map((frame) => frame.assignment as Assigned)
        .find((assignment) => assignment.flowRunId === runId),
    );

  /** The `run-completed` frame of `assignment` from a session of `workerId`: `Succeeded` unless `fields` say otherwise. */
  const reportOf = (
    session: { sessionId: string },
    workerId: string,
    assignment: Assigned,
    fields: object = {},
  ) => ({
    type: 'run-completed',
    completion: {
      flowRunId: assignment.flowRunId,
      runAssignmentId: assignment.id,
      workerId,
      workerSessionId: session.sessionId,
      leaseToken: assignment.leaseToken,
      finalState: 'Succeeded',
      outputData: '"done"',
      stepRuns: [],
      completedUtc: new Date().toISOString(),
      ...fields,
    },
  });

  /** Reports a fake worker's run `Succeeded`, as its worker would, once it has been assigned. */
  const finishOn = async (
    session: {
      socket: { frames: { type: string; assignment?: unknown }[]; send(frame: object): void };
      sessionId: string;
    },
    workerId: string,
    runId: string,
  ) => session.socket.send(reportOf(session, workerId, await assignedTo(session.socket, runId)));

  it("records without closing the session many reports of a worker's own attempts the server ended meanwhile", async () => {
    // A tenant of its own, deleted while its runs execute: every attempt row goes with it.
    const doomed = admin.tenant((await admin.tenants.create({ name: 'deleted mid-run' })).id);
    await createRestStep(doomed, 'doomed_call', `${target.url}/wait?ms=10`);
    const flow = await doomed.flows.create({
      name: 'doomed_call',
      startStepId: 'doomed_call',
      transitions: { doomed_call: {} },
      routingHintLabel: 'bulk',
    });
    const token = await workerToken('wrk_bulk');
    const bulk = await openSession(server.baseUrl, 'wrk_bulk', token, pinnedTerms('bulk', 150));
    // More reports than the budget of refused frames (100 at once) holds.
    const runs = await Promise.all(Array.from({ length: 120 }, () => doomed.flows.run(flow.id, {})));
    const assignments = await Promise.all(runs.map((run) => assignedTo(bulk.socket, run.id)));
    await admin.tenants.delete(doomed.tenantId);
    for (const assignment of assignments)
      bulk.socket.send(reportOf(bulk, 'wrk_bulk', assignment, { outputData: '"late"' }));
    const orphans = await eventually(async () => {
      const events = (
        (await admin.raw('GET', '/v1.0/workers/wrk_bulk/activity?pageSize=200')).body as {
          items: { eventType: string }[];
        }
      ).items.filter((event) => event.eventType === 'orphan_completion');
      return events.length >= assignments.length ? events : undefined;
    });
    expect(orphans).toHaveLength(assignments.length);
    const worker = (await admin.raw('GET', '/v1.0/workers/wrk_bulk')).body as {
      latestSession: { id: string; disconnectedUtc?: string | null } | null;
    };
    expect(worker.latestSession?.id).toBe(bulk.sessionId);
    expect(worker.latestSession?.disconnectedUtc ?? null).toBeNull();
    bulk.socket.close();
  }, 60_000);

  it('spends the budget on reports of attempts already applied, and closes a session repeating them', async () => {
    const { flow } = await restFlow('repeat_call', 10, 'repeat');
    const token = await workerToken('wrk_repeat');
    const repeater = await openSession(server.baseUrl, 'wrk_repeat', token, pinnedTerms('repeat', 150));
    const runs = await Promise.all(Array.from({ length: 120 }, () => tenant.flows.run(flow.id, {})));
    const assignments = await Promise.all(runs.map((run) => assignedTo(repeater.socket, run.id)));
    const report = (assignment: Assigned) =>
      reportOf(repeater, 'wrk_repeat', assignment, { outputData: '"once"' });
    for (const assignment of assignments) repeater.socket.send(report(assignment));
    const done = await allEnded(
      runs.map((run) => run.id),
      15_000,
    );
    expect(done.every((run) => run.state === 'Succeeded')).toBe(true);
    // Every report again: more than the budget of refused frames holds.
    for (const assignment of assignments) repeater.socket.send(report(assignment));
    expect(await repeater.socket.closed).toEqual({ code: 1008, reason: 'too many refused frames' });
  }, 60_000);

  it('keeps open an attempt its own worker reports wrongly, and runs it again once that session ends', async () => {
    const { flow } = await restFlow('liar_call', 10, 'liar');
    const token = await workerToken('wrk_liar');
    // The only worker with the flow's label: every attempt of the run comes here.
    const terms = pinnedTerms('liar', 1);
    const liar = await openSession(server.baseUrl, 'wrk_liar', token, terms);
    const run = await tenant.flows.run(flow.id, {});
    const report = (session: { sessionId: string }, assignment: Assigned, fields: object) =>
      reportOf(session, 'wrk_liar', assignment, fields);
    const first = await assignedTo(liar.socket, run.id);
    // Its own attempt, with a step run of another run: refused as a whole, the attempt stays open.
    const now = new Date().toISOString();
    liar.socket.send(
      report(liar, first, {
        outputData: '"lie"',
        stepRuns: [
          stepRunOf({
            tenantId: run.tenantId,
            flowRunId: 'run_someone_else',
            dataFlowId: flow.id,
            stepId: 'liar_call',
            startedUtc: now,
            completedUtc: now,
          }),
        ],
      }),
    );
    const orphan = await eventually(async () => {
      const events = (await admin.raw('GET', '/v1.0/workers/wrk_liar/activity')).body as {
        items: { eventType: string; message: string | null }[];
      };
      return events.items.find((event) => event.eventType === 'orphan_completion');
    });
    expect(orphan.message).toBe('completion ignored: the step runs do not belong to the run');
    expect((await tenant.runs.get(run.id)).state).toBe('Running');
    // The refused report freed no slot: a second run waits instead of going to the full worker.
    const waiting = await tenant.flows.run(flow.id, {});
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(liar.socket.frames.filter((frame) => frame.type === 'assign')).toHaveLength(1);
    expect((await tenant.runs.get(waiting.id)).state).toBe('Queued');
    // The session's end takes the open attempt back; the next session gets the run again.
    liar.socket.close();
    await liar.socket.closed;
    const again = await openSession(server.baseUrl, 'wrk_liar', token, terms);
    const second = await assignedTo(again.socket, run.id);
    expect(second.attemptNumber).toBe(2);
    again.socket.send(report(again, second, { outputData: '"truth"', stepRuns: [] }));
    const [done] = await allEnded([run.id], 15_000);
    expect(done).toMatchObject({ state: 'Succeeded', dispatchAttempt: 2, outputData: '"truth"' });
    // Its slot is free now, and the waiting run comes.
    const third = await assignedTo(again.socket, waiting.id);
    again.socket.send(report(again, third, { outputData: '"later"', stepRuns: [] }));
    const [later] = await allEnded([waiting.id], 15_000);
    expect(later).toMatchObject({ state: 'Succeeded', outputData: '"later"' });
    again.socket.close();
  }, 30_000);

  it('sends a session that replaces an older one its hello-ack before any assign', async () => {
    const { flow } = await restFlow('replace_call', 10, 'replace');
    const token = await workerToken('wrk_replace');
    const terms = pinnedTerms('replace', 64);
    const older = await openSession(server.baseUrl, 'wrk_replace', token, terms);
    // Runs keep arriving while the new session replaces the older one: a placement pass may
    // choose the new session while the older one is still being ended, and the new session must
    // have its session id before it is given anything.
    const [newer, ...arriving] = await Promise.all([
      openSession(server.baseUrl, 'wrk_replace', token, terms),
      ...Array.from({ length: 30 }, () => tenant.flows.run(flow.id, {})),
    ]);
    // Every run comes to the new session in the end (the older one's are taken back).
    await Promise.all(arriving.map((run) => finishOn(newer, 'wrk_replace', run.id)));
    await allEnded(
      arriving.map((run) => run.id),
      15_000,
    );
    expect(newer.socket.frames[0]?.type).toBe('hello-ack');
    expect(await older.socket.closed).toMatchObject({ code: 1000 });
    newer.socket.close();
  }, 30_000);

  it('gives a queued run cancelled before placement no attempt at all', async () => {
    const { flow } = await restFlow('cancel_call', 10, 'canceller');
    const token = await workerToken('wrk_canceller');
    const worker = await openSession(server.baseUrl, 'wrk_canceller', token, pinnedTerms('canceller', 2));
    const finish = (runId: string) => finishOn(worker, 'wrk_canceller', runId);
    // Two runs hold both slots, one waits at the head, and the last, behind it, is cancelled before
    // any pass has looked at it; then both slots free at once, and one pass looks at both.
    const running = await Promise.all([tenant.flows.run(flow.id, {}), tenant.flows.run(flow.id, {})]);
    for (const { id } of running) await assignedTo(worker.socket, id);
    const head = await tenant.flows.run(flow.id, {});
    const cancelled = await tenant.flows.run(flow.id, {});
    expect((await tenant.runs.cancel(cancelled.id)).state).toBe('Cancelled');
    await Promise.all(running.map(({ id }) => finish(id)));
    await finish(head.id);
    await allEnded([...running.map(({ id }) => id), head.id], 15_000);
    const { run, assignments } = await tenant.runs.activity(cancelled.id);
    expect(run.state).toBe('Cancelled');
    expect(assignments).toEqual([]);
    expect(worker.socket.frames.filter((frame) => frame.type === 'assign')).toHaveLength(3);
    worker.socket.close();
  }, 30_000);

  it('places a run by the routing label its flow had when the run was accepted', async () => {
    const fake = async (id: string, label: string, maxConcurrentRuns: number) => {
      const token = await workerToken(id);
      return openSession(server.baseUrl, id, token, pinnedTerms(label, maxConcurrentRuns));
    };
    const gate = (await restFlow('label_gate', 10, 'lgate')).flow;
    const { flow } = await restFlow('label_edit', 10, 'lfirst');
    const [gateWorker, first, second] = await Promise.all([
      fake('wrk_label_gate', 'lgate', 1),
      fake('wrk_label_first', 'lfirst', 2),
      fake('wrk_label_second', 'lsecond', 2),
    ]);
    // A gate run fills its worker and another waits at the head, so the runs behind it are queued
    // until the gate's slot frees: one accepted before the label edit, one after.
    const held = await tenant.flows.run(gate.id, {});
    await assignedTo(gateWorker.socket, held.id);
    const waiting = await tenant.flows.run(gate.id, {});
    const before = await tenant.flows.run(flow.id, {});
    await tenant.flows.update(flow.id, { routingHintLabel: 'lsecond' });
    const after = await tenant.flows.run(flow.id, {});
    await finishOn(gateWorker, 'wrk_label_gate', held.id);
    // The run accepted after the edit goes by the new label. The one accepted before it goes by
    // the old label when placed within a second of its acceptance, and by the new one after that
    // (a slow machine), so either worker may have it.
    await finishOn(second, 'wrk_label_second', after.id);
    const beforeOn = await eventually(async () =>
      [first, second].find((session) =>
        session.socket.frames.some(
          (frame) => frame.type === 'assign' && (frame.assignment as Assigned).flowRunId === before.id,
        ),
      ),
    );
    // Every run ends before the fake workers leave: a run left queued for a label no worker has
    // would hold up the queue of the suite's later tests.
    await finishOn(beforeOn, beforeOn === first ? 'wrk_label_first' : 'wrk_label_second', before.id);
    await finishOn(gateWorker, 'wrk_label_gate', waiting.id);
    await allEnded([held.id, waiting.id, before.id, after.id], 15_000);
    for (const session of [gateWorker, first, second]) session.socket.close();
  }, 30_000);

  it('gives a draining worker no new runs and lets its running ones finish', async () => {
    const { flow } = await restFlow('drain_call', 1500);
    const first = await Promise.all(Array.from({ length: 6 }, () => tenant.flows.run(flow.id, {})));
    const onB = await eventually(async () => {
      const runs = await Promise.all(first.map((run) => tenant.runs.get(run.id)));
      return runs.find((run) => run.state === 'Running' && run.assignedWorkerId === 'wrk_dispatch_b');
    });
    expect((await admin.raw('POST', '/v1.0/workers/wrk_dispatch_b/drain')).status).toBe(200);
    const later = await Promise.all(Array.from({ length: 9 }, () => tenant.flows.run(flow.id, {})));
    const runs = await allEnded(
      [...first, ...later].map((run) => run.id),
      30_000,
    );
    expect(runs.every((run) => run.state === 'Succeeded')).toBe(true);
    expect(runs.find((run) => run.id === onB.id)?.assignedWorkerId).toBe('wrk_dispatch_b');
    const laterRuns = runs.filter((run) => later.some((queued) => queued.id === run.id));
    expect(laterRuns.map((run) => run.assignedWorkerId)).not.toContain('wrk_dispatch_b');
    expect((await admin.raw('POST', '/v1.0/workers/wrk_dispatch_b/resume')).status).toBe(200);
  }, 60_000);

  it('runs every accepted run once to its end when a worker is killed with SIGKILL mid-run', async () => {
    const { flow } = await restFlow('kill_call', 2500);
    const started = await Promise.all(Array.from({ length: 50 }, () => tenant.flows.run(flow.id, {})));
    const ids = started.map((run) => run.id);
    // The runs executing on the victim when it dies: each must be run again elsewhere.
    const lost = await eventually(async () => {
      const page = await tenant.runs.list({ dataFlowId: flow.id, pageSize: 100 });
      const onC = page.items.filter(
        (run) => run.state === 'Running' && run.assignedWorkerId === 'wrk_dispatch_c',
      );
      return onC.length > 0 ? onC.map((run) => run.id) : undefined;
    });
    const victim = workers.find((worker) => worker.id === 'wrk_dispatch_c');
    const killedAt = Date.now();
    victim?.kill('SIGKILL');
    expect(await victim?.exited).toBeNull();
    const runs = await allEnded(ids, HEARTBEAT_TIMEOUT_MS + LEASE_MS + 10_000);
    // Recovery is bounded by the heartbeat timeout plus one lease (spec §4.7).
    expect(Date.now() - killedAt).toBeLessThan(HEARTBEAT_TIMEOUT_MS + LEASE_MS);
    expect(
      runs.filter((run) => run.state !== 'Succeeded').map((run) => [run.state, run.errorMessage]),
    ).toEqual([]);
    for (const run of runs) {
      const { assignments } = await tenant.runs.activity(run.id);
      // Exactly one attempt completed; any other was taken back, none completed twice.
      expect(assignments.filter((attempt) => attempt.state === 'Succeeded')).toHaveLength(1);
      const others = assignments.filter((attempt) => attempt.state !== 'Succeeded');
      expect(others.map((attempt) => attempt.state)).toEqual(others.map(() => 'LeaseExpired'));
      expect(others.map((attempt) => attempt.completedUtc)).not.toContain(null);
      expect(run.dispatchAttempt).toBe(assignments.length);
      if (lost.includes(run.id)) {
        expect(assignments.length).toBeGreaterThanOrEqual(2);
        expect(assignments[0]).toMatchObject({ workerId: 'wrk_dispatch_c', state: 'LeaseExpired' });
        expect(run.assignedWorkerId).not.toBe('wrk_dispatch_c');
      }
      // The killed attempt reported nothing: one step run per run.
      expect(await tenant.runs.steps(run.id)).toHaveLength(1);
    }
  }, 90_000);

  it('recovers the runs of a blocked worker on another worker', async () => {
    const { flow } = await restFlow('block_call', 1500);
    // Worker a drains while the runs are placed, so they land on b whatever load the earlier
    // tests left behind; a takes runs again before b is blocked, so b's runs have somewhere to go.
    expect((await admin.raw('POST', '/v1.0/workers/wrk_dispatch_a/drain')).status).toBe(200);
    const started = await Promise.all(Array.from({ length: 8 }, () => tenant.flows.run(flow.id, {})));
    const ids = started.map((run) => run.id);
    const onB = await eventually(async () => {
      const runs = await Promise.all(ids.map((id) => tenant.runs.get(id)));
      return runs.find((run) => run.state === 'Running' && run.assignedWorkerId === 'wrk_dispatch_b');
    }, 30_000);
    expect((await admin.raw('POST', '/v1.0/workers/wrk_dispatch_a/resume')).status).toBe(200);
    expect((await admin.raw('POST', '/v1.0/workers/wrk_dispatch_b/block')).status).toBe(200);
    const runs = await allEnded(ids, 30_000);
    expect(runs.map((run) => [run.state, run.errorMessage])).toEqual(ids.map(() => ['Succeeded', null]));
    const moved = runs.find((run) => run.id === onB.id);
    expect(moved?.assignedWorkerId).toBe('wrk_dispatch_a');
    const { assignments, activity } = await tenant.runs.activity(onB.id);
    expect(assignments.map((attempt) => [attempt.workerId, attempt.state])).toEqual([
      ['wrk_dispatch_b', 'LeaseExpired'],
      ['wrk_dispatch_a', 'Succeeded'],
    ]);
    expect(activity.map((event) => event.eventType)).toContain('worker_disconnected');
  }, 90_000);
});
