import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoClient } from '@tempo/client';
import type { WorkerRecord } from '@tempo/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  killProcessesMentioning,
  pidsMentioning,
  type RunningTempo,
  runTempo,
  startTempo,
  waitFor,
} from './run-tempo.ts';

/**
 * Issue 23: the Docker topology (server, three workers) without Docker, from the same two
 * settings files: `./tempo up --workers 3 --settings FILE --worker-settings FILE`.
 */

let dir: string;
const running: RunningTempo[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tempo-up-topology-'));
});

afterEach(() => {
  // A failed test must not leave its stack behind: `up` and whatever it started.
  for (const up of running.splice(0)) up.child.kill('SIGKILL');
  killProcessesMentioning(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LOCAL = ['wrk_local_1', 'wrk_local_2', 'wrk_local_3'];
const ADMIN_KEY = 'topology-admin-key-0123456789abcdef';
// Telemetry export to a collector that is not there only slows the stop down.
const ENV = { TEMPO_TELEMETRY_ENABLED: 'false' };

/** The two files of the Docker topology, in a folder of their own, as an operator keeps them. */
const writeSettingsFiles = async (folder: string) => {
  await mkdir(folder, { recursive: true });
  const server = join(folder, 'tempo.server.json');
  const worker = join(folder, 'tempo.worker.json');
  await writeFile(
    server,
    JSON.stringify({
      rest: { hostname: '127.0.0.1' },
      auth: { adminApiKey: ADMIN_KEY },
      requestHistory: { retentionDays: 12 },
      telemetry: { otlpEnabled: false },
    }),
  );
  // What only makes sense inside compose (endpoint, id, container paths) is replaced by `up`.
  await writeFile(
    worker,
    JSON.stringify({
      serverEndpoint: 'http://tempo-server:8901',
      workerId: 'wrk_docker',
      name: 'tempo-worker',
      maxConcurrentRuns: 2,
      maxTaskTimeoutMs: 240000,
      labels: ['topology'],
      logging: { logDirectory: '/var/lib/tempo-worker/logs', logFilename: 'tempo-worker.log' },
      // Only the workers may call the test's loopback target: the trigger's success proves the
      // workers run with the worker file's runtimes, not the server's.
      runtimes: {
        externalExecution: { scratchRoot: '/var/lib/tempo-worker/scratch' },
        outboundRest: { allowedTargets: ['127.0.0.1'] },
      },
    }),
  );
  return { server, worker };
};

describe('./tempo up --settings FILE --worker-settings FILE', () => {
  it('is documented in ./tempo up --help', async () => {
    const help = await runTempo(['up', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('[--settings FILE]');
    expect(help.stdout).toContain('[--worker-settings FILE]');
  });

  it('refuses a missing or invalid settings file with exit code 2 and names the problem', async () => {
    const folder = join(dir, 'bad');
    const { server, worker } = await writeSettingsFiles(folder);
    const data = join(dir, 'bad-data');
    const missing = await runTempo(['up', '--settings', join(folder, 'absent.json'), '--data-dir', data]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--settings: .*absent\.json: the settings file does not exist/);

    const badWorker = join(folder, 'bad.worker.json');
    await writeFile(badWorker, JSON.stringify({ labels: ['topology'], maxConcurrentRuns: 'two' }));
    const refusedWorker = await runTempo([
      'up',
      '--workers',
      '3',
      '--settings',
      server,
      '--worker-settings',
      badWorker,
      '--data-dir',
      data,
    ]);
    expect(refusedWorker.code).toBe(2);
    expect(refusedWorker.stderr).toMatch(/--worker-settings: .*bad\.worker\.json: maxConcurrentRuns /);

    const withoutWorkers = await runTempo(['up', '--worker-settings', worker, '--data-dir', data]);
    expect(withoutWorkers.code).toBe(2);
    expect(withoutWorkers.stderr).toContain('give --workers N too');

    const badServer = join(folder, 'bad.server.json');
    await writeFile(badServer, JSON.stringify({ rest: { port: 'eighty' } }));
    const refusedServer = await runTempo(
      ['up', '--settings', badServer, '--data-dir', data, '--no-mcp'],
      ENV,
    );
    expect(refusedServer.code, refusedServer.stderr).toBe(2);
    expect(refusedServer.stderr).toMatch(/--settings: .*rest\.port/);
    expect(pidsMentioning(data)).toEqual([]);
  }, 120_000);

  it('starts the server and three workers from the two files and runs a trigger on one of them', async () => {
    const target = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ answeredBy: 'target' }));
    });
    await new Promise<void>((listening) => target.listen(0, '127.0.0.1', listening));
    const address = target.address();
    const targetUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    try {
      await runTopology(targetUrl);
    } finally {
      target.closeAllConnections();
      target.close();
    }
  }, 300_000);
});

const runTopology = async (targetUrl: string) => {
  const config = join(dir, 'config');
  const data = join(dir, 'data');
  const files = await writeSettingsFiles(config);
  const port = await freePort();
  const dashboardPort = await freePort();
  const up = await startTempo(
    [
      'up',
      '--workers',
      '3',
      '--settings',
      files.server,
      '--worker-settings',
      files.worker,
      '--data-dir',
      data,
      '--port',
      String(port),
      '--dashboard-port',
      String(dashboardPort),
      '--no-mcp',
    ],
    /3 local workers run the flows/,
    180_000,
    ENV,
  );
  running.push(up);
  expect(up.output()).toContain(`each worker starts from ${files.worker}`);

  const admin = new TempoClient({ baseUrl: `http://127.0.0.1:${port}` }).withCredentials({
    apiKey: ADMIN_KEY,
  });
  const online = await waitFor(
    'three local workers Online',
    async () => {
      const page = await admin.raw('GET', '/v1.0/workers?pageSize=100');
      const all = (page.body as { items: WorkerRecord[] }).items;
      // The file's own workerId is replaced, never registered.
      expect(all.map((item) => item.id)).not.toContain('wrk_docker');
      const items = all.filter((item) => LOCAL.includes(item.id));
      return items.length === 3 && items.every((item) => item.state === 'Online') ? items : undefined;
    },
    90_000,
  );
  for (const worker of online) {
    // From the worker file: its labels and limits; from `up`: the id, the name and the server.
    expect(worker).toMatchObject({
      name: worker.id,
      labels: ['topology'],
      maxConcurrentRuns: 2,
      maxTaskTimeoutMs: 240000,
    });
    const written = JSON.parse(readFileSync(join(data, 'workers', worker.id, 'tempo.worker.json'), 'utf8'));
    expect(written.serverEndpoint).toBe(`http://127.0.0.1:${port}`);
    expect(written.runtimes.externalExecution.scratchRoot).toBe(join(data, 'workers', worker.id, 'scratch'));
  }

  // From the server file: a value it sets, read back; its database beside it, as for `server --settings`.
  const read = await admin.raw('GET', '/v1.0/settings');
  expect(read.status).toBe(200);
  const settings = read.body as { path: string; settings: { requestHistory: { retentionDays: number } } };
  expect(settings.path).toBe(files.server);
  expect(settings.settings.requestHistory.retentionDays).toBe(12);
  expect(existsSync(join(config, 'tempo.db'))).toBe(true);

  const tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
  const tenant = admin.tenant(tenantId);
  // A REST step: built-in steps run on the server's pseudo-worker only, which is off here.
  await tenant.steps.create({
    executionKey: 'topology_step',
    name: 'topology_step',
    runtimeKey: 'External.Rest',
    runtimeConfig: { runtimeKey: 'External.Rest', method: 'GET', url: targetUrl, timeoutMs: 30_000 },
  });
  const flow = await tenant.flows.create({
    name: 'topology flow',
    startStepId: 'topology_step',
    transitions: { topology_step: {} },
    invocationAuthMode: 'Public',
  });
  const trigger = await tenant.triggers.create({ name: 'topology trigger', dataFlowId: flow.id });
  const anonymous = new TempoClient({ baseUrl: `http://127.0.0.1:${port}` });
  const fired = await anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { body: { n: 1 } });
  expect(fired.status, JSON.stringify(fired.body)).toBe(200);
  expect(fired.headers['x-run-state']).toBe('Succeeded');
  expect(LOCAL).toContain(fired.headers['x-worker-id']);
  // The REST step's output: the target's answer, its body in base64.
  const output = fired.body as { StatusCode: number; ResponseBody: string };
  expect(output.StatusCode).toBe(200);
  expect(JSON.parse(Buffer.from(output.ResponseBody, 'base64').toString('utf8'))).toEqual({
    answeredBy: 'target',
  });

  expect(await up.stop()).toBe(0);
  running.splice(running.indexOf(up), 1);
  // The workers are stopped before the server, so once `up` has ended none may be left.
  expect(pidsMentioning(dir)).toEqual([]);
};
