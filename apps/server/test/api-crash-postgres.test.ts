import { join } from 'node:path';
import { TempoClient } from '@tempo/client';
import { openDatabase, type TempoDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidIsAlive, serverPidOf, waitUntil } from './process-probe.ts';
import { triggerFor } from './runtime-fixture.ts';
import {
  postgresSection,
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from './server-process.ts';

// On PostgreSQL the writes of many runs share one transaction per batch (PooledGroupCommit), and
// a caller is answered only once its batch has committed. A server killed with SIGKILL under
// trigger load must therefore leave every answered run stored as it was answered: Succeeded,
// with its attempt closed and its step run written.

const CALLERS = 16;

let server: ServerProcess | undefined;
let database: TempoDatabase;

beforeAll(async () => {
  // The shared test database starts empty for this server.
  database = await openDatabase(postgresSection());
  await database.dialect.executeDdl('DROP SCHEMA IF EXISTS public CASCADE');
  await database.dialect.executeDdl('CREATE SCHEMA public');
}, 60_000);

afterAll(async () => {
  await server?.stop().catch(() => undefined);
  await database?.close();
});

describe('kill -9 of a PostgreSQL server under trigger load', () => {
  it('loses no answered run: each is stored Succeeded with its closed attempt and step run', async () => {
    server = await startServerProcess({ database: postgresSection() });
    const admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
    const t = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
    await t.steps.create({
      executionKey: 'crash.echo',
      name: 'crash.echo',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.builtin.echo' },
    });
    const triggerId = await triggerFor(t, 'crash.echo');
    const url = `${server.baseUrl}/v1.0/triggers/http/${triggerId}`;

    const answered: string[] = [];
    const refused: string[] = [];
    let killed = false;
    const caller = async (index: number) => {
      for (let call = index; !killed; call += CALLERS) {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ n: call }),
          });
          const body = await response.text();
          const runId = response.headers.get('x-run-id');
          if (response.status === 200 && runId) answered.push(runId);
          else if (!killed) refused.push(`${response.status} ${body}`);
        } catch {
          // The server died with this call open: it was never answered.
          return;
        }
      }
    };
    const callers = Array.from({ length: CALLERS }, (_, index) => caller(index));
    await waitUntil(() => answered.length >= 300, 60_000, '300 answered calls');
    const serverPid = serverPidOf(join(server.dataDir, 'tempo.json'));
    process.kill(serverPid, 'SIGKILL');
    killed = true;
    await waitUntil(() => !pidIsAlive(serverPid), 10_000, 'the server to die');
    await Promise.all(callers);
    await server.stop({ keepDataDir: false });
    server = undefined;

    expect(refused).toEqual([]);
    const { flowRuns, runAssignments, stepRuns } = database.repositories;
    const runs = flowRuns.inTenant(t.tenantId);
    const steps = stepRuns.inTenant(t.tenantId);
    const lost: string[] = [];
    for (const runId of answered) {
      const run = await runs.get(runId);
      const attempt = run?.runAssignmentId ? await runAssignments.get(run.runAssignmentId) : null;
      const stepCount = await steps.count({ flowRunId: runId });
      if (run?.state !== 'Succeeded' || attempt?.state !== 'Succeeded' || stepCount !== 1)
        lost.push(`${runId}: run ${run?.state}, attempt ${attempt?.state}, step runs ${stepCount}`);
    }
    expect(lost).toEqual([]);
  }, 120_000);
});
