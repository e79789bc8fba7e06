import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { checkSqliteIntegrity, openDatabase } from '@tempo/core/store';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRestStep } from './api-fixture.ts';
import { serverPidOf } from './process-probe.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// The trigger path serves definitions from memory and writes a run's rows without waiting for
// each other: these are the promises that must survive that.

const BODY = JSON.stringify({ hot: 'path', n: 7 });
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

const adminOf = (server: ServerProcess) =>
  new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });

const tenantOf = async (server: ServerProcess): Promise<TenantClient> => {
  const admin = adminOf(server);
  return admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
};

const builtin = (t: TenantClient, executionKey: string, identifier: string) =>
  t.steps.create({
    executionKey,
    name: executionKey,
    runtimeKey: 'Builtin.Method',
    runtimeConfig: { runtimeKey: 'Builtin.Method', identifier },
  });

const fire = (server: ServerProcess, triggerId: string) =>
  fetch(`${server.baseUrl}/v1.0/triggers/http/${triggerId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  });

/** A one-step flow behind a trigger, in tenant `t`. */
const flowWithTrigger = async (t: TenantClient, name: string, startStepId = 'hot.echo') => {
  const flow = await t.flows.create({ name, startStepId, transitions: { [startStepId]: {} } });
  return { flow, trigger: await t.triggers.create({ name, dataFlowId: flow.id }) };
};

/** Settings of servers sharing one SQLite file; another server counts as dead 2 s after its last beat. */
const sharedDatabase = (folder: string) => ({
  database: { filename: join(folder, 'tempo.db') },
  engine: { workerHeartbeatTimeoutMs: 1000 },
});

describe('definitions served from memory', () => {
  let server: ServerProcess;
  let t: TenantClient;
  let echoStepId: string;

  beforeAll(async () => {
    server = await startServerProcess();
    t = await tenantOf(server);
    echoStepId = (await builtin(t, 'hot.echo', 'tempo.builtin.echo')).id;
    await builtin(t, 'hot.method', 'tempo.sample.builtin.method');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('takes every edit, deactivation and deletion of a trigger, flow or step into the next call', async () => {
    const { flow, trigger } = await flowWithTrigger(t, 'Hot');
    const answer = async () => {
      const response = await fire(server, trigger.id);
      return { status: response.status, body: await response.text() };
    };
    // Served twice first, so the definitions are cached before each edit.
    expect(await answer()).toEqual({ status: 200, body: BODY });
    expect(await answer()).toEqual({ status: 200, body: BODY });

    await t.steps.update(echoStepId, {
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
    });
    expect(await answer()).toEqual({ status: 200, body: '{"sample":"builtin-method"}' });
    await t.steps.update(echoStepId, {
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.builtin.echo' },
    });
    expect(await answer()).toEqual({ status: 200, body: BODY });

    await t.steps.update(echoStepId, { active: false });
    expect((await answer()).status).toBe(500);
    await t.steps.update(echoStepId, { active: true });
    expect((await answer()).status).toBe(200);

    await t.flows.update(flow.id, { startStepId: 'hot.method', transitions: { 'hot.method': {} } });
    expect(await answer()).toEqual({ status: 200, body: '{"sample":"builtin-method"}' });
    await t.flows.update(flow.id, { active: false });
    expect((await answer()).status).toBe(409);
    await t.flows.update(flow.id, { active: true, startStepId: 'hot.echo', transitions: { 'hot.echo': {} } });
    expect(await answer()).toEqual({ status: 200, body: BODY });

    await t.triggers.update(trigger.id, { active: false });
    expect((await answer()).status).toBe(409);
    await t.triggers.update(trigger.id, { active: true });
    expect((await answer()).status).toBe(200);
    const other = await t.flows.create({
      name: 'Other',
      startStepId: 'hot.method',
      transitions: { 'hot.method': {} },
    });
    await t.triggers.update(trigger.id, { dataFlowId: other.id });
    expect(await answer()).toEqual({ status: 200, body: '{"sample":"builtin-method"}' });

    await t.triggers.delete(trigger.id);
    expect((await answer()).status).toBe(404);
  });

  it('checks the trigger again once a slowly sent body has arrived', async () => {
    const { trigger } = await flowWithTrigger(t, 'Slow body', 'hot.method');
    const { status } = await new Promise<{ status: number }>((resolve, reject) => {
      const call = httpRequest(
        `${server.baseUrl}/v1.0/triggers/http/${trigger.id}`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0 });
        },
      );
      call.on('error', reject);
      call.write('{"slow":');
      void pause(300)
        .then(() => t.triggers.update(trigger.id, { active: false }))
        .then(() => call.end('true}'));
    });
    expect(status).toBe(409);
  });

  it('records anonymous calls no tenant owns at a bounded rate', async () => {
    const before = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        fetch(`${server.baseUrl}/v1.0/triggers/http/trg_NOSUCHTRIGGER${String(index).padStart(4, '0')}`, {
          method: 'POST',
          body: '{"flood":true}',
        }),
      ),
    );
    const elapsedS = (Date.now() - before) / 1000;
    expect(answers.every((answer) => answer.status === 404)).toBe(true);
    await pause(300);
    const database = await openDatabase({ type: 'Sqlite', filename: join(server.dataDir, 'tempo.db') });
    try {
      const rows = await database.repositories.requestHistory.find({ statusCode: 404 });
      const recent = rows.filter((row) => Date.parse(row.createdUtc) >= before - 1_000);
      expect(recent.length).toBeGreaterThan(0);
      // A burst of ten, then ten a second while the calls went on (and one earlier 404 of this file).
      expect(recent.length).toBeLessThanOrEqual(11 + Math.ceil(10 * elapsedS));
      expect(recent.length).toBeLessThan(60);
    } finally {
      await database.close();
    }
  });

  it('keeps a step run and a request history row for every trigger call', async () => {
    const flow = await t.flows.create({
      name: 'Two steps',
      startStepId: 'hot.echo',
      transitions: { 'hot.echo': { onSuccess: 'hot.method' }, 'hot.method': {} },
    });
    const trigger = await t.triggers.create({ name: 'Two steps', dataFlowId: flow.id });
    const answers = await Promise.all(Array.from({ length: 40 }, () => fire(server, trigger.id)));
    expect(answers.map((response) => response.status)).toEqual(answers.map(() => 200));
    const runIds = answers.map((response) => response.headers.get('x-run-id') ?? '');
    for (const runId of runIds) {
      const run = await t.runs.get(runId);
      expect(run).toMatchObject({ state: 'Succeeded', outputData: '{"sample":"builtin-method"}' });
      expect((await t.runs.steps(runId)).map((step) => step.stepId)).toEqual(['hot.echo', 'hot.method']);
    }
    // Request history is written once the answer is sent.
    await pause(300);
    const database = await openDatabase({ type: 'Sqlite', filename: join(server.dataDir, 'tempo.db') });
    try {
      const recorded = await database.repositories.requestHistory.count({
        url: `/v1.0/triggers/http/${trigger.id}`,
        statusCode: 200,
      });
      expect(recorded).toBe(40);
    } finally {
      await database.close();
    }
  });
});

describe('a run while it executes', () => {
  let server: ServerProcess;
  let target: Server;
  // Resolves with the means to answer once the step's request has reached the target.
  let arrived: Promise<() => void>;
  let arrive: (release: () => void) => void = () => {};

  beforeAll(async () => {
    arrived = new Promise((resolve) => {
      arrive = resolve;
    });
    target = createServer((_request, response) => {
      arrive(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"slow":true}'));
    });
    await new Promise<void>((ready) => target.listen(0, '127.0.0.1', ready));
    server = await startServerProcess();
  });

  afterAll(async () => {
    await server?.stop();
    target?.close();
  });

  it('is listed as Running through the runs API before its answer is sent', async () => {
    const t = await tenantOf(server);
    const address = target.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await createRestStep(t, 'hot.slow', `http://127.0.0.1:${port}/slow`);
    const { flow, trigger } = await flowWithTrigger(t, 'Slow', 'hot.slow');
    const call = fire(server, trigger.id);
    const release = await arrived;
    let running: string | undefined;
    for (let attempt = 0; attempt < 100 && !running; attempt++) {
      running = (await t.runs.list({ dataFlowId: flow.id, state: 'Running' })).items[0]?.id;
      if (!running) await pause(50);
    }
    expect(running).toBeDefined();
    release();
    const answer = await call;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-run-id')).toBe(running);
  });
});

describe('kill -9 under trigger load', () => {
  const servers: ServerProcess[] = [];
  let shared: string;

  beforeAll(() => {
    shared = mkdtempSync(join(tmpdir(), 'tempo-hot-path-'));
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
  });

  afterAll(() => {
    rmSync(shared, { recursive: true, force: true });
  });

  it('keeps every answered run Succeeded and leaves none Queued or Running after a restart', async () => {
    // Both servers use one database; a short heartbeat lets the second judge the first dead soon.
    const settings = sharedDatabase(shared);
    const first = await startServerProcess(settings);
    servers.push(first);
    const t = await tenantOf(first);
    await builtin(t, 'hot.echo', 'tempo.builtin.echo');
    const { flow, trigger } = await flowWithTrigger(t, 'Load');

    const answered: string[] = [];
    let killed = false;
    const caller = async () => {
      while (!killed) {
        try {
          const response = await fire(first, trigger.id);
          const runId = response.headers.get('x-run-id');
          if (response.status === 200 && runId) answered.push(runId);
        } catch {
          return;
        }
      }
    };
    const callers = Array.from({ length: 16 }, caller);
    await pause(2_000);
    process.kill(serverPidOf(join(first.dataDir, 'tempo.json')), 'SIGKILL');
    killed = true;
    await Promise.all(callers);
    expect(answered.length).toBeGreaterThan(50);
    expect(await checkSqliteIntegrity(join(shared, 'tempo.db'))).toMatchObject({ ok: true, problems: [] });

    const second = await startServerProcess(settings);
    servers.push(second);
    const t2 = await tenantOf(second);
    const states = new Map<string, string>();
    const readAll = async () => {
      states.clear();
      for (let page = 1; ; page++) {
        const batch = await t2.runs.list({ dataFlowId: flow.id, pageSize: 1000, pageNumber: page });
        for (const run of batch.items) states.set(run.id, run.state);
        if (batch.items.length < 1000) return;
      }
    };
    await readAll();
    const lost = answered.filter((runId) => states.get(runId) !== 'Succeeded');
    expect(lost).toEqual([]);
    // The first server's unfinished runs end once it is judged dead (twice the heartbeat timeout).
    let unfinished = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 40 && unfinished > 0; attempt++) {
      await pause(250);
      await readAll();
      unfinished = [...states.values()].filter((state) => state === 'Queued' || state === 'Running').length;
    }
    expect(unfinished).toBe(0);
  }, 90_000);
});

describe('two servers on one database', () => {
  const servers: ServerProcess[] = [];
  let shared: string;

  beforeAll(() => {
    shared = mkdtempSync(join(tmpdir(), 'tempo-hot-shared-'));
  });

  afterAll(async () => {
    for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
    rmSync(shared, { recursive: true, force: true });
  });

  it("serve each other's edits to the next call once they see each other", async () => {
    const settings = sharedDatabase(shared);
    const a = await startServerProcess(settings);
    servers.push(a);
    const b = await startServerProcess(settings);
    servers.push(b);
    const t = await tenantOf(a);
    await builtin(t, 'hot.echo', 'tempo.builtin.echo');
    const { flow, trigger } = await flowWithTrigger(t, 'Shared');
    // Both have served (and could have cached) the trigger; a heartbeat later each knows the other.
    expect((await fire(a, trigger.id)).status).toBe(200);
    expect((await fire(b, trigger.id)).status).toBe(200);
    await pause(1_000);

    await t.triggers.update(trigger.id, { active: false });
    expect((await fire(b, trigger.id)).status).toBe(409);
    const tb = await tenantOf(b);
    await tb.triggers.update(trigger.id, { active: true });
    expect((await fire(a, trigger.id)).status).toBe(200);
    await tb.flows.update(flow.id, { invocationAuthMode: 'ApiAuthenticated' });
    expect((await fire(a, trigger.id)).status).toBe(401);
    await t.triggers.delete(trigger.id);
    expect((await fire(b, trigger.id)).status).toBe(404);

    // Once the other server has gone, nothing read before its edits is served again.
    const second = await t.triggers.create({ name: 'Second', dataFlowId: flow.id });
    await t.flows.update(flow.id, { invocationAuthMode: 'Public' });
    expect((await fire(a, second.id)).status).toBe(200);
    await tb.triggers.update(second.id, { active: false });
    await b.stop();
    servers.splice(servers.indexOf(b), 1);
    await pause(2_500);
    expect((await fire(a, second.id)).status).toBe(409);
  }, 90_000);
});
