import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleSteps, waitForRunEnd } from './api-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

let server: ServerProcess;
let admin: TempoClient;
let t: TenantClient;
let tenantId: string;

beforeAll(async () => {
  // The migrated step calls this server's own sample route on loopback.
  server = await startServerProcess({ runtimes: { outboundRest: { allowedTargets: ['127.0.0.1'] } } });
  admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
  t = admin.tenant(tenantId);
  await createSampleSteps(t, server.baseUrl, { method: 'kept.method', rest: 'kept.rest' });
});

afterAll(async () => {
  await server?.stop();
});

const migrate = async (flowId: string) => {
  const answer = await admin.raw('POST', '/v1.0/migrations/inline-rest', { body: { tenantId, flowId } });
  expect(answer.status).toBe(200);
  return answer.body as {
    flowsUpdated: number;
    inlineRestStepsFound: number;
    stepsCreated: number;
    stepsReused: number;
    entries: { executionKey: string; stepCreated: boolean }[];
  };
};

const stepsRun = async (flowId: string) => {
  const run = await waitForRunEnd(t, (await t.flows.run(flowId)).id);
  return { state: run.state, steps: (await t.runs.steps(run.id)).map((step) => step.stepId) };
};

describe('inline REST migration', () => {
  it('leaves a node alone whose rest block the engine ignores (stepType is not Rest)', async () => {
    const flow = await t.flows.create({
      name: 'leftover rest block',
      startStepId: 'kept.method',
      // The engine runs the step `kept.method` here; the block is a leftover it never calls.
      transitions: {
        'kept.method': {
          stepType: null,
          rest: { method: 'GET', url: 'http://127.0.0.1:9/old-endpoint', headers: {}, timeoutMs: 2000 },
        },
      },
    });
    const before = await stepsRun(flow.id);
    expect(before).toEqual({ state: 'Succeeded', steps: ['kept.method'] });

    const result = await migrate(flow.id);
    expect(result).toMatchObject({ flowsUpdated: 0, inlineRestStepsFound: 0, stepsCreated: 0 });
    expect(Object.keys((await t.flows.get(flow.id)).transitions)).toEqual(['kept.method']);
    // What the flow runs is what it ran before the migration.
    expect(await stepsRun(flow.id)).toEqual(before);
  });

  it('reuses an identical External.Rest step whatever the order of its fields', async () => {
    const url = `${server.baseUrl}/v1.0/samples/external-rest`;
    const existing = await t.steps.create({
      executionKey: 'same.call',
      name: 'same call',
      runtimeKey: 'External.Rest',
      runtimeConfig: {
        runtimeKey: 'External.Rest',
        method: 'GET',
        url,
        headers: { 'x-second': '2', 'x-first': '1' },
        timeoutMs: 5000,
      },
    });
    const flow = await t.flows.create({
      name: 'inline twin of a step',
      startStepId: 'same.call',
      transitions: {
        'same.call': {
          stepType: 'Rest',
          rest: { timeoutMs: 5000, headers: { 'x-first': '1', 'x-second': '2' }, url, method: 'GET' },
        },
      },
    });
    const stepsBefore = (await t.steps.list({ pageSize: 1000 })).totalCount;

    const result = await migrate(flow.id);
    expect(result).toMatchObject({
      flowsUpdated: 1,
      inlineRestStepsFound: 1,
      stepsCreated: 0,
      stepsReused: 1,
    });
    expect(result.entries.map((entry) => entry.executionKey)).toEqual(['same.call']);
    expect((await t.steps.list({ pageSize: 1000 })).totalCount).toBe(stepsBefore);
    expect((await t.flows.get(flow.id)).transitions['same.call']).toMatchObject({
      stepType: null,
      rest: null,
    });
    expect(await stepsRun(flow.id)).toEqual({ state: 'Succeeded', steps: ['same.call'] });
    expect((await t.steps.get(existing.id)).executionKey).toBe('same.call');
  });
});
