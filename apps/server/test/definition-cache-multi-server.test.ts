import { TempoClient, type TenantClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  postgresSection,
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from './server-process.ts';

// Two servers over one PostgreSQL database, each serving triggers from its definition cache: an
// edit made through either must reach the very next trigger call on the other. Before the shared
// stamp, a server kept serving its cached definitions until a heartbeat showed it the other
// server, so an edit made through a server that had just started went unseen by the rest.

const BODY = JSON.stringify({ shared: 'cache', n: 13 });
const METHOD_OUTPUT = '{"sample":"builtin-method"}';

/** Both servers: one database, one secrets key, and heartbeats too rare to tell them of each other. */
const settings = () => ({
  database: postgresSection(),
  secrets: { key: 'definition-cache-multi-server-test-key-0123456789' },
  engine: { workerHeartbeatTimeoutMs: 600_000 },
});

const tenantOf = async (server: ServerProcess): Promise<TenantClient> => {
  const admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  return admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
};

/** One anonymous trigger call: its status and body. */
const fire = async (server: ServerProcess, triggerId: string) => {
  const response = await fetch(`${server.baseUrl}/v1.0/triggers/http/${triggerId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  });
  return { status: response.status, body: await response.text() };
};

let a: ServerProcess;
let b: ServerProcess;
/** The default tenant, through server A and through server B. */
let ta: TenantClient;
let tb: TenantClient;

const builtin = (executionKey: string, identifier: string) =>
  ta.steps.create({
    executionKey,
    name: executionKey,
    runtimeKey: 'Builtin.Method',
    runtimeConfig: { runtimeKey: 'Builtin.Method', identifier },
  });

/** A one-step Public flow behind a trigger, created through server A. */
const flowWithTrigger = async (name: string, startStepId: string) => {
  const flow = await ta.flows.create({ name, startStepId, transitions: { [startStepId]: {} } });
  return { flow, trigger: await ta.triggers.create({ name, dataFlowId: flow.id }) };
};

/** Calls the trigger on both servers, so each has its definitions cached before an edit. */
const served = async (triggerId: string, expected: { status: number; body?: string }) => {
  for (const server of [a, b]) expect(await fire(server, triggerId)).toMatchObject(expected);
};

beforeAll(async () => {
  // The shared test database starts empty for these servers, as in the other PostgreSQL suites.
  const database = await openDatabase(postgresSection());
  try {
    await database.dialect.executeDdl('DROP SCHEMA IF EXISTS public CASCADE');
    await database.dialect.executeDdl('CREATE SCHEMA public');
  } finally {
    await database.close();
  }
  a = await startServerProcess(settings());
  b = await startServerProcess(settings());
  ta = await tenantOf(a);
  tb = await tenantOf(b);
  await builtin('multi.echo', 'tempo.builtin.echo');
  await builtin('multi.method', 'tempo.sample.builtin.method');
}, 180_000);

afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

describe('the definition cache of two servers on one PostgreSQL database', () => {
  it("serves a trigger's edits, deactivation and deletion to the next call on the other server", async () => {
    const { trigger } = await flowWithTrigger('Trigger edits', 'multi.echo');
    await served(trigger.id, { status: 200, body: BODY });

    await tb.triggers.update(trigger.id, { active: false });
    expect((await fire(a, trigger.id)).status).toBe(409);
    await ta.triggers.update(trigger.id, { active: true });
    expect(await fire(b, trigger.id)).toEqual({ status: 200, body: BODY });
    await served(trigger.id, { status: 200, body: BODY });

    const other = await ta.flows.create({
      name: 'Other target',
      startStepId: 'multi.method',
      transitions: { 'multi.method': {} },
    });
    await tb.triggers.update(trigger.id, { dataFlowId: other.id });
    expect(await fire(a, trigger.id)).toEqual({ status: 200, body: METHOD_OUTPUT });
    await served(trigger.id, { status: 200, body: METHOD_OUTPUT });

    await tb.triggers.delete(trigger.id);
    expect((await fire(a, trigger.id)).status).toBe(404);
    // Never served again from either cache.
    await served(trigger.id, { status: 404 });
    await served(trigger.id, { status: 404 });
  });

  it("serves a flow's edits, deactivation and deletion to the next call on the other server", async () => {
    const { flow, trigger } = await flowWithTrigger('Flow edits', 'multi.echo');
    await served(trigger.id, { status: 200, body: BODY });

    await tb.flows.update(flow.id, { startStepId: 'multi.method', transitions: { 'multi.method': {} } });
    expect(await fire(a, trigger.id)).toEqual({ status: 200, body: METHOD_OUTPUT });
    await served(trigger.id, { status: 200, body: METHOD_OUTPUT });

    await ta.flows.update(flow.id, { active: false });
    expect((await fire(b, trigger.id)).status).toBe(409);
    await tb.flows.update(flow.id, {
      active: true,
      startStepId: 'multi.echo',
      transitions: { 'multi.echo': {} },
    });
    expect(await fire(a, trigger.id)).toEqual({ status: 200, body: BODY });

    await tb.flows.update(flow.id, { invocationAuthMode: 'ApiAuthenticated' });
    expect((await fire(a, trigger.id)).status).toBe(401);
    await ta.flows.update(flow.id, { invocationAuthMode: 'Public' });
    await served(trigger.id, { status: 200, body: BODY });

    // A flow is deleted only once no trigger names it: the trigger moves to another flow first.
    const other = await ta.flows.create({
      name: 'After deletion',
      startStepId: 'multi.method',
      transitions: { 'multi.method': {} },
    });
    await tb.triggers.update(trigger.id, { dataFlowId: other.id });
    await tb.flows.delete(flow.id);
    expect(await fire(a, trigger.id)).toEqual({ status: 200, body: METHOD_OUTPUT });
    await served(trigger.id, { status: 200, body: METHOD_OUTPUT });
    expect((await ta.flows.list({ includeInactive: true })).items.map((item) => item.id)).not.toContain(
      flow.id,
    );
  });

  it("serves a step's new configuration, deactivation and deletion to the next call on the other server", async () => {
    const step = await builtin('multi.changing', 'tempo.builtin.echo');
    const { flow, trigger } = await flowWithTrigger('Step edits', 'multi.changing');
    await served(trigger.id, { status: 200, body: BODY });

    await tb.steps.update(step.id, {
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
    });
    expect(await fire(a, trigger.id)).toEqual({ status: 200, body: METHOD_OUTPUT });
    await ta.steps.update(step.id, {
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.builtin.echo' },
    });
    expect(await fire(b, trigger.id)).toEqual({ status: 200, body: BODY });
    await served(trigger.id, { status: 200, body: BODY });

    // An inactive step fails the run, as on one server.
    await tb.steps.update(step.id, { active: false });
    expect((await fire(a, trigger.id)).status).toBe(500);
    await ta.steps.update(step.id, { active: true });
    expect(await fire(b, trigger.id)).toEqual({ status: 200, body: BODY });
    await served(trigger.id, { status: 200, body: BODY });

    // A step in use cannot be deleted: the flow moves off it first, then back onto its key.
    await ta.flows.update(flow.id, { startStepId: 'multi.method', transitions: { 'multi.method': {} } });
    await served(trigger.id, { status: 200, body: METHOD_OUTPUT });
    await tb.steps.delete(step.id);
    await builtin('multi.changing', 'tempo.sample.builtin.method');
    await tb.flows.update(flow.id, { startStepId: 'multi.changing', transitions: { 'multi.changing': {} } });
    expect(await fire(a, trigger.id)).toEqual({ status: 200, body: METHOD_OUTPUT });
    await served(trigger.id, { status: 200, body: METHOD_OUTPUT });
  });
});
