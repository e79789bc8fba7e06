import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { TempoClient, type TenantClient } from '@tempo/client';
import { op, openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinTrigger, createRestStep, waitForRunEnd } from './api-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// Two real servers over one SQLite file, and a target whose answers the test controls: `/hold/<n>`
// answers only when released, `/say/<word>` answers at once with the word in an `x-word` header.
let sharedDir: string;
let databaseFile: string;
let first: ServerProcess;
let second: ServerProcess | undefined;
let target: Server;
let targetUrl: string;
let t: TenantClient;
const held = new Map<string, () => void>();

const release = (name: string) => {
  held.get(name)?.();
  held.delete(name);
};

const startTarget = async () => {
  target = createServer((request, response) => {
    const [, kind, name = ''] = (request.url ?? '').split('/');
    const answer = () => {
      // The REST step's output carries the body base64-encoded but the headers as text.
      response.writeHead(200, { 'content-type': 'application/json', 'x-word': name });
      response.end(JSON.stringify({ word: name }));
    };
    if (kind === 'hold') held.set(name, answer);
    else answer();
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const address = target.address();
  targetUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
};

const serverOn = (engine: Record<string, unknown> = {}) =>
  startServerProcess({ database: { filename: databaseFile }, engine });

/** A flow of one REST step calling `path` on the target, and a trigger of it. */
const restFlow = async (key: string, path: string) => {
  await createRestStep(t, key, `${targetUrl}${path}`);
  const flow = await t.flows.create({ name: key, startStepId: key, transitions: { [key]: {} } });
  const trigger = await t.triggers.create({ name: key, dataFlowId: flow.id });
  return { flow, trigger };
};

const waitForState = async (runId: string, state: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await t.runs.get(runId);
    if (run.state === state || Date.now() > deadline) return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const withDatabase = async <T>(use: (db: DatabaseSync) => T): Promise<T> => {
  const db = new DatabaseSync(databaseFile);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    return use(db);
  } finally {
    db.close();
  }
};

/**
 * Runs `use` while the database refuses to store `marker` in `table`'s output_data on `event`
 * (a SQLite trigger raising `message`, as a driver error would quote parameters), then lets it.
 */
const whileRefusing = async (
  event: 'INSERT' | 'UPDATE',
  table: string,
  marker: string,
  message: string,
  use: () => Promise<void>,
): Promise<void> => {
  await withDatabase((db) =>
    db.exec(`CREATE TRIGGER refuse_marker BEFORE ${event} ON ${table}
      WHEN NEW.output_data LIKE '%${marker}%'
      BEGIN SELECT RAISE(ABORT, '${message}'); END`),
  );
  try {
    await use();
  } finally {
    await withDatabase((db) => db.exec('DROP TRIGGER refuse_marker'));
  }
};

beforeAll(async () => {
  sharedDir = mkdtempSync(join(tmpdir(), 'tempo-recovery-test-'));
  databaseFile = join(sharedDir, 'tempo.db');
  await startTarget();
  // The first server beats rarely, so the test decides when its heartbeat looks stale.
  first = await serverOn({ workerHeartbeatTimeoutMs: 86_400_000 });
  const admin = new TempoClient({ baseUrl: first.baseUrl }).withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  t = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
}, 90_000);

afterAll(async () => {
  for (const name of [...held.keys()]) release(name);
  await second?.stop();
  await first?.stop();
  await new Promise<void>((resolve) => target?.close(() => resolve()));
  rmSync(sharedDir, { recursive: true, force: true });
});

describe('run ownership across servers on one database', () => {
  it("a second server's start leaves a live server's run alone; a dead server's run ends Exception for good", async () => {
    const { flow } = await restFlow('hold.live', '/hold/live');
    const live = await t.flows.run(flow.id, {});
    expect((await waitForState(live.id, 'Running', 10_000)).state).toBe('Running');

    second = await serverOn();
    const stillRunning = await t.runs.get(live.id);
    expect(stillRunning.state).toBe('Running');
    const database = await openDatabase({ type: 'Sqlite', filename: databaseFile });
    try {
      expect(await database.repositories.serverInstances.count()).toBe(2);
    } finally {
      await database.close();
    }
    release('live');
    expect(await waitForRunEnd(t, live.id)).toMatchObject({ state: 'Succeeded' });

    // The first server now looks dead to the second (its heartbeat is an hour old), while its run
    // is still executing: the second's sweep ends the run and closes its attempt, and the first
    // server's late end must not turn it back into a success.
    const { flow: heldFlow } = await restFlow('hold.orphan', '/hold/orphan');
    const orphan = await t.flows.run(heldFlow.id, {});
    expect((await waitForState(orphan.id, 'Running', 10_000)).state).toBe('Running');
    const firstPort = new URL(first.baseUrl).port;
    const stale = await openDatabase({ type: 'Sqlite', filename: databaseFile });
    try {
      const changed = await stale.repositories.serverInstances.updateWhere(
        { hostName: op.contains(`:${firstPort}`) },
        { lastHeartbeatUtc: new Date(Date.now() - 3_600_000).toISOString() },
      );
      expect(changed).toBe(1);
    } finally {
      await stale.close();
    }
    const ended = await waitForState(orphan.id, 'Exception', 20_000);
    expect(ended).toMatchObject({
      state: 'Exception',
      dispatchState: 'Failed',
      errorMessage: 'The server executing the run stopped before the run ended.',
    });
    expect((await t.runs.activity(orphan.id)).assignments).toEqual([
      expect.objectContaining({ state: 'Exception' }),
    ]);
    release('orphan');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await t.runs.get(orphan.id)).toMatchObject({ state: 'Exception', outputData: null });
    expect((await t.runs.activity(orphan.id)).assignments).toEqual([
      expect.objectContaining({ state: 'Exception' }),
    ]);
    // The first server stays, judged dead by nobody once the second has gone.
    await second.stop();
    second = undefined;
  }, 90_000);
});

describe('a run whose records the database refuses', () => {
  it('ends Exception in our words when its end cannot be stored, and the trigger caller gets the answer', async () => {
    const { trigger } = await restFlow('say.poison', '/say/poison-output-marker');
    // The database refuses the run's final output, quoting it as a driver would quote parameters.
    await whileRefusing(
      'UPDATE',
      'flow_runs',
      'poison-output-marker',
      'cannot store output_data = poison-output-marker',
      async () => {
        const started = Date.now();
        const anonymous = new TempoClient({ baseUrl: first.baseUrl });
        const answer = await anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { body: {} });
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(answer.status).toBe(500);
        expect(answer.headers['x-run-state']).toBe('Exception');
        expect(answer.headers['x-run-error']).toBe("The run's result could not be stored.");
        const run = await t.runs.get(answer.headers['x-run-id'] ?? '');
        expect(run).toMatchObject({ state: 'Exception', dispatchState: 'Failed', outputData: null });
        expect(run.errorMessage).not.toContain('poison');
        expect((await t.runs.activity(run.id)).assignments).toEqual([
          expect.objectContaining({ state: 'Exception' }),
        ]);
      },
    );
  }, 60_000);

  it('tells the caller that a step record could not be stored, never the driver text', async () => {
    const { trigger } = await restFlow('say.leak', '/say/leaky-parameter-marker');
    await whileRefusing(
      'INSERT',
      'step_runs',
      'leaky-parameter-marker',
      'insert into step_runs failed: params leaky-parameter-marker',
      async () => {
        const anonymous = new TempoClient({ baseUrl: first.baseUrl });
        const answer = await anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { body: {} });
        expect(answer.status).toBe(500);
        expect(answer.headers['x-run-state']).toBe('Exception');
        expect(answer.headers['x-run-error']).toBe("The run's step record could not be stored.");
        const run = await t.runs.get(answer.headers['x-run-id'] ?? '');
        expect(run.errorMessage).toBe("The run's step record could not be stored.");
        expect(run.state).toBe('Exception');
        // The driver text goes to the server log, with the run id, for the operator.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(first.output()).toMatch(/leaky-parameter-marker/);
      },
    );
  }, 60_000);

  it('ends a built-in flow that finishes in its first turn as Exception when its step record is refused', async () => {
    const { trigger } = await createBuiltinTrigger(t, 'echo.refused', 'tempo.builtin.echo');
    await whileRefusing('INSERT', 'step_runs', 'refused-echo-marker', 'refused-echo-marker', async () => {
      const anonymous = new TempoClient({ baseUrl: first.baseUrl });
      const answer = await anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, {
        body: { note: 'refused-echo-marker' },
      });
      expect(answer.status).toBe(500);
      expect(answer.headers['x-run-state']).toBe('Exception');
      expect(answer.headers['x-run-error']).toBe("The run's step record could not be stored.");
      const run = await t.runs.get(answer.headers['x-run-id'] ?? '');
      expect(run).toMatchObject({
        state: 'Exception',
        errorMessage: "The run's step record could not be stored.",
      });
      expect((await t.runs.activity(run.id)).assignments).toEqual([
        expect.objectContaining({ state: 'Exception' }),
      ]);
    });
  });
});
