import { join } from 'node:path';
import type { TempoClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createSampleSteps, startApiFixture, waitForRunEnd } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';

let f: ApiFixture;
let t: ReturnType<TempoClient['tenant']>;

beforeAll(async () => {
  f = await startApiFixture();
  t = f.admin.tenant(f.tenantA);
  await createSampleSteps(t, f.server.baseUrl, { method: 'sample.method', rest: 'sample.rest' });
  await t.steps.create({
    executionKey: 'missing.route',
    name: 'REST 404',
    runtimeKey: 'External.Rest',
    runtimeConfig: {
      runtimeKey: 'External.Rest',
      method: 'GET',
      url: `${f.server.baseUrl}/v1.0/no-such-route`,
    },
  });
});

afterAll(async () => {
  await f?.stop();
});

const flowOf = (startStepId: string, transitions: Record<string, object>, extra: object = {}) =>
  t.flows.create({ name: `Flow ${startStepId}`, startStepId, transitions, ...extra });

const waitForEnd = (runId: string, timeoutMs = 5_000) => waitForRunEnd(t, runId, timeoutMs);

describe('direct runs', () => {
  it('answers Queued at once, then records the run, its step runs and its assignment', async () => {
    const flow = await flowOf('sample.rest', {
      'sample.rest': { onSuccess: 'sample.method' },
      'sample.method': {},
    });
    const queued = await t.flows.run(flow.id, { data: { hello: 'world' } });
    expect(queued).toMatchObject({
      state: 'Queued',
      dispatchState: 'Pending',
      inputData: '{"hello":"world"}',
      dataFlowId: flow.id,
    });
    const run = await waitForEnd(queued.id);
    expect(run).toMatchObject({
      state: 'Succeeded',
      dispatchState: 'Completed',
      assignedWorkerId: 'wrk_local_server',
      executionNodeKind: 'Server',
      outputData: '{"sample":"builtin-method"}',
      dispatchAttempt: 1,
    });
    expect(run.startedUtc && run.completedUtc && run.completedUtc >= run.startedUtc).toBe(true);
    const steps = await t.runs.steps(run.id);
    expect(steps.map((s) => [s.stepId, s.sequence, s.result, s.nextStepId])).toEqual([
      ['sample.rest', 1, 'Success', 'sample.method'],
      ['sample.method', 2, 'Success', null],
    ]);
    expect(JSON.parse(steps[0]?.outputData ?? '{}')).toMatchObject({ StatusCode: 200 });
    const activity = await t.runs.activity(run.id);
    expect(activity.assignments).toEqual([
      expect.objectContaining({ workerId: 'wrk_local_server', state: 'Succeeded', attemptNumber: 1 }),
    ]);
    const listed = await t.runs.list({ dataFlowId: flow.id, state: 'Succeeded' });
    expect(listed.items.map((r) => r.id)).toEqual([run.id]);
    expect((await t.runs.list({ dataFlowId: flow.id, fromUtc: '2999-01-01T00:00:00.000Z' })).totalCount).toBe(
      0,
    );
  });

  it('routes a REST 404 through onFailure, and fails the run when nothing handles it', async () => {
    const handled = await flowOf('missing.route', {
      'missing.route': { onFailure: 'sample.method' },
      'sample.method': {},
    });
    expect((await waitForEnd((await t.flows.run(handled.id, {})).id)).state).toBe('Succeeded');
    const unhandled = await flowOf('missing.route', { 'missing.route': {} });
    const run = await waitForEnd((await t.flows.run(unhandled.id, {})).id);
    expect(run.state).toBe('Failed');
    expect(run.errorMessage).toContain('HTTP request failed with status 404');
  });

  it('keeps serving while a flow loops without bounds, and ends the loop at the step limit', async () => {
    const loop = await flowOf('sample.method', { 'sample.method': { onSuccess: 'sample.method' } });
    const queued = await t.flows.run(loop.id, {});
    const started = Date.now();
    expect((await f.anonymous.health()).status).toBe('ok');
    expect(Date.now() - started).toBeLessThan(2_000);
    const run = await waitForEnd(queued.id, 60_000);
    expect(run.state).toBe('Failed');
    expect(run.errorMessage).toContain('10000 steps');
  }, 90_000);

  it('refuses to cancel or delete what it must not, and deletes finished runs', async () => {
    const flow = await flowOf('sample.method', { 'sample.method': {} });
    const run = await waitForEnd((await t.flows.run(flow.id, {})).id);
    await expectApiError(t.runs.cancel(run.id), 409, 'Conflict');
    await t.runs.delete(run.id);
    await expectApiError(t.runs.get(run.id), 404, 'NotFound');
    expect(await t.runs.steps(run.id).catch((error: { statusCode: number }) => error.statusCode)).toBe(404);
    const other = await waitForEnd((await t.flows.run(flow.id, {})).id);
    expect(await t.runs.bulkDelete([other.id, 'run_unknown'])).toEqual({
      deletedCount: 1,
      skippedProtected: [],
      skippedInUse: [],
    });
    await expectApiError(f.as.ReadOnly.tenant(f.tenantA).flows.run(flow.id, {}), 403, 'Forbidden');
    expect((await f.as.Operator.tenant(f.tenantA).flows.run(flow.id, {})).state).toBe('Queued');
  });
});

describe('HTTP triggers', () => {
  it('answers with the final output only and the run metadata in the twelve x- headers', async () => {
    const flow = await flowOf('sample.method', { 'sample.method': {} });
    const trigger = await t.triggers.create({ name: 'Echo', dataFlowId: flow.id });
    const answer = await f.anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, {
      rawBody: 'not json at all',
      contentType: 'text/plain',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sample: 'builtin-method' });
    const h = answer.headers;
    expect(h).toMatchObject({
      'x-tenant-id': f.tenantA,
      'x-worker-id': 'wrk_local_server',
      'x-dataflow-id': flow.id,
      'x-trigger-id': trigger.id,
      'x-run-state': 'Succeeded',
    });
    for (const name of [
      'x-run-id',
      'x-run-created-utc',
      'x-run-started-utc',
      'x-run-completed-utc',
      'x-run-last-update-utc',
    ]) {
      expect(h[name], name).toBeTruthy();
    }
    expect(h['x-runtime-ms']).toMatch(/^\d+\.\d{2}$/);
    expect(h['access-control-expose-headers']).toBe(
      'x-tenant-id, x-worker-id, x-run-id, x-dataflow-id, x-trigger-id, x-run-state, x-run-created-utc, x-run-started-utc, x-run-completed-utc, x-run-last-update-utc, x-runtime-ms, x-run-error',
    );
    const run = await t.runs.get(h['x-run-id'] ?? '');
    expect(run).toMatchObject({ triggerId: trigger.id, inputData: 'not json at all', sourceIp: '127.0.0.1' });
  });

  it('checks methods, activity, the flow and the invocation mode', async () => {
    const flow = await flowOf('sample.method', { 'sample.method': {} });
    const getOnly = await t.triggers.create({
      name: 'GET',
      dataFlowId: flow.id,
      configuration: '{"AllowedMethods":[" get "]}',
    });
    expect((await f.anonymous.raw('GET', `/v1.0/triggers/http/${getOnly.id}`)).status).toBe(200);
    const refused = await f.anonymous.raw('POST', `/v1.0/triggers/http/${getOnly.id}`, { body: {} });
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toBe('GET');
    expect(refused.body).toMatchObject({ error: 'MethodNotAllowed' });
    expect((await f.anonymous.raw('POST', '/v1.0/triggers/http/trg_unknown')).status).toBe(404);
    const inactive = await t.triggers.create({ name: 'Off', dataFlowId: flow.id, active: false });
    expect((await f.anonymous.raw('POST', `/v1.0/triggers/http/${inactive.id}`)).body).toMatchObject({
      error: 'Inactive',
    });
    const flowless = await t.triggers.create({ name: 'No flow' });
    const noFlow = await f.anonymous.raw('POST', `/v1.0/triggers/http/${flowless.id}`);
    expect(noFlow.status).toBe(409);
    expect(noFlow.body).toMatchObject({ error: 'NoFlow' });

    const guarded = await flowOf(
      'sample.method',
      { 'sample.method': {} },
      { invocationAuthMode: 'ApiAuthenticated' },
    );
    const guardedTrigger = await t.triggers.create({ name: 'Guarded', dataFlowId: guarded.id });
    const url = `/v1.0/triggers/http/${guardedTrigger.id}`;
    expect((await f.anonymous.raw('POST', url)).status).toBe(401);
    expect((await f.tenantBUser.raw('POST', url)).status).toBe(403);
    expect((await f.as.ReadOnly.raw('POST', url)).status).toBe(403);
    const allowed = await f.as.Operator.raw('POST', url);
    expect(allowed.status).toBe(200);
    expect((await t.runs.get(allowed.headers['x-run-id'] ?? '')).triggeredByUserId).toMatch(/^usr_/);
  });

  it('answers 500 with the error in x-run-error when the run fails', async () => {
    const flow = await flowOf('missing.route', { 'missing.route': {} });
    const trigger = await t.triggers.create({ name: 'Failing', dataFlowId: flow.id });
    const answer = await f.anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`);
    expect(answer.status).toBe(500);
    expect(answer.headers['x-run-state']).toBe('Failed');
    expect(answer.headers['x-run-error']).toContain('HTTP request failed with status 404');
  });

  it('records every trigger call in request history, with credentials redacted', async () => {
    const flow = await flowOf('sample.method', { 'sample.method': {} });
    const trigger = await t.triggers.create({ name: 'Recorded', dataFlowId: flow.id });
    await f.anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, {
      body: { n: 1 },
      headers: { 'x-api-key': 'not-shown' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const database = await openDatabase({ type: 'Sqlite', filename: join(f.server.dataDir, 'tempo.db') });
    try {
      const [entry] = await database.repositories.requestHistory.find({
        url: `/v1.0/triggers/http/${trigger.id}`,
      });
      expect(entry).toMatchObject({
        method: 'POST',
        statusCode: 200,
        tenantId: f.tenantA,
        requestBody: '{"n":1}',
        responseBody: '{"sample":"builtin-method"}',
        requestBodyBytes: 7,
      });
      expect(entry?.requestHeaders['x-api-key']).toBe('****');
      expect(entry?.responseHeaders['x-run-state']).toBe('Succeeded');
    } finally {
      await database.close();
    }
  });
});

describe('legacy inline REST', () => {
  it('runs inline REST transitions, then migrates them to External.Rest steps once', async () => {
    const rest = {
      method: 'GET',
      url: `${f.server.baseUrl}/v1.0/samples/external-rest`,
      headers: {},
      timeoutMs: 5000,
    };
    const flow = await flowOf('inline.call', {
      'inline.call': { stepType: 'Rest', rest, onSuccess: 'sample.method' },
      // The key of an existing built-in step: the migration must pick another key for this call.
      'sample.method': { stepType: 'Rest', rest: { ...rest, timeoutMs: 4000 } },
    });
    const before = await waitForEnd((await t.flows.run(flow.id)).id);
    expect(before, JSON.stringify(await t.runs.steps(before.id))).toMatchObject({ state: 'Succeeded' });
    expect((await t.runs.steps(before.id)).map((step) => step.stepId)).toEqual([
      'inline.call',
      'sample.method',
    ]);

    const refused = await f.as.Administrator.raw('POST', '/v1.0/migrations/inline-rest', { body: {} });
    expect(refused.status).toBe(403);
    expect(
      (await f.admin.raw('POST', '/v1.0/migrations/inline-rest', { body: { flowId: flow.id } })).status,
    ).toBe(400);

    const first = await f.admin.raw('POST', '/v1.0/migrations/inline-rest', {
      body: { tenantId: f.tenantA, flowId: flow.id },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      flowsScanned: 1,
      flowsUpdated: 1,
      inlineRestStepsFound: 2,
      stepsCreated: 2,
      stepsReused: 0,
    });
    const entries = (first.body as { entries: { originalExecutionKey: string; executionKey: string }[] })
      .entries;
    const moved = entries.find((entry) => entry.originalExecutionKey === 'sample.method')?.executionKey ?? '';
    expect(moved).toMatch(/^sample\.method_rest_[0-9a-f]{12}$/);
    const migrated = await t.flows.get(flow.id);
    expect(migrated.transitions['inline.call']).toMatchObject({
      stepType: null,
      rest: null,
      onSuccess: moved,
    });
    expect(Object.keys(migrated.transitions).sort()).toEqual(['inline.call', moved].sort());

    const after = await waitForEnd((await t.flows.run(flow.id)).id);
    expect(after.state).toBe('Succeeded');
    expect((await t.runs.steps(after.id)).map((step) => step.stepId)).toEqual(['inline.call', moved]);
    const again = await f.admin.raw('POST', '/v1.0/migrations/inline-rest', { body: {} });
    expect(again.body).toMatchObject({ flowsUpdated: 0, inlineRestStepsFound: 0 });
  });
});
