import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRunEnd } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';
import {
  type ServerProcess,
  type SettingsOverrides,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from './server-process.ts';

/** Decoded size of the gzip bomb the target serves: 16 gzip members of 64 MiB of zeros each. */
const BOMB_MEMBER = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
const BOMB_MEMBERS = 16;
/** Default time limit of a REST step with `timeoutMs: 0` on the allow-listed server. */
const DEFAULT_TIMEOUT_MS = 1500;
/** How far the server's resident memory may grow while it reads the bomb. */
const RSS_BUDGET_BYTES = 50 * 1024 * 1024;
/** A run a step's error or exception ended. */
const FAILED = /^(Failed|Exception)$/;

/** Every request the target saw, by path. */
const seen = new Map<string, IncomingHttpHeaders[]>();
let target: Server;
let targetPort = 0;

const targetRoutes: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'),
  '/echo': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"echo":true}'),
  // What a chained step used to forward: an encoded body, a date, a cookie, a content type.
  '/source': (res) =>
    res
      .writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'set-cookie': 'session=from-source',
        date: 'Mon, 01 Jan 2024 00:00:00 GMT',
      })
      .end(gzipSync('{"from":"source"}')),
  '/bomb': (res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' });
    let sent = 0;
    const pump = () => {
      while (sent < BOMB_MEMBERS) {
        sent++;
        if (!res.write(BOMB_MEMBER)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => undefined);
    pump();
  },
  '/big-500': (res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('E'.repeat(8 * 1024 * 1024)),
  '/silent': () => undefined,
  '/to-metadata': (res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
};

/** Two servers: one with the shipped outbound settings, one that allows loopback targets. */
let strict: ServerProcess;
let open: ServerProcess;
let strictTenant: TenantClient;
let openTenant: TenantClient;

const tenantOf = async (server: ServerProcess) => {
  const admin = new TempoClient({ baseUrl: server.baseUrl }).withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  return admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
};

const startWith = (outboundRest: Record<string, unknown>) =>
  startServerProcess({ runtimes: { outboundRest } } satisfies SettingsOverrides);

beforeAll(async () => {
  target = createServer((req, res) => {
    const path = req.url ?? '';
    seen.set(path, [...(seen.get(path) ?? []), req.headers]);
    req.resume();
    (targetRoutes[path] ?? ((r) => r.writeHead(404).end()))(res);
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetPort = (target.address() as AddressInfo).port;
  [strict, open] = await Promise.all([
    startWith({}),
    startWith({ allowedTargets: ['127.0.0.1'], defaultTimeoutMs: DEFAULT_TIMEOUT_MS }),
  ]);
  [strictTenant, openTenant] = await Promise.all([tenantOf(strict), tenantOf(open)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([strict?.stop(), open?.stop()]);
  target?.closeAllConnections();
  await new Promise((resolve) => target?.close(resolve));
});

const targetUrl = (path: string, host = '127.0.0.1') => `http://${host}:${targetPort}${path}`;

let keys = 0;
/** The parts of a REST step's configuration a test sets; method and timeout have defaults. */
interface RestCall {
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
}

/**
 * Saves a REST step (and, given `next`, a POST step after it) and a flow running them; answers
 * the flow's id and the first step's key.
 */
const restFlow = async (tenant: TenantClient, config: RestCall, next?: RestCall) => {
  const key = `rest.${++keys}`;
  await tenant.steps.create({
    executionKey: key,
    name: key,
    runtimeKey: 'External.Rest',
    runtimeConfig: { runtimeKey: 'External.Rest', method: 'GET', headers: {}, timeoutMs: 10_000, ...config },
  });
  const transitions: Record<string, object> = { [key]: {} };
  if (next) {
    const nextKey = `${key}.next`;
    await tenant.steps.create({
      executionKey: nextKey,
      name: nextKey,
      runtimeKey: 'External.Rest',
      runtimeConfig: { runtimeKey: 'External.Rest', method: 'POST', headers: {}, timeoutMs: 10_000, ...next },
    });
    transitions[key] = { onSuccess: nextKey };
    transitions[nextKey] = {};
  }
  const flow = await tenant.flows.create({ name: `Flow ${key}`, startStepId: key, transitions });
  return { flowId: flow.id, key };
};

const runToEnd = async (tenant: TenantClient, flowId: string, data: unknown = {}, timeoutMs = 20_000) =>
  waitForRunEnd(tenant, (await tenant.flows.run(flowId, { data })).id, timeoutMs);

/** The server process that uses `server`'s data folder, found through `/proc`. */
const serverPid = (server: ServerProcess): number => {
  const candidates = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(server.dataDir) ? [Number(name)] : [];
      } catch {
        return [];
      }
    });
  // The CLI may start the server as its own node process: the one holding the most memory is it.
  const ranked = candidates.map((pid) => [pid, rssOf(pid)] as const).sort((a, b) => b[1] - a[1]);
  const pid = ranked[0]?.[0];
  if (pid === undefined) throw new Error('server process not found');
  return pid;
};

/** A process's resident memory in bytes, from `/proc`; 0 once it is gone. */
const rssOf = (pid: number): number => {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kib ?? 0) * 1024;
  } catch {
    return 0;
  }
};

describe('outbound policy (issue 11)', () => {
  it('refuses loopback, cloud metadata and their aliases by default, without connecting', async () => {
    const before = seen.get('/ok')?.length ?? 0;
    for (const url of [
      targetUrl('/ok'),
      targetUrl('/ok', 'localhost'),
      targetUrl('/ok', '[::ffff:127.0.0.1]'),
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
    ]) {
      const { flowId } = await restFlow(strictTenant, { url });
      const run = await runToEnd(strictTenant, flowId);
      expect(run.state, url).toMatch(FAILED);
      expect(run.errorMessage, url).toMatch(/refused.*runtimes\.outboundRest\.allowedTargets/);
    }
    expect(seen.get('/ok')?.length ?? 0).toBe(before);
  }, 60_000);

  it('calls a target the allow-list names, and re-checks where a redirect leads', async () => {
    const { flowId } = await restFlow(openTenant, { url: targetUrl('/ok') });
    expect((await runToEnd(openTenant, flowId)).state).toBe('Succeeded');
    const redirected = await restFlow(openTenant, { url: targetUrl('/to-metadata') });
    const run = await runToEnd(openTenant, redirected.flowId);
    expect(run.state).toMatch(FAILED);
    expect(run.errorMessage).toContain('169.254.169.254');
  });
});

describe('bounded responses (issue 22, defect 1)', () => {
  it('reads a 1 GiB gzip-expanding body within 50 MB of server memory and fails the step', async () => {
    const { flowId } = await restFlow(openTenant, { url: targetUrl('/bomb') });
    const pid = serverPid(open);
    const startRss = rssOf(pid);
    let peakRss = startRss;
    let overBudget = false;
    const queued = await openTenant.flows.run(flowId, {});
    const deadline = Date.now() + 60_000;
    let run = await openTenant.runs.get(queued.id);
    while ((run.state === 'Queued' || run.state === 'Running') && Date.now() < deadline) {
      peakRss = Math.max(peakRss, rssOf(pid));
      // Past the budget the answer is known: stop before an unbounded read takes the machine.
      if (peakRss - startRss > RSS_BUDGET_BYTES) {
        overBudget = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      run = await openTenant.runs.get(queued.id);
    }
    console.log(
      `outbound bomb: server RSS ${Math.round(startRss / 2 ** 20)} MiB at start, ` +
        `${Math.round(peakRss / 2 ** 20)} MiB at peak (+${Math.round((peakRss - startRss) / 2 ** 20)} MiB)`,
    );
    expect(overBudget, `RSS grew by ${Math.round((peakRss - startRss) / 2 ** 20)} MiB`).toBe(false);
    expect(run.state).toMatch(FAILED);
    expect(run.errorMessage).toContain('runtimes.outboundRest.maxResponseBytes');
  }, 90_000);

  it('stores a cut error text for an 8 MiB HTTP 500 body, in the step run and the run', async () => {
    const { flowId } = await restFlow(openTenant, { url: targetUrl('/big-500') });
    const run = await runToEnd(openTenant, flowId);
    expect(run.state).toMatch(FAILED);
    expect(run.errorMessage).toContain('HTTP request failed with status 500');
    expect(run.errorMessage?.length ?? 0).toBeLessThan(10_000);
    const [stepRun] = await openTenant.runs.steps(run.id);
    expect(stepRun?.errorMessage?.length ?? 0).toBeLessThan(10_000);
  });
});

describe('header merging (issue 22, defect 2)', () => {
  it('lets a configured header win over an input one whatever its case', async () => {
    const { flowId } = await restFlow(openTenant, {
      url: targetUrl('/echo'),
      headers: { Authorization: 'Bearer CONFIG-SECRET', 'Content-Type': 'application/json' },
    });
    const before = seen.get('/echo')?.length ?? 0;
    const run = await runToEnd(openTenant, flowId, {
      Headers: { authorization: 'Bearer attacker', 'content-type': 'application/json', 'x-extra': 'kept' },
    });
    expect(run.state).toBe('Succeeded');
    const headers = seen.get('/echo')?.[before];
    expect(headers?.authorization).toBe('Bearer CONFIG-SECRET');
    expect(headers?.['content-type']).toBe('application/json');
    expect(headers?.['x-extra']).toBe('kept');
  });

  it("never forwards a previous step's response headers into the next request", async () => {
    const { flowId } = await restFlow(
      openTenant,
      { url: targetUrl('/source') },
      { url: targetUrl('/echo'), headers: { 'Content-Type': 'application/json' } },
    );
    const before = seen.get('/echo')?.length ?? 0;
    const run = await runToEnd(openTenant, flowId);
    expect(run.state).toBe('Succeeded');
    const headers = seen.get('/echo')?.[before] ?? {};
    expect(headers['content-encoding']).toBeUndefined();
    expect(headers['set-cookie']).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
    expect(headers.date).toBeUndefined();
    expect(headers['content-type']).toBe('application/json');
  });
});

describe('credentials in step URLs and error texts (issue 22, defect 3)', () => {
  it('refuses a URL with a user name or password when the step or inline call is saved', async () => {
    const url = `http://svc:Sup3rS3cret@127.0.0.1:${targetPort}/ok`;
    const error = await expectApiError(
      openTenant.steps.create({
        executionKey: 'with.credentials',
        name: 'with credentials',
        runtimeKey: 'External.Rest',
        runtimeConfig: { runtimeKey: 'External.Rest', method: 'GET', url, headers: {}, timeoutMs: 1000 },
      }),
      400,
      'BadRequest',
    );
    expect(error.message).toMatch(/header.*stored secret/);
    expect(error.message).not.toContain('Sup3rS3cret');
    await expectApiError(
      openTenant.flows.create({
        name: 'inline with credentials',
        startStepId: 'inline.call',
        transitions: {
          'inline.call': { stepType: 'Rest', rest: { method: 'GET', url, headers: {}, timeoutMs: 1000 } },
        },
      }),
      400,
      'BadRequest',
    );
  });

  it('never quotes a header value in the error a trigger caller sees', async () => {
    const { flowId } = await restFlow(openTenant, {
      url: targetUrl('/ok'),
      headers: { 'x-api-token': 'tok-SECRET\n4242' },
    });
    const trigger = await openTenant.triggers.create({ name: 'leaky', dataFlowId: flowId });
    const answer = await fetch(`${open.baseUrl}/v1.0/triggers/http/${trigger.id}`, { method: 'POST' });
    const runError = answer.headers.get('x-run-error') ?? '';
    expect(runError).not.toContain('tok-SECRET');
    expect(runError).toContain('x-api-token');
    const run = await openTenant.runs.get(answer.headers.get('x-run-id') ?? '');
    expect(run.errorMessage).not.toContain('tok-SECRET');
  });
});

describe('timeouts (issue 22, defect 4)', () => {
  it("takes timeoutMs 0 as the server's default limit", async () => {
    const { flowId } = await restFlow(openTenant, { url: targetUrl('/silent'), timeoutMs: 0 });
    const started = Date.now();
    const run = await runToEnd(openTenant, flowId, {}, 15_000);
    expect(run.state).toMatch(FAILED);
    expect(run.errorMessage).toContain(`${DEFAULT_TIMEOUT_MS} ms`);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
