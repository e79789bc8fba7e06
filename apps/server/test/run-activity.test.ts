import { join } from 'node:path';
import { RUN_ACTIVITY_LIMIT } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createBuiltinTrigger, startApiFixture, waitForRunEnd } from './api-fixture.ts';

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture();
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

/** A finished run of a one-step built-in flow in tenant A. */
const finishedRun = async (key: string) => {
  const t = f.admin.tenant(f.tenantA);
  const { flow } = await createBuiltinTrigger(t, `${key}.${Date.now()}`);
  const run = await t.flows.run(flow.id, { data: { activity: true } });
  return waitForRunEnd(t, run.id);
};

describe('run activity', () => {
  it('answers the run, its assignment attempt without the lease token, and its activity', async () => {
    const run = await finishedRun('activity.one');
    const answer = await f.as.ReadOnly.raw('GET', `/v1.0/tenants/${f.tenantA}/runs/${run.id}/activity`);
    expect(answer.status).toBe(200);
    const body = answer.body as {
      run: { id: string; assignedWorkerId?: string; dispatchAttempt: number };
      assignments: Record<string, unknown>[];
      activity: unknown[];
      activityTotalCount: number;
    };
    expect(body.run).toMatchObject({ id: run.id, assignedWorkerId: 'wrk_local_server', dispatchAttempt: 1 });
    expect(body.assignments).toEqual([
      expect.objectContaining({
        id: run.runAssignmentId,
        flowRunId: run.id,
        workerId: 'wrk_local_server',
        attemptNumber: 1,
        state: 'Succeeded',
      }),
    ]);
    expect(body.assignments[0]).not.toHaveProperty('leaseToken');
    expect(body.activityTotalCount).toBe(body.activity.length);
  });

  it(`lists the newest ${RUN_ACTIVITY_LIMIT} activity events of a long-lived run, newest first, and says how many there are`, async () => {
    const run = await finishedRun('activity.many');
    const total = RUN_ACTIVITY_LIMIT + 40;
    const database = await openDatabase({ type: 'Sqlite', filename: join(f.server.dataDir, 'tempo.db') });
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    try {
      for (let i = 0; i < total; i += 1)
        await database.repositories.workerActivity.create({
          id: newId('workerActivity'),
          workerId: 'wrk_local_server',
          flowRunId: run.id,
          runAssignmentId: run.runAssignmentId,
          eventType: 'heartbeat',
          severity: 'Info',
          message: `event ${i}`,
          createdUtc: new Date(base + i * 1000).toISOString(),
        });
    } finally {
      await database.close();
    }
    const activity = await f.admin.tenant(f.tenantA).runs.activity(run.id);
    expect(activity.activityTotalCount).toBe(total);
    expect(activity.activity).toHaveLength(RUN_ACTIVITY_LIMIT);
    expect(activity.activity[0]?.message).toBe(`event ${total - 1}`);
    expect(activity.activity.at(-1)?.message).toBe(`event ${total - RUN_ACTIVITY_LIMIT}`);
  });

  it("refuses another tenant's callers, and finds no run of another tenant under their own", async () => {
    const run = await finishedRun('activity.foreign');
    const foreign = await f.tenantBUser.raw('GET', `/v1.0/tenants/${f.tenantA}/runs/${run.id}/activity`);
    expect(foreign.status).toBe(403);
    const ownPath = await f.tenantBUser.raw('GET', `/v1.0/tenants/${f.tenantB}/runs/${run.id}/activity`);
    expect(ownPath.status).toBe(404);
  });
});
