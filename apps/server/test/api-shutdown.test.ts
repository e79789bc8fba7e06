import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, describe, expect, it } from 'vitest';
import { createSampleSteps, waitForRunEnd } from './api-fixture.ts';
import { hostPidOf, pidIsAlive, waitUntil } from './process-probe.ts';
import { createShellStep } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** Short enough to keep the suite quick, long enough to tell apart from the harness's 10 s kill. */
const GRACE_MS = 1_500;
/** Start-up of the stop, the abort of the running run and the database close. */
const MARGIN_MS = 6_000;

const workDir = mkdtempSync(join(tmpdir(), 'tempo-shutdown-'));
/** How long the slow handler sleeps: a number that finds it among the host's processes. */
const SLEEP_SECONDS = String(300_000 + Math.floor(Math.random() * 100_000));
// The database lives outside the server's own folder, so a second server can start on it.
const overrides = {
  database: { type: 'Sqlite' as const, filename: join(workDir, 'tempo.db') },
  engine: { maxConcurrentRuns: 1, shutdownGracePeriodMs: GRACE_MS },
  // Its handlers leave flag files in a host folder, which hidden server files make read-only.
  runtimes: { externalExecution: { hideServerFiles: false } },
};
const servers: ServerProcess[] = [];

const start = async () => {
  const server = await startServerProcess(overrides);
  servers.push(server);
  const admin = new TempoClient({ baseUrl: server.baseUrl }).withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  const tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
  return { server, t: admin.tenant(tenantId), tenantId };
};

afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('server shutdown', () => {
  it('exits within the grace period without draining the queue, and the queued runs run after a restart', async () => {
    const first = await start();
    await createSampleSteps(first.t, first.server.baseUrl, { method: 'sample.method', rest: 'sample.rest' });
    await createShellStep(
      first.t,
      'shutdown.sleeper',
      [
        '#!/bin/sh',
        `echo $$ > '${workDir}/handler.pid.tmp' && mv '${workDir}/handler.pid.tmp' '${workDir}/handler.pid'`,
        `exec sleep ${SLEEP_SECONDS}`,
        '',
      ].join('\n'),
      { maxRuntimeMs: 120_000 },
    );
    const slowFlow = await first.t.flows.create({
      name: 'Outlasts the grace period',
      startStepId: 'shutdown.sleeper',
      transitions: { 'shutdown.sleeper': {} },
    });
    const quickFlow = await first.t.flows.create({
      name: 'Quick',
      startStepId: 'sample.method',
      transitions: { 'sample.method': {} },
    });
    const slow = await first.t.flows.run(slowFlow.id, {});
    await waitUntil(() => existsSync(join(workDir, 'handler.pid')), 20_000, 'the slow handler to start');
    // The pid the handler wrote is that of its PID namespace: the host's is looked up.
    const handlerPid = hostPidOf(['sleep', SLEEP_SECONDS]) ?? 0;
    expect(pidIsAlive(handlerPid)).toBe(true);
    // The only slot is taken, so these wait in the queue.
    const queued = [];
    for (let i = 0; i < 3; i++) queued.push(await first.t.flows.run(quickFlow.id, {}));
    for (const run of queued) expect((await first.t.runs.get(run.id)).state).toBe('Queued');

    const stopping = Date.now();
    await first.server.stop();
    const stopMs = Date.now() - stopping;
    expect(stopMs).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect(stopMs).toBeLessThan(GRACE_MS + MARGIN_MS);
    expect(pidIsAlive(handlerPid)).toBe(false);

    const database = await openDatabase({ type: 'Sqlite', filename: overrides.database.filename });
    try {
      const runs = database.repositories.flowRuns.inTenant(first.tenantId);
      for (const run of queued) expect((await runs.get(run.id))?.state).toBe('Queued');
      expect(await runs.get(slow.id)).toMatchObject({
        state: 'Exception',
        errorMessage: 'The server stopped while the run was executing.',
      });
    } finally {
      await database.close();
    }

    const second = await start();
    for (const run of queued) expect((await waitForRunEnd(second.t, run.id, 20_000)).state).toBe('Succeeded');
    expect((await second.t.runs.get(slow.id)).state).toBe('Exception');
  });
});
