import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestStep, waitForRunEnd } from './api-fixture.ts';
import {
  type SlowTarget,
  startSlowTarget,
  startWorkerProcess,
  type WorkerProcess,
} from './dispatch-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';
import { eventually } from './workers-fixture.ts';

let server: ServerProcess;
let admin: TempoClient;
let anonymous: TempoClient;
let tenant: TenantClient;
let target: SlowTarget;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  server = await startServerProcess({ engine: { serverCanExecuteWorkload: false, pollIntervalMs: 200 } });
  anonymous = new TempoClient({ baseUrl: server.baseUrl });
  admin = anonymous.withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  tenant = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
  target = await startSlowTarget();
}, 60_000);

afterAll(async () => {
  worker?.kill('SIGKILL');
  await worker?.exited;
  await server?.stop();
  await target?.close();
});

const restFlow = async (key: string, ms: number) => {
  await createRestStep(tenant, key, `${target.url}/wait?ms=${ms}`);
  // A flow limit of 1 s makes a trigger call wait 6 s (the limit plus 5 s) instead of 30 s.
  const flow = await tenant.flows.create({
    name: key,
    startStepId: key,
    transitions: { [key]: {} },
    maxRuntimeMs: ms + 1000,
  });
  const trigger = await tenant.triggers.create({ name: key, dataFlowId: flow.id });
  return { flow, trigger };
};

describe('a control-plane-only server', () => {
  it('keeps runs queued with a visible reason while no worker is connected, then places them', async () => {
    const { trigger } = await restFlow('waiting_call', 50);
    const answer = await anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { body: {} });
    expect(answer.status).toBe(202);
    expect(answer.headers['x-run-state']).toBe('Queued');
    expect(answer.headers['x-worker-id']).toBeUndefined();
    const runId = answer.headers['x-run-id'] ?? '';
    const queued = await tenant.runs.activity(runId);
    expect(queued.run).toMatchObject({ state: 'Queued', dispatchState: 'Pending', errorMessage: null });
    expect(queued.activity.find((event) => event.eventType === 'waiting')?.message).toMatch(
      /no worker is connected/,
    );
    worker = await startWorkerProcess(admin, server.baseUrl, 'wrk_waiting');
    const run = await waitForRunEnd(tenant, runId, 30_000);
    expect(run).toMatchObject({
      state: 'Succeeded',
      assignedWorkerId: 'wrk_waiting',
      executionNodeKind: 'Worker',
      dispatchAttempt: 1,
    });
    expect(run.queueWaitMs).toBeGreaterThan(5000);
  }, 90_000);

  it('answers 409 naming the worker when a run executing remotely is cancelled', async () => {
    const { flow } = await restFlow('remote_cancel', 3000);
    const started = await tenant.flows.run(flow.id, {});
    await eventually(async () =>
      (await tenant.runs.get(started.id)).state === 'Running' ? true : undefined,
    );
    const refused = await admin.raw('POST', `/v1.0/tenants/${started.tenantId}/runs/${started.id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'Conflict',
      message: expect.stringMatching(/running on worker wrk_waiting.*cannot be cancelled/),
    });
    expect((await waitForRunEnd(tenant, started.id, 15_000)).state).toBe('Succeeded');
  }, 60_000);
});
