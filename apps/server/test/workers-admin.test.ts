import { join } from 'node:path';
import type { TempoClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import { openSession } from './workers-fixture.ts';

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture();
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

/** Every admin route of the worker registry, aimed at `id`. */
const adminRoutes = (id: string): readonly (readonly [string, string])[] => [
  ['GET', '/v1.0/workers'],
  ['GET', '/v1.0/workers/summary'],
  ['GET', `/v1.0/workers/${id}`],
  ['GET', `/v1.0/workers/${id}/sessions`],
  ['GET', `/v1.0/workers/${id}/activity`],
  ['POST', `/v1.0/workers/${id}/drain`],
  ['POST', `/v1.0/workers/${id}/resume`],
  ['POST', `/v1.0/workers/${id}/block`],
  ['POST', `/v1.0/workers/${id}/unblock`],
  ['POST', `/v1.0/workers/${id}/rotate-token`],
];

const rotate = async (id: string) => {
  const answer = await f.admin.raw('POST', `/v1.0/workers/${id}/rotate-token`);
  expect(answer.status).toBe(200);
  return answer.body as { workerId: string; token: string; issuedUtc: string };
};

const storedHashOf = async (id: string): Promise<string | null> => {
  const database = await openDatabase({ type: 'Sqlite', filename: join(f.server.dataDir, 'tempo.db') });
  try {
    return (await database.repositories.workers.get(id))?.tokenHash ?? null;
  } finally {
    await database.close();
  }
};

describe('worker admin routes', () => {
  it('answer anonymous callers 401 and tenant users, tenant administrators included, 403', async () => {
    const id = 'wrk_guarded';
    const failures: string[] = [];
    const callers: readonly (readonly [string, TempoClient, number])[] = [
      ['anonymous', f.anonymous, 401],
      ['tenant administrator', f.as.Administrator, 403],
      ["tenant B's administrator", f.tenantBUser, 403],
      ['read-only user', f.as.ReadOnly, 403],
    ];
    for (const [who, caller, status] of callers)
      for (const [method, path] of adminRoutes(id)) {
        const answer = await caller.raw(method, path);
        const code = (answer.body as { error?: string } | null)?.error;
        const expectedCode = status === 401 ? 'Unauthorized' : 'Forbidden';
        if (answer.status !== status || code !== expectedCode)
          failures.push(`${who} ${method} ${path}: ${answer.status} ${code}`);
      }
    expect(failures).toEqual([]);
    // The refused rotate-token calls registered nothing.
    expect((await f.admin.raw('GET', `/v1.0/workers/${id}`)).status).toBe(404);
  });

  it('registers a worker on rotate-token and shows its token only once, never its hash', async () => {
    const issued = await rotate('wrk_fresh');
    expect(issued).toMatchObject({
      workerId: 'wrk_fresh',
      token: expect.stringMatching(/^key_[0-9A-Za-z]{28}$/),
    });
    const read = await f.admin.raw('GET', '/v1.0/workers/wrk_fresh');
    expect(read.body).toMatchObject({
      id: 'wrk_fresh',
      name: 'wrk_fresh',
      kind: 'Worker',
      state: 'Offline',
      enabled: true,
      drainMode: false,
      labels: [],
      capabilities: [],
      maxConcurrentRuns: 1,
      maxTaskTimeoutMs: 0,
      activeAssignmentCount: 0,
      tokenLastRotatedUtc: issued.issuedUtc,
    });
    const hash = await storedHashOf('wrk_fresh');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(issued.token);
    const answers = [
      read,
      await f.admin.raw('GET', '/v1.0/workers', { query: { pageSize: 1000 } }),
      await f.admin.raw('GET', '/v1.0/workers/wrk_fresh/activity'),
      await f.admin.raw('POST', '/v1.0/workers/wrk_fresh/drain'),
    ];
    for (const answer of answers) {
      const text = JSON.stringify(answer.body);
      expect(text).not.toContain(issued.token);
      expect(text).not.toContain(String(hash));
      expect(text).not.toMatch(/tokenHash/i);
    }
    // A second rotation replaces the token on the same row.
    const again = await rotate('wrk_fresh');
    expect(again.token).not.toBe(issued.token);
    expect(await storedHashOf('wrk_fresh')).not.toBe(hash);
    expect(f.server.output()).not.toContain(issued.token);
    expect(f.server.output()).not.toContain(again.token);
  });

  it('lists the pseudo-worker as a Server worker and refuses it a token or a block with 409 Protected', async () => {
    const local = await f.admin.raw('GET', '/v1.0/workers/wrk_local_server');
    expect(local.body).toMatchObject({
      id: 'wrk_local_server',
      kind: 'Server',
      state: 'Online',
      enabled: true,
    });
    for (const action of ['rotate-token', 'block']) {
      const answer = await f.admin.raw('POST', `/v1.0/workers/wrk_local_server/${action}`);
      expect({ status: answer.status, error: (answer.body as { error: string }).error }).toEqual({
        status: 409,
        error: 'Protected',
      });
    }
    const drained = await f.admin.raw('POST', '/v1.0/workers/wrk_local_server/drain');
    expect(drained.body).toMatchObject({ drainMode: true });
    const resumed = await f.admin.raw('POST', '/v1.0/workers/wrk_local_server/resume');
    expect(resumed.body).toMatchObject({ drainMode: false, enabled: true });
  });

  it('filters, searches and pages the list, and counts workers in the summary', async () => {
    await rotate('wrk_filter_a');
    await rotate('wrk_filter_b');
    await f.admin.raw('POST', '/v1.0/workers/wrk_filter_b/block');
    await f.admin.raw('POST', '/v1.0/workers/wrk_filter_a/drain');
    const ids = async (query: Record<string, string | number>) =>
      ((await f.admin.raw('GET', '/v1.0/workers', { query })).body as { items: { id: string }[] }).items.map(
        (item) => item.id,
      );
    expect(await ids({ search: 'FILTER_' })).toEqual(['wrk_filter_a', 'wrk_filter_b']);
    expect(await ids({ search: 'filter', enabled: 'false' })).toEqual(['wrk_filter_b']);
    expect(await ids({ search: 'filter', drainMode: '1' })).toEqual(['wrk_filter_a']);
    expect(await ids({ search: 'filter', state: 'Online' })).toEqual([]);
    expect(await ids({ state: 'Online' })).toContain('wrk_local_server');
    const page = await f.admin.raw('GET', '/v1.0/workers', {
      query: { search: 'filter', pageSize: 1, pageNumber: 2 },
    });
    expect(page.body).toMatchObject({
      pageNumber: 2,
      pageSize: 1,
      totalCount: 2,
      items: [{ id: 'wrk_filter_b' }],
    });
    const bad = await f.admin.raw('GET', '/v1.0/workers', { query: { state: 'Sideways' } });
    expect(bad.status).toBe(400);

    const summary = (await f.admin.raw('GET', '/v1.0/workers/summary')).body as Record<string, unknown>;
    const all = (await f.admin.raw('GET', '/v1.0/workers', { query: { pageSize: 1000 } })).body as {
      items: { enabled: boolean; drainMode: boolean; state: string }[];
    };
    expect(summary).toEqual({
      totalCount: all.items.length,
      byState: {
        Online: all.items.filter((item) => item.state === 'Online').length,
        Offline: all.items.filter((item) => item.state === 'Offline').length,
      },
      enabledCount: all.items.filter((item) => item.enabled).length,
      blockedCount: all.items.filter((item) => !item.enabled).length,
      drainingCount: all.items.filter((item) => item.drainMode).length,
      liveSessionCount: 0,
      activeAssignmentCount: expect.any(Number),
    });
    expect(summary.blockedCount).toBeGreaterThanOrEqual(1);
  });

  it('answers 404 for an unknown worker and 400 for a malformed id', async () => {
    for (const [method, path] of adminRoutes('wrk_nobody').slice(2, 9)) {
      const answer = await f.admin.raw(method, path);
      expect(`${method} ${path} ${answer.status}`).toBe(`${method} ${path} 404`);
    }
    expect((await f.admin.raw('POST', '/v1.0/workers/bad%20id/rotate-token')).status).toBe(400);
  });

  it('pages sessions and activity newest first, with the latest session on the summary', async () => {
    const { token } = await rotate('wrk_history');
    const first = await openSession(f.server.baseUrl, 'wrk_history', token);
    first.socket.close();
    await first.socket.closed;
    const second = await openSession(f.server.baseUrl, 'wrk_history', token);
    const sessions = (await f.admin.raw('GET', '/v1.0/workers/wrk_history/sessions')).body as {
      totalCount: number;
      items: { id: string; disconnectedUtc?: string }[];
    };
    expect(sessions.totalCount).toBe(2);
    expect(sessions.items.map((item) => item.id)).toEqual([second.sessionId, first.sessionId]);
    const read = (await f.admin.raw('GET', '/v1.0/workers/wrk_history')).body as {
      latestSession: { id: string };
      state: string;
    };
    expect(read).toMatchObject({ state: 'Online', latestSession: { id: second.sessionId } });
    const activity = (
      await f.admin.raw('GET', '/v1.0/workers/wrk_history/activity', { query: { pageSize: 2 } })
    ).body as { pageSize: number; items: { eventType: string }[] };
    expect(activity.items.map((item) => item.eventType)).toEqual(['hello', 'worker_disconnected']);
    const summary = (await f.admin.raw('GET', '/v1.0/workers/summary')).body as { liveSessionCount: number };
    expect(summary.liveSessionCount).toBe(1);
    second.socket.close();
    await second.socket.closed;
  });
});
