import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createRestStep, startApiFixture } from './api-fixture.ts';
import { startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/**
 * What a new user meets in the API during the first hour: a failed trigger call that says why in
 * the one error body, a step body that names its runtime once, and a flow's invocation mode that
 * follows a setting.
 */

let f: ApiFixture;
let t: TenantClient;

beforeAll(async () => {
  f = await startApiFixture();
  t = f.admin.tenant(f.tenantA);
  await createRestStep(t, 'first.missing-route', `${f.server.baseUrl}/v1.0/no-such-route`);
});

afterAll(async () => {
  await f?.stop();
});

const stepsPath = () => `/v1.0/tenants/${f.tenantA}/steps`;

describe('a failed trigger run', () => {
  it("keeps a failed run's output as the body when it has one", async () => {
    const flow = await t.flows.create({
      name: 'Fails',
      startStepId: 'first.missing-route',
      transitions: { 'first.missing-route': {} },
    });
    const trigger = await t.triggers.create({ name: 'Fails', dataFlowId: flow.id });
    const answer = await f.anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`);
    expect(answer.status).toBe(500);
    expect(answer.headers['x-run-state']).toBe('Failed');
    expect(answer.headers['x-run-error']).toContain('HTTP request failed with status 404');
    expect(answer.body).toMatchObject({ StatusCode: 404 });
  });

  it('answers the error body with the run error and id when the failed run has no output', async () => {
    const flow = await t.flows.create({
      name: 'No such step',
      startStepId: 'first.nobody',
      transitions: { 'first.nobody': {} },
    });
    const trigger = await t.triggers.create({ name: 'No step', dataFlowId: flow.id });
    const answer = await f.anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`);
    expect(answer.status).toBe(500);
    expect(answer.headers['content-type']).toContain('application/json');
    expect(answer.headers['x-run-state']).toBe('Exception');
    expect(answer.headers['x-run-error']).toBeTruthy();
    const run = await t.runs.get(answer.headers['x-run-id'] ?? '');
    expect(answer.body).toEqual({
      error: 'RunException',
      message: run.errorMessage,
      details: `runId: ${run.id}; state: Exception`,
      context: { runId: run.id, state: 'Exception' },
    });
  });
});

describe('a step body that names its runtime once', () => {
  it('fills runtimeConfig.runtimeKey from runtimeKey when it is left out', async () => {
    const answer = await f.admin.raw('POST', stepsPath(), {
      body: {
        executionKey: 'first.once',
        name: 'Once',
        runtimeKey: 'Builtin.Method',
        runtimeConfig: { identifier: 'tempo.sample.builtin.method' },
      },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      executionKey: 'first.once',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
    });
    const flow = await t.flows.create({
      name: 'Once',
      startStepId: 'first.once',
      transitions: { 'first.once': {} },
    });
    const trigger = await t.triggers.create({ name: 'Once', dataFlowId: flow.id });
    const fired = await f.anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`);
    expect(fired.status).toBe(200);
    expect(fired.body).toEqual({ sample: 'builtin-method' });
  });

  it('still accepts both, and refuses two that disagree with a 400', async () => {
    const both = await f.admin.raw('POST', stepsPath(), {
      body: {
        executionKey: 'first.both',
        name: 'Both',
        runtimeKey: 'Builtin.Method',
        runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
      },
    });
    expect(both.status).toBe(201);
    const mismatch = await f.admin.raw('POST', stepsPath(), {
      body: {
        executionKey: 'first.mismatch',
        name: 'Mismatch',
        runtimeKey: 'Builtin.Class',
        runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
      },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({ error: 'BadRequest' });
    const missingOuter = await f.admin.raw('POST', stepsPath(), {
      body: { executionKey: 'first.no-key', name: 'No key', runtimeConfig: { identifier: 'x' } },
    });
    expect(missingOuter.status).toBe(400);
    expect(missingOuter.body).toMatchObject({ error: 'BadRequest' });
  });
});

describe('the invocation mode of a new flow', () => {
  it('stays Public by default when a create body leaves it out', async () => {
    const flow = await t.flows.create({
      name: 'Default',
      startStepId: 'first.both',
      transitions: { 'first.both': {} },
    });
    expect(flow.invocationAuthMode).toBe('Public');
  });

  it('follows engine.defaultInvocationAuthMode, and an explicit mode still wins', async () => {
    const server = await startServerProcess({ engine: { defaultInvocationAuthMode: 'ApiAuthenticated' } });
    try {
      const anonymous = new TempoClient({ baseUrl: server.baseUrl });
      const admin = anonymous.withCredentials({ apiKey: TEST_ADMIN_API_KEY });
      const tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
      const tenant = admin.tenant(tenantId);
      await tenant.steps.create({
        executionKey: 'guarded.method',
        name: 'Guarded',
        runtimeKey: 'Builtin.Method',
        runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
      });
      const transitions = { 'guarded.method': {} };
      const guarded = await tenant.flows.create({
        name: 'Guarded',
        startStepId: 'guarded.method',
        transitions,
      });
      expect(guarded.invocationAuthMode).toBe('ApiAuthenticated');
      const trigger = await tenant.triggers.create({ name: 'Guarded', dataFlowId: guarded.id });
      const refused = await anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`);
      expect(refused.status).toBe(401);
      expect((await admin.raw('POST', `/v1.0/triggers/http/${trigger.id}`)).status).toBe(200);
      const open = await tenant.flows.create({
        name: 'Open',
        startStepId: 'guarded.method',
        transitions,
        invocationAuthMode: 'Public',
      });
      expect(open.invocationAuthMode).toBe('Public');
    } finally {
      await server.stop();
    }
  });
});
