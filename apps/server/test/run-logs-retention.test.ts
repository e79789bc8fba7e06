import { existsSync, mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRunEnd } from './api-fixture.ts';
import { createShellStep, triggerFor } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

let server: ServerProcess;
let t: TenantClient;
let tenantId = '';

beforeAll(async () => {
  // One run slot, so a second run stays queued behind a sleeping one; a prune pass every minute.
  server = await startServerProcess({
    runLogs: { pruneIntervalMinutes: 1, retentionDays: 7 },
    engine: { maxConcurrentRuns: 1 },
  });
  const admin = new TempoClient({ baseUrl: server.baseUrl }).withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
  t = admin.tenant(tenantId);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const folderOf = (runId: string) => join(server.dataDir, 'run-logs', runId);
const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);

const waitFor = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('run-log retention', () => {
  it('removes the folders of runs ended before the retention and of gone runs, keeps the rest', async () => {
    // A handler step: a short run of built-in steps only writes no run-log files at all.
    await createShellStep(
      t,
      'retention.echo',
      `#!/bin/sh\ncat > /dev/null\nprintf '{"result":"Success","data":{}}'\n`,
    );
    const echoTrigger = await triggerFor(t, 'retention.echo');
    const fire = async () =>
      (await new TempoClient({ baseUrl: server.baseUrl }).httpTriggers.fire(echoTrigger, { body: {} })).run
        .runId;
    const old = await fire();
    const recent = await fire();
    await waitFor('both logs', () => existsSync(folderOf(old)) && existsSync(folderOf(recent)), 10_000);

    await createShellStep(t, 'retention.sleeper', '#!/bin/sh\ncat > /dev/null\nsleep 120\n', {
      maxRuntimeMs: 180_000,
    });
    const flowId = (await t.triggers.get(await triggerFor(t, 'retention.sleeper'))).dataFlowId ?? '';
    const running = await t.flows.run(flowId, {});
    await waitFor('the running run', async () => (await t.runs.get(running.id)).state === 'Running', 20_000);
    const queued = await t.flows.run(flowId, {});
    expect((await t.runs.get(queued.id)).state).toBe('Queued');
    await waitFor('the running run’s log', () => existsSync(folderOf(running.id)), 10_000);

    // Folders as old as the retention: a live run's, a queued run's, a run's whose row is gone;
    // and a fresh one whose row is gone too.
    const gone = 'run_01ZZZZZZZZGONE00_AAAAAAAAAAAAA';
    const fresh = 'run_01ZZZZZZZZNEW000_AAAAAAAAAAAAA';
    for (const id of [queued.id, gone, fresh]) mkdirSync(folderOf(id), { recursive: true });
    for (const id of [running.id, queued.id, gone]) utimesSync(folderOf(id), daysAgo(30), daysAgo(30));
    const database = await openDatabase({ type: 'Sqlite', filename: join(server.dataDir, 'tempo.db') });
    try {
      await database.repositories.flowRuns
        .inTenant(tenantId)
        .update(old, { completedUtc: daysAgo(8).toISOString() });
      // Queued and running runs are never pruned, whatever their dates say.
      await database.repositories.flowRuns
        .inTenant(tenantId)
        .update(running.id, { completedUtc: daysAgo(30).toISOString() });
    } finally {
      await database.close();
    }

    await waitFor('the next prune pass', () => !existsSync(folderOf(old)), 90_000);
    expect(existsSync(folderOf(gone))).toBe(false);
    expect(existsSync(folderOf(recent))).toBe(true);
    expect(existsSync(folderOf(fresh))).toBe(true);
    expect(existsSync(folderOf(running.id))).toBe(true);
    expect(existsSync(folderOf(queued.id))).toBe(true);
    expect((await t.runs.get(running.id)).state).toBe('Running');

    await t.runs.cancel(queued.id);
    await t.runs.cancel(running.id);
    await waitForRunEnd(t, running.id, 20_000);
  }, 180_000);
});
