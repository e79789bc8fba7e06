import { TempoClient, type TenantClient } from '@tempo/client';
import { TRIGGER_RESPONSE_HEADERS } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/**
 * The dashboard's first-run wizard as the REST sequence it drives: an echo step from pasted
 * source, an echo flow behind a POST trigger, and a chained flow (a random number from 1 to 10,
 * then doubled) behind a GET trigger.
 */
let server: ServerProcess;
let admin: TempoClient;
let t: TenantClient;
let tenantId: string;

beforeAll(async () => {
  server = await startServerProcess();
  admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
  t = admin.tenant(tenantId);
});

afterAll(async () => {
  await server?.stop();
});

const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Every `x-` header of a successful trigger answer, checked against the run it names. */
const expectRunHeaders = async (
  headers: Readonly<Record<string, string>>,
  triggerId: string,
  flowId: string,
) => {
  expect(headers['x-tenant-id']).toBe(tenantId);
  expect(headers['x-worker-id']).toBe('wrk_local_server');
  expect(headers['x-run-id']).toMatch(/^run_/);
  expect(headers['x-dataflow-id']).toBe(flowId);
  expect(headers['x-trigger-id']).toBe(triggerId);
  expect(headers['x-run-state']).toBe('Succeeded');
  for (const name of [
    'x-run-created-utc',
    'x-run-started-utc',
    'x-run-completed-utc',
    'x-run-last-update-utc',
  ]) {
    expect(headers[name]).toMatch(UTC);
  }
  expect(Number(headers['x-runtime-ms'])).toBeGreaterThan(0);
  expect(headers['x-run-error']).toBeUndefined();
  expect(headers['access-control-expose-headers']).toBe(TRIGGER_RESPONSE_HEADERS.join(', '));
  const run = await t.runs.get(headers['x-run-id'] ?? '');
  expect(run).toMatchObject({
    state: 'Succeeded',
    triggerId,
    dataFlowId: flowId,
    completedUtc: headers['x-run-completed-utc'],
  });
};

describe('setup wizard scenario', () => {
  it('echoes a POST body through a step made from pasted source', async () => {
    const { step } = await t.steps.fromSource({
      executionKey: 'wizard.echo',
      name: 'Echo',
      language: 'Python',
      code: 'def run(request):\n    return request["data"]\n',
    });
    expect(step.runtimeKey).toBe('Artifact.Python');
    const flow = await t.flows.create({
      name: 'Echo flow',
      startStepId: 'wizard.echo',
      transitions: { 'wizard.echo': {} },
    });
    const trigger = await t.triggers.create({
      name: 'Echo trigger',
      dataFlowId: flow.id,
      configuration: '{"allowedMethods":["POST"]}',
    });
    const body = { message: 'hello from the wizard', items: [1, 2, 3], nested: { ok: true } };
    const answer = await admin.httpTriggers.fire(trigger.id, { method: 'POST', body });
    expect(answer.status).toBe(200);
    expect(answer.output).toEqual(body);
    await expectRunHeaders(answer.headers, trigger.id, flow.id);
  });

  it('chains a random number and its double behind a GET trigger', async () => {
    await t.steps.fromSource({
      executionKey: 'wizard.random',
      name: 'Random number',
      language: 'Python',
      code: 'import random\n\ndef run(request):\n    return {"value": random.randint(1, 10)}\n',
    });
    await t.steps.fromSource({
      executionKey: 'wizard.double',
      name: 'Double',
      language: 'JavaScript',
      code: 'exports.run = (request) => ({ value: request.data.value, doubled: request.data.value * 2 });\n',
    });
    const flow = await t.flows.create({
      name: 'Chained flow',
      startStepId: 'wizard.random',
      transitions: { 'wizard.random': { onSuccess: 'wizard.double' }, 'wizard.double': {} },
    });
    const trigger = await t.triggers.create({
      name: 'Chained trigger',
      dataFlowId: flow.id,
      configuration: '{"allowedMethods":["GET"]}',
    });
    const seen = new Set<number>();
    for (let call = 0; call < 5; call++) {
      const answer = await admin.httpTriggers.fire(trigger.id, { method: 'GET' });
      expect(answer.status).toBe(200);
      const output = answer.output as { value: number; doubled: number };
      expect(Number.isInteger(output.value) && output.value >= 1 && output.value <= 10).toBe(true);
      expect(output.doubled).toBe(output.value * 2);
      seen.add(output.value);
      await expectRunHeaders(answer.headers, trigger.id, flow.id);
    }
    const refused = await admin.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { body: {} });
    expect(refused.status).toBe(405);
  });
});
