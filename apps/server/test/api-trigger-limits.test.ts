import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from './expect-api-error.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// Anonymous callers must not be able to grow the database at will: trigger bodies and run
// inputs have caps of their own, and calls to Public triggers are rate-limited per trigger and
// per tenant. The limits are set low here; their defaults are far higher.

const BODY_LIMIT_BYTES = 64 * 1024;
const INPUT_LIMIT_BYTES = 48 * 1024;
const TRIGGER_RATE = 1;
const TENANT_RATE = 2;

let server: ServerProcess;
let admin: TempoClient;

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

beforeAll(async () => {
  server = await startServerProcess({
    rest: {
      maxTriggerBodyBytes: BODY_LIMIT_BYTES,
      publicTriggerRatePerSecond: TRIGGER_RATE,
      publicTriggerTenantRatePerSecond: TENANT_RATE,
    },
    engine: { maxRunInputBytes: INPUT_LIMIT_BYTES },
  });
  admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
});

afterAll(async () => {
  await server?.stop();
});

/** A new tenant (so its limits are its own) with an echo step. */
const newTenant = async (name: string): Promise<TenantClient> => {
  const t = admin.tenant((await admin.tenants.create({ name })).id);
  await t.steps.create({
    executionKey: 'limits.echo',
    name: 'echo',
    runtimeKey: 'Builtin.Method',
    runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.builtin.echo' },
  });
  return t;
};

/** An echo flow with the given invocation mode and one trigger; answers the flow and trigger ids. */
const echoTrigger = async (t: TenantClient, invocationAuthMode: 'Public' | 'ApiAuthenticated') => {
  const flow = await t.flows.create({
    name: `echo ${invocationAuthMode} ${Math.random().toString(36).slice(2)}`,
    startStepId: 'limits.echo',
    transitions: { 'limits.echo': {} },
    invocationAuthMode,
  });
  const trigger = await t.triggers.create({ name: `trigger of ${flow.name}`, dataFlowId: flow.id });
  return { flowId: flow.id, triggerId: trigger.id };
};

/** POSTs a body to a trigger, anonymously unless `apiKey` is given. */
const fire = (triggerId: string, body: RequestInit['body'], init: RequestInit & { apiKey?: string } = {}) =>
  fetch(`${server.baseUrl}/v1.0/triggers/http/${triggerId}`, {
    ...init,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(init.apiKey ? { 'x-api-key': init.apiKey } : {}),
    },
    body,
  });

/** A JSON string body of exactly `bytes` bytes. */
const jsonOfBytes = (bytes: number) => JSON.stringify('x'.repeat(bytes - 2));

/** The answer's status and error code. */
const refusalOf = async (response: Response) => {
  const body = (await response.json()) as { error?: string; context?: Record<string, unknown> };
  return { status: response.status, error: body.error, context: body.context };
};

const runsOf = async (t: TenantClient, flowId: string) =>
  (await t.runs.list({ dataFlowId: flowId, pageSize: 100 })).items;

describe('trigger body cap (rest.maxTriggerBodyBytes)', () => {
  it('refuses a body over the cap with 413 PayloadTooLarge and stores no run for it', async () => {
    const t = await newTenant('Body cap');
    // Authenticated, so that the rate limit of Public triggers plays no part here.
    const { flowId, triggerId } = await echoTrigger(t, 'ApiAuthenticated');
    const apiKey = TEST_ADMIN_API_KEY;

    const over = await fire(triggerId, jsonOfBytes(BODY_LIMIT_BYTES + 1), { apiKey });
    expect(await refusalOf(over)).toMatchObject({
      status: 413,
      error: 'PayloadTooLarge',
      context: { limitBytes: BODY_LIMIT_BYTES },
    });
    // A body sent in chunks declares no length; it is stopped while it is read.
    const chunks = new Blob([jsonOfBytes(BODY_LIMIT_BYTES + 1)]).stream();
    const chunked = await fire(triggerId, chunks, { apiKey, duplex: 'half' });
    expect(await refusalOf(chunked)).toMatchObject({
      status: 413,
      error: 'PayloadTooLarge',
      context: { limitBytes: BODY_LIMIT_BYTES },
    });
    expect(await runsOf(t, flowId)).toEqual([]);

    // Below both caps a body goes through whole.
    const fits = jsonOfBytes(INPUT_LIMIT_BYTES);
    const answered = await fire(triggerId, fits, { apiKey });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toBe(fits);
    const [run] = await runsOf(t, flowId);
    expect(run?.inputData).toBe(fits);
  });

  it('refuses an anonymous 15 MiB body to a Public trigger', async () => {
    const t = await newTenant('Big anonymous body');
    const { flowId, triggerId } = await echoTrigger(t, 'Public');
    const answer = await fire(triggerId, jsonOfBytes(15 * 1024 * 1024));
    expect(await refusalOf(answer)).toMatchObject({ status: 413, error: 'PayloadTooLarge' });
    expect(await runsOf(t, flowId)).toEqual([]);
  });

  it('refuses a trigger body between the run input cap and the body cap, whole or not at all', async () => {
    const t = await newTenant('Input cap by trigger');
    const { flowId, triggerId } = await echoTrigger(t, 'ApiAuthenticated');
    const answer = await fire(triggerId, jsonOfBytes(INPUT_LIMIT_BYTES + 1), { apiKey: TEST_ADMIN_API_KEY });
    expect(await refusalOf(answer)).toMatchObject({
      status: 413,
      error: 'PayloadTooLarge',
      context: { bytes: INPUT_LIMIT_BYTES + 1, limitBytes: INPUT_LIMIT_BYTES },
    });
    expect(await runsOf(t, flowId)).toEqual([]);
  });
});

describe('run input cap (engine.maxRunInputBytes) on direct runs', () => {
  it('refuses data or metadata over the cap with 413 and creates no run', async () => {
    const t = await newTenant('Direct run input');
    const { flowId } = await echoTrigger(t, 'ApiAuthenticated');
    // The API's own body limit is 16 MiB: without a cap of its own a direct run stores it all.
    await expectApiError(
      t.flows.run(flowId, { data: 'x'.repeat(INPUT_LIMIT_BYTES) }),
      413,
      'PayloadTooLarge',
    );
    await expectApiError(
      t.flows.run(flowId, { data: 1, metadata: { note: 'y'.repeat(INPUT_LIMIT_BYTES) } }),
      413,
      'PayloadTooLarge',
    );
    expect(await runsOf(t, flowId)).toEqual([]);
    const small = await t.flows.run(flowId, { data: { fits: true } });
    expect(small.inputData).toBe('{"fits":true}');
  });
});

describe('rate limit of Public triggers', () => {
  it('refuses calls past the per-trigger and per-tenant rates with 429 and Retry-After, and stores none of them', async () => {
    const t = await newTenant('Rate limited');
    const first = await echoTrigger(t, 'Public');
    const second = await echoTrigger(t, 'Public');
    const third = await echoTrigger(t, 'Public');

    // The trigger's bucket holds one call, the tenant's two.
    expect((await fire(first.triggerId, '{"n":1}')).status).toBe(200);
    const byTrigger = await fire(first.triggerId, '{"n":2}');
    expect(byTrigger.headers.get('retry-after')).toBe('1');
    expect(await refusalOf(byTrigger)).toMatchObject({
      status: 429,
      error: 'TooManyRequests',
      context: { scope: 'trigger', ratePerSecond: TRIGGER_RATE, retryAfterSeconds: 1 },
    });
    expect((await fire(second.triggerId, '{"n":3}')).status).toBe(200);
    const byTenant = await fire(third.triggerId, '{"n":4}');
    expect(Number(byTenant.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refusalOf(byTenant)).toMatchObject({
      status: 429,
      error: 'TooManyRequests',
      context: { scope: 'tenant', ratePerSecond: TENANT_RATE },
    });

    // Refused calls leave neither a run nor a request history row.
    expect((await runsOf(t, first.flowId)).length).toBe(1);
    expect((await runsOf(t, third.flowId)).length).toBe(0);
    await pause(300);
    const database = await openDatabase({ type: 'Sqlite', filename: join(server.dataDir, 'tempo.db') });
    try {
      expect(await database.repositories.requestHistory.count({ statusCode: 429 })).toBe(0);
      expect(
        await database.repositories.requestHistory.count({ url: `/v1.0/triggers/http/${first.triggerId}` }),
      ).toBe(1);
    } finally {
      await database.close();
    }

    // A second later the buckets have refilled.
    await pause(1_100);
    expect((await fire(first.triggerId, '{"n":5}')).status).toBe(200);
  });

  it('does not limit triggers of flows that require authentication', async () => {
    const t = await newTenant('Authenticated calls');
    const { triggerId } = await echoTrigger(t, 'ApiAuthenticated');
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, n) => fire(triggerId, `{"n":${n}}`, { apiKey: TEST_ADMIN_API_KEY })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
  });
});
