import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRunEnd } from './api-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** Request bodies kept in request history by the server under test, in bytes. */
const REQUEST_BODY_LIMIT_BYTES = 1_000;
/** `engine.maxRunOutputBytes` of the server under test: above a 100 KB REST output, below a 400 KB one. */
const RUN_OUTPUT_LIMIT_BYTES = 300_000;

let server: ServerProcess;
let upstream: Server;
let upstreamUrl: string;
let admin: TempoClient;
let tenantA: TenantClient;
let tenantB: TenantClient;
let tenantC: TenantClient;

beforeAll(async () => {
  // `/bytes/<n>` answers a JSON document of exactly n bytes: the data a REST step returns.
  upstream = createServer((request, response) => {
    const size = Number(/^\/bytes\/(\d+)$/.exec(request.url ?? '')?.[1] ?? 0);
    const body = `{"filler":"${'x'.repeat(Math.max(0, size - 13))}"}`;
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  server = await startServerProcess({
    requestHistory: { maxRequestBodyBytes: REQUEST_BODY_LIMIT_BYTES },
    engine: { maxRunOutputBytes: RUN_OUTPUT_LIMIT_BYTES },
  });
  admin = new TempoClient({ baseUrl: server.baseUrl }).withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  const [first] = (await admin.tenants.list()).items;
  tenantA = admin.tenant(first?.id ?? '');
  tenantB = admin.tenant((await admin.tenants.create({ name: 'Tenant B' })).id);
  tenantC = admin.tenant((await admin.tenants.create({ name: 'Tenant C' })).id);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => upstream?.close(resolve));
});

/** A flow of one step under `key`, and an anonymous trigger for it. */
const singleStepTrigger = async (tenant: TenantClient, key: string) => {
  const flow = await tenant.flows.create({
    name: `Flow ${key}`,
    startStepId: key,
    transitions: { [key]: {} },
  });
  return tenant.triggers.create({ name: `Trigger ${key}`, dataFlowId: flow.id });
};

const restStep = (tenant: TenantClient, key: string, bytes: number) =>
  tenant.steps.create({
    executionKey: key,
    name: `REST ${bytes} bytes`,
    runtimeKey: 'External.Rest',
    runtimeConfig: { runtimeKey: 'External.Rest', method: 'GET', url: `${upstreamUrl}/bytes/${bytes}` },
  });

const fire = (triggerId: string, init: RequestInit = { method: 'POST' }) =>
  fetch(`${server.baseUrl}/v1.0/triggers/http/${triggerId}`, init);

describe('run outputs', () => {
  it('answers a 100 KB output whole as JSON, and marks the cut copy on the step run', async () => {
    await restStep(tenantA, 'rest.100kb', 100_000);
    const trigger = await singleStepTrigger(tenantA, 'rest.100kb');
    const answer = await fire(trigger.id);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/json');
    const text = await answer.text();
    const output = JSON.parse(text) as { StatusCode: number; ResponseBody: string };
    expect(output.StatusCode).toBe(200);
    expect(Buffer.from(output.ResponseBody, 'base64').length).toBe(100_000);

    const [stepRun] = await tenantA.runs.steps(answer.headers.get('x-run-id') ?? '');
    const stored = JSON.parse(stepRun?.outputData ?? '') as Record<string, unknown>;
    expect(stored).toMatchObject({ truncated: true, originalBytes: Buffer.byteLength(text) });
    expect(text.startsWith(String(stored.prefix))).toBe(true);
  });

  it('fails a run whose output is over engine.maxRunOutputBytes instead of cutting it', async () => {
    await restStep(tenantA, 'rest.400kb', 400_000);
    const trigger = await singleStepTrigger(tenantA, 'rest.400kb');
    const answer = await fire(trigger.id);
    expect(answer.status).toBe(500);
    expect(answer.headers.get('x-run-state')).toBe('Exception');
    expect(answer.headers.get('x-run-error')).toContain(
      `more than the ${RUN_OUTPUT_LIMIT_BYTES} bytes that engine.maxRunOutputBytes allows`,
    );
    // No output is cut and sent: the caller gets the error body with the run's error.
    expect(await answer.json()).toMatchObject({
      error: 'RunException',
      message: expect.stringContaining('engine.maxRunOutputBytes'),
      context: { runId: answer.headers.get('x-run-id'), state: 'Exception' },
    });
    const run = await tenantA.runs.get(answer.headers.get('x-run-id') ?? '');
    expect(run).toMatchObject({ state: 'Exception', outputData: null });
  });
});

describe('step schemas', () => {
  const schemaId = 'https://schemas.example/order';
  const requiring = (property: string) =>
    JSON.stringify({ $id: schemaId, type: 'object', required: [property] });

  const checkedStep = (tenant: TenantClient, inputSchema: string) =>
    tenant.steps.create({
      executionKey: 'checked',
      name: 'Checked input',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
      validateInput: true,
      inputSchema,
    });

  const runWith = async (tenant: TenantClient, flowId: string, data: unknown) =>
    waitForRunEnd(tenant, (await tenant.flows.run(flowId, { data })).id);

  it("keeps each tenant's schemas apart: same $id, edits, and no $ref across tenants", async () => {
    const stepA = await checkedStep(tenantA, requiring('a'));
    await checkedStep(tenantB, requiring('b'));
    await checkedStep(tenantC, JSON.stringify({ $ref: schemaId }));
    const flow = { name: 'Checked', startStepId: 'checked', transitions: { checked: {} } };
    const flowA = await tenantA.flows.create(flow);
    const flowB = await tenantB.flows.create(flow);
    const flowC = await tenantC.flows.create(flow);

    expect((await runWith(tenantA, flowA.id, { a: 1 })).state).toBe('Succeeded');
    // Tenant B's schema has the same $id: it compiles and applies on its own.
    expect((await runWith(tenantB, flowB.id, { b: 1 })).state).toBe('Succeeded');
    const wrongForB = await runWith(tenantB, flowB.id, { a: 1 });
    expect(wrongForB.state).toBe('Exception');
    expect(wrongForB.errorMessage).toContain("must have required property 'b'");

    // Tenant C's $ref names tenant A's schema: it must not resolve, and the step must not pass.
    const fromC = await runWith(tenantC, flowC.id, { a: 1 });
    expect(fromC.state).toBe('Exception');
    expect(fromC.errorMessage).toContain(
      "Input does not match the step's input schema: the schema is not valid",
    );
    expect(fromC.errorMessage).toContain(schemaId);

    // Tenant A edits its own schema, keeping the $id: the new content applies at once.
    await tenantA.steps.update(stepA.id, { inputSchema: requiring('c') });
    expect((await runWith(tenantA, flowA.id, { c: 1 })).state).toBe('Succeeded');
    const oldShape = await runWith(tenantA, flowA.id, { a: 1 });
    expect(oldShape.state).toBe('Exception');
    expect(oldShape.errorMessage).toContain("must have required property 'c'");
  });
});

describe('request history', () => {
  it('caps a stored body by bytes on a character boundary and marks it truncated', async () => {
    await tenantA.steps.create({
      executionKey: 'sample',
      name: 'Sample',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
    });
    const trigger = await singleStepTrigger(tenantA, 'sample');
    // 3 000 bytes of three-byte characters: a character cut would not be text any more.
    const body = '€'.repeat(1_000);
    const answer = await fire(trigger.id, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    expect(answer.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const database = await openDatabase({ type: 'Sqlite', filename: join(server.dataDir, 'tempo.db') });
    try {
      const [entry] = await database.repositories.requestHistory.find({
        url: `/v1.0/triggers/http/${trigger.id}`,
      });
      expect(entry).toMatchObject({
        requestBodyBytes: 3_000,
        requestBodyTruncated: true,
        // 333 whole characters are 999 bytes; a 334th would pass the limit.
        requestBody: '€'.repeat(333),
      });
    } finally {
      await database.close();
    }
  });
});
