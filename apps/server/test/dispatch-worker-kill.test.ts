import { TempoClient, type TenantClient } from '@tempo/client';
import type { FlowRunRecord } from '@tempo/contracts';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestStep } from './api-fixture.ts';
import {
  type SlowTarget,
  startSlowTarget,
  startWorkerProcess,
  type WorkerProcess,
} from './dispatch-fixture.ts';
import {
  postgresSection,
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from './server-process.ts';
import { eventually } from './workers-fixture.ts';

// Issue 13: a worker killed with SIGKILL while 50 runs execute at once over PostgreSQL. Every
// accepted run must end exactly once (spec §7.1, at least once delivery with one outcome), and
// the lost ones must be taken back within the recovery bound below.

/** Short, so that a worker whose socket goes silent instead of closing is found quickly. */
const HEARTBEAT_TIMEOUT_MS = 3000;
const POLL_INTERVAL_MS = 200;
/** Longer than any attempt here, so no attempt is taken back for its lease. */
const LEASE_MS = 30_000;
const MAX_ATTEMPTS = 3;
/**
 * Each run's one step waits this long at the target, so all 50 runs are in flight together even
 * when placing them takes seconds on a loaded machine.
 */
const STEP_MS = 6000;
const SLOTS_PER_WORKER = 25;
const RUNS = 2 * SLOTS_PER_WORKER;
/** Room for a loaded, shared test machine on top of every bound below. */
const SLACK_MS = 5000;
/**
 * How long a killed worker may hold its attempts (spec §4.7): a process that dies closes its
 * socket at once, but a machine that dies goes silent, and the server's stale-session check
 * (every pass) then ends the session after `workerHeartbeatTimeoutMs`. The lease (the other term
 * of the spec's worst case, heartbeat timeout + lease) only matters for a worker that is alive
 * and keeps a run, which a killed one cannot.
 */
const RECOVERY_BOUND_MS = HEARTBEAT_TIMEOUT_MS + POLL_INTERVAL_MS + SLACK_MS;

let server: ServerProcess;
let admin: TempoClient;
let anonymous: TempoClient;
let tenant: TenantClient;
let target: SlowTarget;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  // The suite's own PostgreSQL database starts empty: apps suites run one file at a time.
  const database = await openDatabase(postgresSection());
  try {
    await database.dialect.executeDdl('DROP SCHEMA IF EXISTS public CASCADE');
    await database.dialect.executeDdl('CREATE SCHEMA public');
  } finally {
    await database.close();
  }
  server = await startServerProcess({
    database: postgresSection(),
    engine: {
      serverCanExecuteWorkload: false,
      workerHeartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
      leaseDurationMs: LEASE_MS,
      pollIntervalMs: POLL_INTERVAL_MS,
      maxAssignmentAttempts: MAX_ATTEMPTS,
    },
  });
  anonymous = new TempoClient({ baseUrl: server.baseUrl });
  admin = anonymous.withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  tenant = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
  target = await startSlowTarget();
  workers.push(
    ...(await Promise.all(
      ['wrk_kill_a', 'wrk_kill_b'].map((id) =>
        startWorkerProcess(admin, server.baseUrl, id, { maxConcurrentRuns: SLOTS_PER_WORKER }),
      ),
    )),
  );
}, 180_000);

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  await server?.stop();
  await target?.close();
});

const ended = (run: FlowRunRecord) => run.state !== 'Queued' && run.state !== 'Running';

describe('a worker killed with SIGKILL under load (PostgreSQL)', () => {
  it('ends every accepted run exactly once, re-running the lost ones within the recovery bound', async () => {
    await createRestStep(tenant, 'kill_wait', `${target.url}/wait?ms=${STEP_MS}`);
    const flow = await tenant.flows.create({
      name: 'kill_wait',
      startStepId: 'kill_wait',
      transitions: { kill_wait: {} },
      // The trigger calls wait up to this plus 5 s (not the default 30 s), so a slow machine
      // still answers every call with its run's end.
      maxRuntimeMs: 60_000,
    });
    const trigger = await tenant.triggers.create({ name: 'kill_wait', dataFlowId: flow.id });
    // Synchronous trigger calls: each answer is kept, and each must name a run that ended.
    const answers = Promise.all(
      Array.from({ length: RUNS }, () =>
        anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { body: {} }),
      ),
    );
    // Every run is at the target at once: both workers are full when one dies.
    await eventually(async () => (target.calls() >= RUNS ? true : undefined), 60_000);
    expect(target.calls()).toBe(RUNS);
    const running = (await tenant.runs.list({ dataFlowId: flow.id, pageSize: 100 })).items;
    expect(running.map((run) => run.state)).toEqual(running.map(() => 'Running'));
    const [victim, survivor] = workers;
    if (!victim || !survivor) throw new Error('two workers expected');
    const onVictim = running.filter((run) => run.assignedWorkerId === victim.id).map((run) => run.id);
    expect(onVictim).toHaveLength(SLOTS_PER_WORKER);

    const killedAt = Date.now();
    victim.kill('SIGKILL');
    expect(await victim.exited).toBeNull();

    const replies = await answers;
    const finishedAt = Date.now();
    const answeredIds = replies.map((reply) => reply.headers['x-run-id'] ?? '');
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 200));
    expect(new Set(answeredIds).size).toBe(RUNS);

    // None lost, none invented: the runs of the flow are exactly the answered ones, all ended.
    const runs = (await tenant.runs.list({ dataFlowId: flow.id, pageSize: 100 })).items;
    expect(runs.map((run) => run.id).sort()).toEqual([...answeredIds].sort());
    expect(runs.filter((run) => !ended(run) || run.state !== 'Succeeded')).toEqual([]);

    // The runs the kill cut short; one the victim finished in the moment before its kill is not.
    const lost: string[] = [];
    const recoveredAt: number[] = [];
    for (const run of runs) {
      const { assignments, activity } = await tenant.runs.activity(run.id);
      // One attempt succeeded; any other was taken back, none completed twice.
      expect(assignments.filter((attempt) => attempt.state === 'Succeeded')).toHaveLength(1);
      expect(run.dispatchAttempt).toBe(assignments.length);
      expect(run.dispatchAttempt).toBeLessThanOrEqual(MAX_ATTEMPTS);
      const events = activity.map((event) => event.eventType);
      expect(events.filter((type) => type === 'execution_completed')).toHaveLength(1);
      expect(events).not.toContain('orphan_completion');
      // The killed attempt reported nothing: the run's one step ran once as far as the store knows.
      expect(await tenant.runs.steps(run.id)).toHaveLength(1);
      const trail = assignments.map((attempt) => [attempt.workerId, attempt.state]);
      if (assignments.length > 1) {
        expect(trail).toEqual([
          [victim.id, 'LeaseExpired'],
          [survivor.id, 'Succeeded'],
        ]);
        expect(events).toContain('worker_disconnected');
        lost.push(run.id);
        recoveredAt.push(Date.parse(assignments[0]?.completedUtc ?? ''));
      } else {
        const firstWorker = onVictim.includes(run.id) ? victim.id : survivor.id;
        expect(trail).toEqual([[firstWorker, 'Succeeded']]);
      }
    }
    // Each lost run was taken back within the bound, and ran again once: the target saw the 50
    // first calls and one more per lost run, no other.
    expect(lost.length).toBeGreaterThan(0);
    expect(onVictim).toEqual(expect.arrayContaining(lost));
    expect(Math.max(...recoveredAt) - killedAt).toBeLessThan(RECOVERY_BOUND_MS);
    expect(target.calls()).toBe(RUNS + lost.length);
    // The survivor's slots were full until its own runs ended, so the re-runs end within one
    // bound for taking them back, plus up to two step durations (waiting for a slot, then running).
    expect(finishedAt - killedAt).toBeLessThan(RECOVERY_BOUND_MS + 2 * STEP_MS);
  }, 180_000);
});
