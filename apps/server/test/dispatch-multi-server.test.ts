import type { TempoClient } from '@tempo/client';
import type { TempoDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinTrigger } from './api-fixture.ts';
import {
  type SlowTarget,
  startSlowTarget,
  startWorkerProcess,
  type WorkerProcess,
} from './dispatch-fixture.ts';
import {
  adminOf,
  emptyDatabase,
  fire,
  LEASE_MS,
  multiServerSettings,
  schedulerOf,
  slowTrigger,
  tenantOf,
} from './multi-server-fixture.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';
import { connectWorker, eventually, openSession } from './workers-fixture.ts';

// Two servers over one PostgreSQL database, three worker processes that know both: exactly one
// server holds the scheduler role, both answer triggers with the output, and what an operator
// does through the other server reaches the scheduler's sessions.

let db: TempoDatabase;
let a: ServerProcess;
let b: ServerProcess;
let scheduler: ServerProcess;
let other: ServerProcess;
let target: SlowTarget;
const workers: WorkerProcess[] = [];
const WORKER_IDS = ['wrk_multi_1', 'wrk_multi_2', 'wrk_multi_gpu'] as const;

const workerRow = async (admin: TempoClient, id: string) =>
  (await admin.raw('GET', `/v1.0/workers/${id}`)).body as {
    state: string;
    enabled: boolean;
    drainMode: boolean;
    latestSession: { id: string; disconnectedUtc: string | null; disconnectReason: string | null } | null;
  };

const workerOf = (id: string) => workers.find((worker) => worker.id === id) as WorkerProcess;

beforeAll(async () => {
  db = await emptyDatabase();
  target = await startSlowTarget();
  a = await startServerProcess(multiServerSettings());
  b = await startServerProcess(multiServerSettings());
  const holder = await eventually(() => schedulerOf(db, [a, b]).then((found) => found ?? undefined), 20_000);
  scheduler = holder;
  other = holder === a ? b : a;
  // Each worker knows the non-scheduler first: it is refused there and moves on at once.
  for (const id of WORKER_IDS)
    workers.push(
      await startWorkerProcess(adminOf(other), other.baseUrl, id, {
        serverEndpoints: [scheduler.baseUrl],
        labels: id === 'wrk_multi_gpu' ? ['gpu'] : [],
      }),
    );
}, 180_000);

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  await a?.stop();
  await b?.stop();
  await target?.close();
  await db?.close();
});

describe('two servers, one scheduler, three workers (PostgreSQL)', () => {
  it('gives the scheduler role to exactly one server, and the workers connect to it only', async () => {
    const lease = await db.repositories.schedulerLeases.read('scheduler');
    expect(lease?.epoch).toBe(1);
    expect(await schedulerOf(db, [a, b])).toBe(scheduler);
    expect(other.output()).toMatch(/another server holds the scheduler role/);
    expect(other.output()).toMatch(/worker session refused: this server does not hold the scheduler role/);
    expect(scheduler.output()).not.toMatch(/worker session refused/);
    // The live sessions are all on the scheduler.
    const fleet = async (server: ServerProcess) =>
      ((await adminOf(server).raw('GET', '/v1.0/workers/summary')).body as { liveSessionCount: number })
        .liveSessionCount;
    expect(await fleet(scheduler)).toBe(3);
    expect(await fleet(other)).toBe(0);
  });

  it('answers triggers sent to either server with the output, spreading runs over the three workers', async () => {
    const tenant = await tenantOf(a);
    const trigger = await slowTrigger(tenant, target, 'multi_spread', 400);
    const answers = await Promise.all(
      Array.from({ length: 18 }, (_, index) => fire(index % 2 === 0 ? a : b, trigger.id)),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      // The REST step's output: the target's answer, its body base64.
      const output = JSON.parse(answer.body) as { StatusCode: number; ResponseBody: string };
      expect(output.StatusCode).toBe(200);
      expect(JSON.parse(Buffer.from(output.ResponseBody, 'base64').toString('utf8'))).toEqual({ ok: true });
      expect(WORKER_IDS).toContain(answer.workerId);
    }
    expect(new Set(answers.map((answer) => answer.workerId))).toEqual(new Set(WORKER_IDS));
    // Figures for the docs: a call through the other server waits for the scheduler's next pass.
    const median = (server: ServerProcess) => {
      const times = answers
        .filter((_, index) => (index % 2 === 0 ? a : b) === server)
        .map((x) => x.elapsedMs);
      return times.sort((x, y) => x - y)[Math.floor(times.length / 2)];
    };
    console.log(
      `multi-server trigger figures (400 ms step, 18 calls at once): median ms via scheduler ${median(scheduler)}, via the other server ${median(other)}`,
    );
  }, 60_000);

  it('places a labelled flow only on the worker carrying the label', async () => {
    const tenant = await tenantOf(b);
    const trigger = await slowTrigger(tenant, target, 'multi_gpu', 50, 'gpu');
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) => fire(index % 2 === 0 ? a : b, trigger.id)),
    );
    expect(answers.map((answer) => [answer.status, answer.workerId])).toEqual(
      answers.map(() => [200, 'wrk_multi_gpu']),
    );
  }, 60_000);

  it('applies drain and resume made through the non-scheduler to the worker session', async () => {
    const admin = adminOf(other);
    const tenant = await tenantOf(other);
    const trigger = await slowTrigger(tenant, target, 'multi_drain', 200);
    await admin.raw('POST', '/v1.0/workers/wrk_multi_1/drain');
    await eventually(async () =>
      /drain: taking no new runs/.test(workerOf('wrk_multi_1').output()) ? true : undefined,
    );
    const drained = await Promise.all(Array.from({ length: 8 }, () => fire(other, trigger.id)));
    expect(drained.every((answer) => answer.status === 200 && answer.workerId !== 'wrk_multi_1')).toBe(true);
    await admin.raw('POST', '/v1.0/workers/wrk_multi_1/resume');
    await eventually(async () =>
      /resume: taking runs again/.test(workerOf('wrk_multi_1').output()) ? true : undefined,
    );
    const resumed = await Promise.all(Array.from({ length: 9 }, () => fire(other, trigger.id)));
    expect(resumed.some((answer) => answer.workerId === 'wrk_multi_1')).toBe(true);
  }, 60_000);

  it('closes the session of a worker blocked through the non-scheduler, and lets it back after unblock', async () => {
    const admin = adminOf(other);
    const before = await workerRow(admin, 'wrk_multi_2');
    await admin.raw('POST', '/v1.0/workers/wrk_multi_2/block');
    const blocked = await eventually(async () => {
      const row = await workerRow(admin, 'wrk_multi_2');
      return row.latestSession?.id === before.latestSession?.id && row.latestSession?.disconnectedUtc
        ? row
        : undefined;
    });
    expect(blocked).toMatchObject({ state: 'Offline', enabled: false });
    expect(blocked.latestSession?.disconnectReason).toBe('worker_blocked');
    await admin.raw('POST', '/v1.0/workers/wrk_multi_2/unblock');
    const back = await eventually(async () => {
      const row = await workerRow(admin, 'wrk_multi_2');
      return row.state === 'Online' && row.latestSession?.id !== before.latestSession?.id ? row : undefined;
    }, 60_000);
    // Null properties are left out of answers.
    expect(back.latestSession?.disconnectedUtc ?? null).toBeNull();
  }, 90_000);

  it('keeps the session of a worker whose token is rotated through the non-scheduler, and refuses a wrong token', async () => {
    const admin = adminOf(other);
    const before = await workerRow(admin, 'wrk_multi_gpu');
    const issued = (await admin.raw('POST', '/v1.0/workers/wrk_multi_gpu/rotate-token')).body as {
      token: string;
    };
    // Spec §5: rotation leaves an open session running; the next passes of the scheduler keep it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await workerRow(admin, 'wrk_multi_gpu');
    expect(after.latestSession).toEqual(before.latestSession);
    expect(after.state).toBe('Online');
    // The new token authenticates; the non-scheduler then refuses the session itself.
    const refused = await connectWorker(other.baseUrl, 'wrk_multi_gpu', issued.token);
    expect(await refused.closed).toEqual({ code: 1013, reason: 'not the scheduler' });
    const wrong = await connectWorker(scheduler.baseUrl, 'wrk_multi_gpu', `${issued.token.slice(0, -1)}#`);
    expect(await wrong.closed).toEqual({ code: 1008, reason: 'worker authentication failed' });
  }, 30_000);

  it('closes a session that breaks the protocol, with the reason logged', async () => {
    const admin = adminOf(scheduler);
    const issued = (await admin.raw('POST', '/v1.0/workers/wrk_multi_probe/rotate-token')).body as {
      token: string;
    };
    // Advertises nothing any flow needs: no run is ever placed on it.
    const { socket } = await openSession(scheduler.baseUrl, 'wrk_multi_probe', issued.token, {
      labels: [],
      capabilities: [],
    });
    socket.send({ type: 'assign', workerId: 'wrk_multi_probe' });
    expect(await socket.closed).toEqual({ code: 1008, reason: 'invalid worker frame' });
    await eventually(async () =>
      /worker session closed: protocol violation/.test(scheduler.output()) ? true : undefined,
    );
  }, 30_000);

  it('lets a server without the role that executes workload run its own trigger calls', async () => {
    const settings = multiServerSettings();
    const executing = await startServerProcess({
      ...settings,
      engine: { ...settings.engine, serverCanExecuteWorkload: true },
    });
    try {
      expect(await schedulerOf(db, [a, b, executing])).toBe(scheduler);
      const tenant = await tenantOf(executing);
      const { trigger } = await createBuiltinTrigger(tenant, 'multi.local_method');
      const rest = await slowTrigger(tenant, target, 'multi_local_rest', 50);
      // No session is live here, so both run on this server's own slots, as on a single server.
      for (const id of [trigger.id, rest.id]) {
        const answer = await fire(executing, id);
        expect(answer).toMatchObject({ status: 200, workerId: 'wrk_local_server' });
      }
    } finally {
      await executing.stop();
    }
  }, 90_000);

  it('hands the role over at once when the scheduler stops gracefully, and the workers follow', async () => {
    const tenant = await tenantOf(other);
    const trigger = await slowTrigger(tenant, target, 'multi_handover', 50);
    const before = await db.repositories.schedulerLeases.read('scheduler');
    await scheduler.stop();
    const stoppedMs = Date.now();
    await eventually(async () => ((await schedulerOf(db, [other])) === other ? true : undefined), 10_000);
    const handoverMs = Date.now() - stoppedMs;
    // The lease was released: no waiting for it to lapse, one look (a poll) is enough.
    expect(handoverMs).toBeLessThan(LEASE_MS);
    expect((await db.repositories.schedulerLeases.read('scheduler'))?.epoch).toBe((before?.epoch ?? 0) + 1);
    await eventually(async () => {
      const summary = (await adminOf(other).raw('GET', '/v1.0/workers/summary')).body as {
        liveSessionCount: number;
      };
      // wrk_multi_gpu's token was rotated above: its process holds the old one and stays out.
      return summary.liveSessionCount === 2 ? true : undefined;
    }, 30_000);
    console.log(`graceful handover figures: role taken ${handoverMs} ms after the holder stopped`);
    expect(await fire(other, trigger.id)).toMatchObject({ status: 200 });
  }, 60_000);
});
