import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import type { FlowRunRecord } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestStep } from './api-fixture.ts';
import {
  type SlowTarget,
  startSlowTarget,
  startWorkerProcess,
  type WorkerProcess,
} from './dispatch-fixture.ts';
import { serverPidOf } from './process-probe.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';
import { eventually } from './workers-fixture.ts';

// Who places a run, and when a run may give up on finding a worker: a second server on the same
// database must not take a live server's runs, and a run must not fail while its worker restarts.

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

const adminOf = (server: ServerProcess) =>
  new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });

const tenantOf = async (admin: TempoClient): Promise<TenantClient> =>
  admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');

const ended = (run: FlowRunRecord) => run.state !== 'Queued' && run.state !== 'Running';

/** A one-step flow calling the slow target for `ms`; `label` pins it. */
const restFlow = async (
  tenant: TenantClient,
  target: SlowTarget,
  key: string,
  ms: number,
  label?: string,
) => {
  await createRestStep(tenant, key, `${target.url}/wait?ms=${ms}`);
  return tenant.flows.create({
    name: key,
    startStepId: key,
    transitions: { [key]: {} },
    ...(label ? { routingHintLabel: label } : {}),
  });
};

const runningOn = (tenant: TenantClient, runId: string, workerId: string) =>
  eventually(async () => {
    const run = await tenant.runs.get(runId);
    return run.state === 'Running' && run.assignedWorkerId === workerId ? run : undefined;
  }, 30_000);

const endOf = (tenant: TenantClient, runId: string, timeoutMs: number) =>
  eventually(async () => {
    const run = await tenant.runs.get(runId);
    return ended(run) ? run : undefined;
  }, timeoutMs);

describe('two servers on one SQLite database (spec §9)', () => {
  const HEARTBEAT_TIMEOUT_MS = 2000;
  const workers: WorkerProcess[] = [];
  const servers: ServerProcess[] = [];
  let shared: string;
  let target: SlowTarget;

  beforeAll(async () => {
    shared = mkdtempSync(join(tmpdir(), 'tempo-dispatch-shared-'));
    target = await startSlowTarget();
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
    await target?.close();
    rmSync(shared, { recursive: true, force: true });
  });

  it("a second server leaves a live server's run alone, and takes over once that server is killed", async () => {
    const settings = {
      database: { filename: join(shared, 'tempo.db') },
      engine: {
        serverCanExecuteWorkload: false,
        workerHeartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
        leaseDurationMs: 60_000,
        pollIntervalMs: 200,
      },
    };
    const a = await startServerProcess(settings);
    servers.push(a);
    const adminA = adminOf(a);
    const tenant = await tenantOf(adminA);
    workers.push(await startWorkerProcess(adminA, a.baseUrl, 'wrk_on_a'));
    // Long enough to outlast B's start on a loaded machine: B must find it still running.
    const flow = await restFlow(tenant, target, 'long_call', 12_000);
    const longer = await restFlow(tenant, target, 'longer_call', 26_000);
    const first = await tenant.flows.run(flow.id, {});
    const second = await tenant.flows.run(longer.id, {});
    const held = await runningOn(tenant, first.id, 'wrk_on_a');
    await runningOn(tenant, second.id, 'wrk_on_a');

    // B starts while A and its worker are live: its start and its passes must not take the run.
    const b = await startServerProcess(settings);
    servers.push(b);
    await pause(1500);
    expect(await tenant.runs.get(first.id)).toMatchObject({
      state: 'Running',
      runAssignmentId: held.runAssignmentId,
      dispatchAttempt: 1,
    });
    const done = await endOf(tenant, first.id, 30_000);
    expect(done).toMatchObject({ state: 'Succeeded', dispatchAttempt: 1, assignedWorkerId: 'wrk_on_a' });
    const { assignments } = await tenant.runs.activity(first.id);
    expect(assignments.map((attempt) => attempt.state)).toEqual(['Succeeded']);
    const trail = (await adminA.raw('GET', '/v1.0/workers/wrk_on_a/activity?pageSize=100')).body as {
      items: { eventType: string; flowRunId: string | null }[];
    };
    expect(trail.items.filter((event) => event.eventType === 'orphan_completion')).toEqual([]);
    // One call per run: neither was executed a second time.
    expect(target.calls()).toBe(2);

    // A dies with a run open on its worker: B takes it back and places it on a worker of its own.
    expect(await tenant.runs.get(second.id)).toMatchObject({
      state: 'Running',
      assignedWorkerId: 'wrk_on_a',
    });
    process.kill(serverPidOf(join(a.dataDir, 'tempo.json')), 'SIGKILL');
    servers.splice(servers.indexOf(a), 1);
    const adminB = adminOf(b);
    workers.push(await startWorkerProcess(adminB, b.baseUrl, 'wrk_on_b'));
    const tenantB = await tenantOf(adminB);
    const moved = await endOf(tenantB, second.id, HEARTBEAT_TIMEOUT_MS * 3 + 45_000);
    expect(moved).toMatchObject({ state: 'Succeeded', dispatchAttempt: 2, assignedWorkerId: 'wrk_on_b' });
    const history = await tenantB.runs.activity(second.id);
    expect(history.assignments.map((attempt) => [attempt.workerId, attempt.state])).toEqual([
      ['wrk_on_a', 'LeaseExpired'],
      ['wrk_on_b', 'Succeeded'],
    ]);
    // A run taken in by B now is placed too: B holds the scheduler role.
    const third = await tenantB.flows.run(flow.id, {});
    expect(await endOf(tenantB, third.id, 30_000)).toMatchObject({ state: 'Succeeded', dispatchAttempt: 1 });
  }, 150_000);
});

describe('a server restarted on its SQLite file after kill -9', () => {
  // Far longer than the test may wait: only the killed server's released lock lets the new one in.
  const HEARTBEAT_TIMEOUT_MS = 120_000;
  const workers: WorkerProcess[] = [];
  let server: ServerProcess | undefined;
  let target: SlowTarget;

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    await server?.stop();
    await target?.close();
  });

  it('schedules at once, taking back the open attempts of the killed one, without waiting for its heartbeat to go stale', async () => {
    target = await startSlowTarget();
    const settings = {
      engine: {
        serverCanExecuteWorkload: false,
        workerHeartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
        leaseDurationMs: 300_000,
        pollIntervalMs: 200,
      },
    };
    const first = await startServerProcess(settings);
    server = first;
    const tenant = await tenantOf(adminOf(first));
    workers.push(await startWorkerProcess(adminOf(first), first.baseUrl, 'wrk_before'));
    const flow = await restFlow(tenant, target, 'restart_call', 3000);
    const run = await tenant.flows.run(flow.id, {});
    await runningOn(tenant, run.id, 'wrk_before');
    process.kill(serverPidOf(join(first.dataDir, 'tempo.json')), 'SIGKILL');
    const second = await startServerProcess(settings, first.dataDir);
    server = second;
    const admin = adminOf(second);
    workers.push(await startWorkerProcess(admin, second.baseUrl, 'wrk_after'));
    const done = await endOf(await tenantOf(admin), run.id, 30_000);
    expect(done).toMatchObject({ state: 'Succeeded', dispatchAttempt: 2, assignedWorkerId: 'wrk_after' });
  }, 90_000);
});

describe('runs whose capable worker is away (spec §6)', () => {
  // Long enough that a killed worker's restart falls within it: its row still counts as a host.
  const HEARTBEAT_TIMEOUT_MS = 10_000;
  const workers: WorkerProcess[] = [];
  let server: ServerProcess;
  let admin: TempoClient;
  let tenant: TenantClient;
  let target: SlowTarget;

  beforeAll(async () => {
    server = await startServerProcess({
      engine: {
        serverCanExecuteWorkload: false,
        workerHeartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
        leaseDurationMs: 60_000,
        pollIntervalMs: 200,
        maxAssignmentAttempts: 3,
      },
    });
    admin = adminOf(server);
    tenant = await tenantOf(admin);
    target = await startSlowTarget();
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    await server?.stop();
    await target?.close();
  });

  it('waits, rather than failing, while only a less capable worker is connected after the capable one is killed', async () => {
    workers.push(await startWorkerProcess(admin, server.baseUrl, 'wrk_plain'));
    const capable = await startWorkerProcess(admin, server.baseUrl, 'wrk_gpu', { labels: ['gpu'] });
    workers.push(capable);
    const flow = await restFlow(tenant, target, 'gpu_call', 3000, 'gpu');
    const started = await Promise.all(Array.from({ length: 3 }, () => tenant.flows.run(flow.id, {})));
    for (const run of started) await runningOn(tenant, run.id, 'wrk_gpu');
    capable.kill('SIGKILL');
    expect(await capable.exited).toBeNull();
    // Taken back and queued again (not failed), and a new run waits beside them.
    await eventually(async () => {
      const runs = await Promise.all(started.map((run) => tenant.runs.get(run.id)));
      return runs.every((run) => run.state === 'Queued') ? true : undefined;
    }, 15_000);
    const fresh = await tenant.flows.run(flow.id, {});
    await pause(1500);
    for (const run of [...started, fresh])
      expect(await tenant.runs.get(run.id)).toMatchObject({ state: 'Queued', errorMessage: null });

    workers.push(await startWorkerProcess(admin, server.baseUrl, 'wrk_gpu', { labels: ['gpu'] }));
    for (const run of started) {
      const done = await endOf(tenant, run.id, 30_000);
      expect(done).toMatchObject({ state: 'Succeeded', dispatchAttempt: 2, assignedWorkerId: 'wrk_gpu' });
      const { assignments } = await tenant.runs.activity(run.id);
      expect(assignments.map((attempt) => attempt.state)).toEqual(['LeaseExpired', 'Succeeded']);
    }
    expect(await endOf(tenant, fresh.id, 30_000)).toMatchObject({
      state: 'Succeeded',
      dispatchAttempt: 1,
      assignedWorkerId: 'wrk_gpu',
    });
  }, 120_000);
});
