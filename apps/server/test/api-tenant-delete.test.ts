import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createRestStep, startApiFixture, waitForRunEnd } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';

/**
 * A loopback HTTP server standing in for an outside service: it counts the calls per path and
 * holds every answer until the test releases it, so a run can be caught mid-call.
 */
interface SlowService {
  readonly baseUrl: string;
  readonly calls: Map<string, number>;
  /** Held calls whose caller hung up before an answer was released. */
  abandoned: number;
  release(): void;
  close(): Promise<void>;
}

const startSlowService = async (): Promise<SlowService> => {
  const held: ServerResponse[] = [];
  const calls = new Map<string, number>();
  const service = {
    baseUrl: '',
    calls,
    abandoned: 0,
    release: () => {
      for (const response of held.splice(0))
        if (!response.destroyed) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    },
    close: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())),
  };
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '';
    calls.set(path, (calls.get(path) ?? 0) + 1);
    response.on('close', () => {
      if (!response.writableEnded) service.abandoned += 1;
    });
    held.push(response);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  service.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return service;
};

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

let f: ApiFixture;
let slow: SlowService;

beforeAll(async () => {
  [f, slow] = await Promise.all([startApiFixture(), startSlowService()]);
}, 120_000);

afterAll(async () => {
  slow?.release();
  await Promise.all([f?.stop(), slow?.close()]);
});

describe('deleting a tenant with a run in flight', () => {
  it('stops the run before its next call and leaves nothing of the tenant behind', async () => {
    const tenant = await f.admin.tenants.create({ name: 'Doomed tenant' });
    const t = f.admin.tenant(tenant.id);
    await createRestStep(t, 'slow.first', `${slow.baseUrl}/first`);
    await createRestStep(t, 'slow.second', `${slow.baseUrl}/second`);
    const flow = await t.flows.create({
      name: 'two outbound calls',
      startStepId: 'slow.first',
      transitions: { 'slow.first': { onSuccess: 'slow.second' }, 'slow.second': {} },
    });
    const run = await t.flows.run(flow.id);
    for (let i = 0; i < 200 && !slow.calls.get('/first'); i++) await sleep(25);
    expect(slow.calls.get('/first'), 'the first call is in flight').toBe(1);

    const deleted = await f.admin.raw('DELETE', `/v1.0/tenants/${tenant.id}`);
    expect(deleted.status).toBe(204);
    // Whatever the first call would have answered, the run must not go on to the second one.
    slow.release();
    await sleep(1_500);
    expect(Object.fromEntries(slow.calls)).toEqual({ '/first': 1 });
    expect(slow.abandoned, 'the call in flight was aborted').toBe(1);

    await expectApiError(t.runs.get(run.id), 404, 'NotFound');
    const database = await openDatabase({ type: 'Sqlite', filename: join(f.server.dataDir, 'tempo.db') });
    try {
      const { repositories } = database;
      expect(await repositories.flowRuns.inTenant(tenant.id).count()).toBe(0);
      expect(await repositories.stepRuns.inTenant(tenant.id).count()).toBe(0);
      expect(await repositories.runAssignments.find({ flowRunId: run.id })).toEqual([]);
      expect(await repositories.steps.inTenant(tenant.id).count()).toBe(0);
      expect(await repositories.dataFlows.inTenant(tenant.id).count()).toBe(0);
      expect(await repositories.roles.inTenant(tenant.id).count()).toBe(0);
      expect(await repositories.tenants.get(tenant.id)).toBeNull();
    } finally {
      await database.close();
    }
  });

  it('keeps the server healthy: other tenants still run flows', async () => {
    expect((await f.admin.raw('GET', '/v1.0/api/health')).status).toBe(200);
    const t = f.admin.tenant(f.tenantA);
    await t.steps.create({
      executionKey: 'after.delete',
      name: 'after the delete',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
    });
    const flow = await t.flows.create({
      name: 'after the delete',
      startStepId: 'after.delete',
      transitions: { 'after.delete': {} },
    });
    const queued = await t.flows.run(flow.id);
    expect((await waitForRunEnd(t, queued.id, 5_000)).state).toBe('Succeeded');
  });
});
