import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleSteps } from './api-fixture.ts';
import {
  type ServerProcess,
  type SettingsOverrides,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from './server-process.ts';

/** A server with an admin client on its first tenant and an HTTP trigger of a one-step flow. */
interface ThrottleServer {
  readonly server: ServerProcess;
  readonly anonymous: TempoClient;
  readonly admin: TempoClient;
  readonly tenant: TenantClient;
  readonly flowId: string;
  readonly triggerId: string;
}

const startThrottleServer = async (overrides: SettingsOverrides = {}): Promise<ThrottleServer> => {
  const server = await startServerProcess(overrides);
  const anonymous = new TempoClient({ baseUrl: server.baseUrl });
  const admin = anonymous.withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  const tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
  const tenant = admin.tenant(tenantId);
  await createSampleSteps(tenant, server.baseUrl, { method: 'sample.method', rest: 'sample.rest' });
  const flow = await tenant.flows.create({
    name: 'Address probe',
    startStepId: 'sample.method',
    transitions: { 'sample.method': {} },
  });
  const trigger = await tenant.triggers.create({ name: 'Address probe', dataFlowId: flow.id });
  return { server, anonymous, admin, tenant, flowId: flow.id, triggerId: trigger.id };
};

/** One sign-in attempt that claims to come from `forwardedFor`; answers status and error message. */
const signIn = async (s: ThrottleServer, email: string, password: string, forwardedFor: string) => {
  const answer = await s.anonymous.raw('POST', '/v1.0/token', {
    body: { email, password },
    headers: { 'x-forwarded-for': forwardedFor },
  });
  const body = answer.body as { message?: string } | undefined;
  return { status: answer.status, message: body?.message ?? '' };
};

/** Fires the trigger claiming `forwardedFor`; answers the run's and the request-history row's sourceIp. */
const triggerSourceIps = async (s: ThrottleServer, forwardedFor: string) => {
  const answer = await s.anonymous.raw('POST', `/v1.0/triggers/http/${s.triggerId}`, {
    body: { probe: forwardedFor },
    headers: { 'x-forwarded-for': forwardedFor },
  });
  expect(answer.status).toBe(200);
  const run = await s.tenant.runs.get(answer.headers['x-run-id'] ?? '');
  const database = await openDatabase({ type: 'Sqlite', filename: join(s.server.dataDir, 'tempo.db') });
  try {
    // The history row is written after the answer leaves, so it may take a moment to appear.
    for (let i = 0; i < 100; i++) {
      const rows = await database.repositories.requestHistory.find({
        url: `/v1.0/triggers/http/${s.triggerId}`,
      });
      const row = rows.find((candidate) => candidate.requestBody === JSON.stringify({ probe: forwardedFor }));
      if (row) return { run: run.sourceIp, history: row.sourceIp };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('no request-history row for the trigger call');
  } finally {
    await database.close();
  }
};

describe('with no trusted proxy (the default)', () => {
  let s: ThrottleServer;
  beforeAll(async () => {
    s = await startThrottleServer();
  });
  afterAll(async () => {
    await s?.server.stop();
  });

  it('ignores a client X-Forwarded-For: rotating it does not escape the per-address sign-in limits', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 65; i++) {
      const spoofed = `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
      statuses.push((await signIn(s, `junk-${i}@example.test`, 'wrong', spoofed)).status);
    }
    expect(statuses.slice(0, 30)).toEqual(Array.from({ length: 30 }, () => 401));
    expect(statuses.slice(30)).toEqual(Array.from({ length: 35 }, () => 429));
  }, 60_000);

  it('records the socket address, not a client X-Forwarded-For, as sourceIp of runs and request history', async () => {
    expect(await triggerSourceIps(s, '203.0.113.50')).toEqual({ run: '127.0.0.1', history: '127.0.0.1' });
    const direct = await s.admin.raw('POST', `/v1.0/tenants/${s.tenant.tenantId}/flows/${s.flowId}/runs`, {
      body: { data: { n: 1 } },
      headers: { 'x-forwarded-for': '203.0.113.51' },
    });
    expect(direct.status).toBe(201);
    expect((direct.body as { sourceIp?: string }).sourceIp).toBe('127.0.0.1');
  });
});

describe('with a trusted proxy', () => {
  let s: ThrottleServer;
  beforeAll(async () => {
    s = await startThrottleServer({ rest: { trustedProxies: ['127.0.0.1'] } });
  });
  afterAll(async () => {
    await s?.server.stop();
  });

  it('takes the client address from X-Forwarded-For for sourceIp, the nearest untrusted hop first', async () => {
    expect(await triggerSourceIps(s, '198.51.100.23')).toEqual({
      run: '198.51.100.23',
      history: '198.51.100.23',
    });
    // Whatever the client wrote before the proxy's own entry is not believed.
    expect(await triggerSourceIps(s, '10.9.9.9, 198.51.100.24')).toEqual({
      run: '198.51.100.24',
      history: '198.51.100.24',
    });
  });

  it('refuses an address that sprays made-up accounts, while the owner it guessed at still signs in elsewhere', async () => {
    const attacker = '203.0.113.7';
    const victim = 'user@tempo.local';
    for (let i = 0; i < 10; i++) expect((await signIn(s, victim, `guess-${i}`, attacker)).status).toBe(401);
    // Ten guesses lock the victim for the attacker's address only.
    const pairLocked = await signIn(s, victim, 'password', attacker);
    expect(pairLocked).toMatchObject({
      status: 429,
      message: expect.stringMatching(/for this account from this address/),
    });
    // A spray of made-up accounts from the same address is refused once the address has 30 failures.
    const spray: { status: number; message: string }[] = [];
    for (let i = 0; i < 40; i++) spray.push(await signIn(s, `junk-${i}@example.test`, 'wrong', attacker));
    expect(spray.slice(0, 20).map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 401));
    expect(spray.slice(20).map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 429));
    expect(spray[20]?.message).toMatch(/from this address/);
    expect((await signIn(s, victim, 'password', attacker)).status).toBe(429);
    // The owner, from another address, is not locked out by any of it.
    expect((await signIn(s, victim, 'password', '198.51.100.9')).status).toBe(200);
    expect((await signIn(s, 'admin@tempo.local', 'password', '198.51.100.9')).status).toBe(200);
  }, 60_000);

  it('throttles passwords sent as x-email/x-password headers like sign-ins, sharing their counts', async () => {
    const viaHeaders = (password: string, forwardedFor: string) =>
      s.anonymous.raw('GET', '/v1.0/tenants', {
        headers: { 'x-email': 'admin@tempo.local', 'x-password': password, 'x-forwarded-for': forwardedFor },
      });
    for (let i = 0; i < 10; i++) expect((await viaHeaders(`guess-${i}`, '203.0.113.50')).status).toBe(401);
    // Ten guesses through the headers lock the account from that address for both ways of
    // sending a password ...
    expect((await viaHeaders('password', '203.0.113.50')).status).toBe(429);
    expect((await signIn(s, 'admin@tempo.local', 'password', '203.0.113.50')).status).toBe(429);
    // ... and for no other address.
    expect((await viaHeaders('password', '198.51.100.60')).status).toBe(200);
  }, 60_000);
});

describe('the rest.trustedProxies setting', () => {
  it('stops start-up, naming the setting, when an entry is not an address or a range', async () => {
    const failure = await startServerProcess({ rest: { trustedProxies: ['proxy.example'] } }).then(
      (server) => server.stop().then(() => null),
      (error: unknown) => String(error),
    );
    expect(failure).toMatch(/rest\.trustedProxies\.0 must be an IP address/);
  });

  it('is read from TEMPO_REST_TRUSTED_PROXIES, which is checked the same way', async () => {
    process.env.TEMPO_REST_TRUSTED_PROXIES = '127.0.0.1, 0.0.0.0/0';
    try {
      const failure = await startServerProcess().then(
        (server) => server.stop().then(() => null),
        (error: unknown) => String(error),
      );
      // The file names no trusted proxy, so the second entry can only have come from the variable.
      expect(failure).toMatch(/rest\.trustedProxies\.1 must be an IP address/);
    } finally {
      delete process.env.TEMPO_REST_TRUSTED_PROXIES;
    }
  });
});
