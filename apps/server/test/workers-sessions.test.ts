import { join } from 'node:path';
import { TempoClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';
import { connectWorker, eventually, helloOf, openSession, stepRunOf } from './workers-fixture.ts';

// A short heartbeat timeout (the smallest the setting takes) so a silent worker is found quickly.
const HEARTBEAT_TIMEOUT_MS = 1000;

let server: ServerProcess;
let admin: TempoClient;

beforeAll(async () => {
  server = await startServerProcess({ engine: { workerHeartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS } });
  admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const rotate = async (id: string): Promise<string> => {
  const answer = await admin.raw('POST', `/v1.0/workers/${id}/rotate-token`);
  expect(answer.status).toBe(200);
  return (answer.body as { token: string }).token;
};

const workerOf = async (id: string) =>
  (await admin.raw('GET', `/v1.0/workers/${id}`)).body as {
    state: string;
    drainMode: boolean;
    labels: string[];
    capabilities: unknown[];
    maxConcurrentRuns: number;
    latestSession: { id: string; disconnectReason?: string; disconnectedUtc?: string } | null;
  };

/** `token` with its last character changed (never to itself, as a fixed 'x' would be 1 time in 64). */
const wrongBy1 = (token: string): string => `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;

const refused = { code: 1008, reason: 'worker authentication failed' };

describe('worker connect endpoint', () => {
  it('refuses unknown workers, wrong and old tokens, and workers without a token', async () => {
    const token = await rotate('wrk_auth');
    const closes = [
      await (await connectWorker(server.baseUrl, 'wrk_unknown', token)).closed,
      await (await connectWorker(server.baseUrl, 'wrk_auth', wrongBy1(token))).closed,
      await (await connectWorker(server.baseUrl, 'wrk_auth', '')).closed,
      await (await connectWorker(server.baseUrl, 'wrk_local_server', token)).closed,
    ];
    expect(closes).toEqual([refused, refused, refused, refused]);
    const fresh = await rotate('wrk_auth');
    expect(await (await connectWorker(server.baseUrl, 'wrk_auth', token)).closed).toEqual(refused);
    const { socket, ack } = await openSession(server.baseUrl, 'wrk_auth', fresh);
    expect(ack).toMatchObject({ type: 'hello-ack', workerId: 'wrk_auth', protocolVersion: '1.0' });
    socket.close();
    await socket.closed;
    expect(server.output()).toMatch(/worker connection refused: authentication failed/);
  });

  it('registers a hello: session, worker Online with its terms, hello-ack by the spec', async () => {
    const token = await rotate('wrk_hello');
    const { socket, ack, sessionId } = await openSession(server.baseUrl, 'wrk_hello', token, {
      maxConcurrentRuns: 0,
      labels: ['gpu', ' GPU ', 'linux'],
    });
    expect(ack).toEqual({
      type: 'hello-ack',
      protocolVersion: '1.0',
      workerId: 'wrk_hello',
      workerSessionId: expect.stringMatching(/^wse_/),
      heartbeatIntervalMs: 1000,
      heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
      leaseDurationMs: 300_000,
      drainMode: false,
    });
    expect(await workerOf('wrk_hello')).toMatchObject({
      state: 'Online',
      labels: ['gpu', 'linux'],
      maxConcurrentRuns: 1,
      capabilities: [
        {
          executionKey: '*',
          tenantScope: '*',
          sourceKind: 'Artifact',
          runtimeKey: 'Artifact.Process',
          signatureHash: '*',
        },
      ],
      latestSession: { id: sessionId },
    });
    const activity = (await admin.raw('GET', '/v1.0/workers/wrk_hello/activity')).body as {
      items: { eventType: string; payloadJson?: string }[];
    };
    const hello = activity.items.find((item) => item.eventType === 'hello');
    expect(JSON.parse(hello?.payloadJson ?? '{}')).toMatchObject({
      workerId: 'wrk_hello',
      labels: ['gpu', ' GPU ', 'linux'],
    });
    socket.close();
    expect(
      (
        await eventually(async () => {
          const worker = await workerOf('wrk_hello');
          return worker.state === 'Offline' ? worker : undefined;
        })
      ).latestSession,
    ).toMatchObject({ id: sessionId, disconnectReason: 'test done' });
  });

  it('closes a session whose first frame is not a hello of this worker', async () => {
    const token = await rotate('wrk_bad_hello');
    const cases: readonly (readonly [string | Buffer, boolean, string])[] = [
      [Buffer.from([1, 2, 3]), true, 'expected hello frame'],
      ['{not json', false, 'invalid hello frame'],
      [JSON.stringify({ type: 'heartbeat' }), false, 'invalid hello frame'],
      [JSON.stringify(helloOf('wrk_someone_else')), false, 'invalid hello frame'],
      [JSON.stringify(helloOf('wrk_bad_hello', { protocolVersion: '2.0' })), false, 'invalid hello frame'],
    ];
    for (const [data, binary, reason] of cases) {
      const socket = await connectWorker(server.baseUrl, 'wrk_bad_hello', token);
      socket.sendRaw(data, binary);
      expect(await socket.closed).toEqual({ code: 1008, reason });
      expect(socket.frames).toEqual([]);
    }
    expect(server.output()).toMatch(/hello workerId wrk_someone_else is not the authenticated worker/);
    // Nothing registered: no session (null fields are left out of answers).
    expect((await workerOf('wrk_bad_hello')).latestSession ?? null).toBeNull();
  });

  it('closes a live session on any frame that breaks the protocol, and logs why', async () => {
    const token = await rotate('wrk_garbage');
    const heartbeat = (sessionId: string, fields: object = {}) => ({
      type: 'heartbeat',
      workerId: 'wrk_garbage',
      workerSessionId: sessionId,
      activeRuns: 0,
      sentUtc: new Date().toISOString(),
      ...fields,
    });
    const cases: readonly ((sessionId: string) => string)[] = [
      () => 'garbage',
      () => JSON.stringify({ workerId: 'wrk_garbage' }),
      () => JSON.stringify({ type: 'launch' }),
      (id) => JSON.stringify(heartbeat(id, { workerSessionId: 'wse_not_mine' })),
      (id) => JSON.stringify(heartbeat(id, { workerId: 'wrk_other' })),
      (id) => JSON.stringify(helloOf('wrk_garbage', { sessionId: id })),
      (id) => JSON.stringify(heartbeat(id, { activeRuns: -1 })),
      // A refusal's reason is bounded: one of 16 MiB was once kept whole in the activity trail.
      (id) =>
        JSON.stringify({
          type: 'assign-ack',
          workerId: 'wrk_garbage',
          workerSessionId: id,
          runAssignmentId: 'ras_any',
          leaseToken: 'lease',
          accepted: false,
          message: 'r'.repeat(1025),
        }),
      // A step run wider than its column: PostgreSQL refused the whole batch of completions once.
      (id) =>
        JSON.stringify({
          type: 'run-completed',
          completion: {
            flowRunId: 'run_any',
            runAssignmentId: 'ras_any',
            workerId: 'wrk_garbage',
            workerSessionId: id,
            leaseToken: 'lease',
            finalState: 'Succeeded',
            outputData: null,
            stepRuns: [stepRunOf({ stepId: 'x'.repeat(300) })],
            completedUtc: new Date().toISOString(),
          },
        }),
    ];
    for (const frame of cases) {
      const { socket, sessionId } = await openSession(server.baseUrl, 'wrk_garbage', token);
      socket.sendRaw(frame(sessionId));
      expect(await socket.closed).toEqual({ code: 1008, reason: 'invalid worker frame' });
      const ended = await eventually(async () => {
        const worker = await workerOf('wrk_garbage');
        return worker.latestSession?.disconnectedUtc ? worker : undefined;
      });
      expect(ended.latestSession).toMatchObject({ id: sessionId, disconnectReason: 'invalid worker frame' });
    }
    const log = server.output();
    for (const problem of [
      'not JSON',
      'no type',
      'unknown type \\"launch\\"',
      'hello after the session started',
      'not this session',
    ])
      expect(log).toContain(problem);
  });

  it('keeps a session alive on heartbeats and records completions nobody claims as orphan_completion', async () => {
    const token = await rotate('wrk_beats');
    const { socket, sessionId } = await openSession(server.baseUrl, 'wrk_beats', token);
    const beat = () =>
      socket.send({
        type: 'heartbeat',
        workerId: 'wrk_beats',
        workerSessionId: sessionId,
        activeRuns: 1,
        sentUtc: new Date().toISOString(),
      });
    for (let i = 0; i < 6; i++) {
      beat();
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(socket.frames.map((frame) => frame.type)).toEqual(['hello-ack']);
    socket.send({
      type: 'run-completed',
      completion: {
        flowRunId: 'run_nowhere',
        runAssignmentId: 'ras_nowhere',
        workerId: 'wrk_beats',
        workerSessionId: sessionId,
        leaseToken: 'non_nowhere',
        finalState: 'Succeeded',
        completedUtc: new Date().toISOString(),
      },
    });
    socket.send({
      type: 'assign-ack',
      workerId: 'wrk_beats',
      workerSessionId: sessionId,
      runAssignmentId: 'ras_nowhere',
      leaseToken: 'non_nowhere',
      accepted: false,
      message: 'Worker is draining',
    });
    const events = await eventually(async () => {
      const activity = (await admin.raw('GET', '/v1.0/workers/wrk_beats/activity')).body as {
        items: { eventType: string; severity: string; flowRunId?: string; message?: string }[];
      };
      return activity.items.some((item) => item.eventType === 'assign-ack') ? activity.items : undefined;
    });
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          eventType: 'orphan_completion',
          severity: 'Warning',
          flowRunId: 'run_nowhere',
        }),
        expect.objectContaining({
          eventType: 'assign-ack',
          severity: 'Warning',
          message: 'Worker is draining',
        }),
      ]),
    );
    expect((await workerOf('wrk_beats')).state).toBe('Online');
    socket.close();
    await socket.closed;
  });

  it('ends a silent session with drain heartbeat_timeout and marks the worker Offline', async () => {
    const token = await rotate('wrk_silent');
    const { socket, sessionId } = await openSession(server.baseUrl, 'wrk_silent', token);
    const drain = await socket.next('drain', 5000);
    expect(drain).toEqual({ type: 'drain', workerId: 'wrk_silent', message: 'heartbeat_timeout' });
    expect((await socket.closed).reason).toBe('heartbeat_timeout');
    const worker = await eventually(async () => {
      const read = await workerOf('wrk_silent');
      return read.state === 'Offline' ? read : undefined;
    });
    expect(worker.latestSession).toMatchObject({ id: sessionId, disconnectReason: 'heartbeat_timeout' });
  });

  it('supersedes an older session of the same worker', async () => {
    const token = await rotate('wrk_twice');
    const first = await openSession(server.baseUrl, 'wrk_twice', token);
    const second = await openSession(server.baseUrl, 'wrk_twice', token);
    expect(await first.socket.next('drain')).toEqual({
      type: 'drain',
      workerId: 'wrk_twice',
      message: 'superseded_session',
    });
    expect((await first.socket.closed).reason).toBe('superseded_session');
    const sessions = (await admin.raw('GET', '/v1.0/workers/wrk_twice/sessions')).body as {
      items: { id: string; disconnectReason?: string; disconnectedUtc?: string }[];
    };
    expect(sessions.items).toEqual([
      expect.objectContaining({ id: second.sessionId }),
      expect.objectContaining({ id: first.sessionId, disconnectReason: 'superseded_session' }),
    ]);
    expect(sessions.items[0]?.disconnectedUtc).toBeUndefined();
    expect((await workerOf('wrk_twice')).state).toBe('Online');
    second.socket.close();
    await second.socket.closed;
  });

  it('refuses a worker opening sessions faster than its budget, writing nothing for the refused hello', async () => {
    const token = await rotate('wrk_churn');
    const startedMs = Date.now();
    let opened = 0;
    let refusal: { code: number; reason: string } | null = null;
    // 20 at once, then one every 6 s: a reconnect loop is refused well before 40.
    while (refusal === null && opened < 40) {
      const socket = await connectWorker(server.baseUrl, 'wrk_churn', token);
      socket.send(helloOf('wrk_churn'));
      const first = await Promise.race([socket.next('hello-ack').then(() => null), socket.closed]);
      if (first !== null) refusal = first;
      else {
        opened += 1;
        socket.close();
        await socket.closed;
      }
    }
    expect(refusal).toEqual({ code: 1008, reason: 'too many sessions' });
    expect(opened).toBeGreaterThanOrEqual(20);
    expect(opened).toBeLessThanOrEqual(20 + Math.ceil((Date.now() - startedMs) / 6000));
    const sessions = (await admin.raw('GET', '/v1.0/workers/wrk_churn/sessions?pageSize=100')).body as {
      totalCount: number;
    };
    expect(sessions.totalCount).toBe(opened);
    expect(server.output()).toMatch(/too many sessions/);
  });

  it('pushes drain and resume to a live session and persists drain across reconnects', async () => {
    const token = await rotate('wrk_drain');
    const { socket } = await openSession(server.baseUrl, 'wrk_drain', token);
    expect((await admin.raw('POST', '/v1.0/workers/wrk_drain/drain')).body).toMatchObject({
      drainMode: true,
    });
    expect(await socket.next('drain')).toEqual({
      type: 'drain',
      workerId: 'wrk_drain',
      message: 'operator_request',
    });
    expect((await admin.raw('POST', '/v1.0/workers/wrk_drain/resume')).body).toMatchObject({
      drainMode: false,
    });
    expect(await socket.next('resume')).toEqual({
      type: 'resume',
      workerId: 'wrk_drain',
      message: 'operator_request',
    });
    await admin.raw('POST', '/v1.0/workers/wrk_drain/drain');
    socket.close();
    await socket.closed;
    const again = await openSession(server.baseUrl, 'wrk_drain', token);
    expect(again.ack.drainMode).toBe(true);
    again.socket.close();
    await again.socket.closed;
  });

  it('closes the live session of a blocked worker and refuses it until unblocked', async () => {
    const token = await rotate('wrk_block');
    const { socket, sessionId } = await openSession(server.baseUrl, 'wrk_block', token);
    const blocked = await admin.raw('POST', '/v1.0/workers/wrk_block/block');
    expect(blocked.body).toMatchObject({ enabled: false, state: 'Offline' });
    expect(await socket.closed).toEqual({ code: 1008, reason: 'worker_blocked' });
    expect((await workerOf('wrk_block')).latestSession).toMatchObject({
      id: sessionId,
      disconnectReason: 'worker_blocked',
    });
    expect(await (await connectWorker(server.baseUrl, 'wrk_block', token)).closed).toEqual(refused);
    await admin.raw('POST', '/v1.0/workers/wrk_block/unblock');
    const back = await openSession(server.baseUrl, 'wrk_block', token);
    expect(back.ack.workerId).toBe('wrk_block');
    back.socket.close();
    await back.socket.closed;
  });

  it('keeps a live session across token rotation, while the old token opens no new one', async () => {
    const token = await rotate('wrk_rotate');
    const { socket, sessionId } = await openSession(server.baseUrl, 'wrk_rotate', token);
    const fresh = await rotate('wrk_rotate');
    socket.send({
      type: 'heartbeat',
      workerId: 'wrk_rotate',
      workerSessionId: sessionId,
      activeRuns: 0,
      sentUtc: new Date().toISOString(),
    });
    expect(await (await connectWorker(server.baseUrl, 'wrk_rotate', token)).closed).toEqual(refused);
    expect((await workerOf('wrk_rotate')).latestSession).toMatchObject({ id: sessionId });
    expect((await workerOf('wrk_rotate')).latestSession?.disconnectedUtc).toBeUndefined();
    const next = await openSession(server.baseUrl, 'wrk_rotate', fresh);
    expect((await socket.closed).reason).toBe('superseded_session');
    next.socket.close();
    await next.socket.closed;
  });

  it('answers upgrades to other paths 404', async () => {
    const answer = await new Promise<number>((resolve) => {
      import('ws').then(({ default: WebSocket }) => {
        const socket = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/v1.0/api/health`);
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('error', () => undefined);
      });
    });
    expect(answer).toBe(404);
  });

  it('sends drain server_stopped to live workers and ends their sessions when the server stops', async () => {
    const token = await rotate('wrk_stop');
    const { socket, sessionId } = await openSession(server.baseUrl, 'wrk_stop', token);
    await server.stop({ keepDataDir: true });
    expect(socket.frames.find((frame) => frame.type === 'drain')).toEqual({
      type: 'drain',
      workerId: 'wrk_stop',
      message: 'server_stopped',
    });
    expect((await socket.closed).reason).toBe('server_stopped');
    const database = await openDatabase({ type: 'Sqlite', filename: join(server.dataDir, 'tempo.db') });
    try {
      expect(await database.repositories.workerSessions.get(sessionId)).toMatchObject({
        disconnectReason: 'server_stopped',
      });
      expect(await database.repositories.workers.get('wrk_stop')).toMatchObject({ state: 'Offline' });
      expect(await database.repositories.workers.get('wrk_local_server')).toMatchObject({ state: 'Offline' });
    } finally {
      await database.close();
    }
    // Started again on the same folder for the afterAll stop, which removes it.
    server = await startServerProcess({}, server.dataDir);
  });
});
