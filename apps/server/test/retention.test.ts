import { join } from 'node:path';
import { TempoClient } from '@tempo/client';
import type { FlowRunState } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import { openDatabase, type Repositories } from '@tempo/core/store';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number): string => new Date(Date.now() - days * DAY_MS).toISOString();

/** Request history kept 3 days; runs 2 days, but at least the 5 days of the replay pins. */
const SETTINGS = {
  requestHistory: { retentionDays: 3 },
  engine: { runRetentionDays: 2 },
  artifacts: { flowRunReplayRetentionDays: 5 },
};

let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.stop();
});

const withDatabase = async <T>(dataDir: string, use: (r: Repositories) => Promise<T>): Promise<T> => {
  const database = await openDatabase({ type: 'Sqlite', filename: join(dataDir, 'tempo.db') });
  try {
    return await use(database.repositories);
  } finally {
    await database.close();
  }
};

/** A run row with a step run, an attempt and an activity event, as old as its dates say. */
const insertRun = async (
  r: Repositories,
  tenantId: string,
  state: FlowRunState,
  createdUtc: string,
  completedUtc: string | null,
): Promise<string> => {
  const id = newId('flowRun');
  const assignmentId = newId('runAssignment');
  await r.flowRuns.inTenant(tenantId).create({
    id,
    dataFlowId: 'flow_retention_test',
    state,
    dispatchState: state === 'Running' ? 'Assigned' : 'Completed',
    dispatchAttempt: 1,
    runAssignmentId: assignmentId,
    createdUtc,
    startedUtc: createdUtc,
    completedUtc,
    lastUpdateUtc: completedUtc ?? createdUtc,
  });
  await r.stepRuns.inTenant(tenantId).create({
    id: newId('stepRun'),
    flowRunId: id,
    dataFlowId: 'flow_retention_test',
    stepId: 'retention.step',
    startedUtc: createdUtc,
    completedUtc,
  });
  // A worker's attempt, not the pseudo-worker's: start-up recovery leaves it alone.
  await r.runAssignments.create({
    id: assignmentId,
    flowRunId: id,
    workerId: 'wrk_retention_test',
    state: state === 'Running' ? 'Assigned' : 'Succeeded',
    leaseToken: newId('tokenNonce'),
    assignedUtc: createdUtc,
    leaseExpiresUtc: createdUtc,
    completedUtc,
  });
  await r.workerActivity.create({
    id: newId('workerActivity'),
    workerId: 'wrk_retention_test',
    flowRunId: id,
    runAssignmentId: assignmentId,
    eventType: 'execution_completed',
    createdUtc,
  });
  return id;
};

const insertHistory = (r: Repositories, tenantId: string, createdUtc: string): Promise<{ id: string }> =>
  r.requestHistory.create({
    id: newId('requestHistory'),
    tenantId,
    method: 'POST',
    path: '/v1.0/triggers/http/trg_retention',
    url: '/v1.0/triggers/http/trg_retention',
    statusCode: 200,
    durationMs: 3,
    createdUtc,
    completedUtc: createdUtc,
  });

/** What is left of a run: its row, step runs, attempts and activity. */
const leftOf = async (r: Repositories, tenantId: string, runId: string) => ({
  run: (await r.flowRuns.inTenant(tenantId).get(runId))?.state ?? null,
  steps: await r.stepRuns.inTenant(tenantId).count({ flowRunId: runId }),
  assignments: await r.runAssignments.count({ flowRunId: runId }),
  activity: await r.workerActivity.count({ flowRunId: runId }),
});

describe('retention', () => {
  it('removes request history and finished runs past their retention, and nothing newer, never a running run', async () => {
    server = await startServerProcess(SETTINGS);
    const admin = new TempoClient({ baseUrl: server.baseUrl }).withCredentials({
      apiKey: TEST_ADMIN_API_KEY,
    });
    const tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
    const dataDir = server.dataDir;
    await server.stop({ keepDataDir: true });
    server = undefined;

    const seeded = await withDatabase(dataDir, async (r) => ({
      oldHistory: (await insertHistory(r, tenantId, daysAgo(10))).id,
      // A day before the cutoff of 3 days and just inside it.
      recentHistory: (await insertHistory(r, tenantId, daysAgo(1))).id,
      edgeHistory: (await insertHistory(r, tenantId, daysAgo(2.9))).id,
      oldFinished: await insertRun(r, tenantId, 'Succeeded', daysAgo(12), daysAgo(10)),
      oldFailed: await insertRun(r, tenantId, 'Exception', daysAgo(9), daysAgo(9)),
      // Past runRetentionDays (2) but inside flowRunReplayRetentionDays (5): its pins still count.
      replayPinned: await insertRun(r, tenantId, 'Succeeded', daysAgo(4), daysAgo(4)),
      recentFinished: await insertRun(r, tenantId, 'Succeeded', daysAgo(1), daysAgo(1)),
      // Running for days, even with a completion date from an earlier attempt: never pruned.
      oldRunning: await insertRun(r, tenantId, 'Running', daysAgo(20), daysAgo(15)),
    }));

    server = await startServerProcess({}, dataDir);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const gone = await withDatabase(dataDir, async (r) => ({
        history: (await r.requestHistory.get(seeded.oldHistory)) === null,
        runs: (await r.flowRuns.inTenant(tenantId).count({ id: seeded.oldFailed })) === 0,
      }));
      if (gone.history && gone.runs) break;
      if (Date.now() > deadline) throw new Error(`old rows still there: ${JSON.stringify(gone)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await withDatabase(dataDir, async (r) => {
      expect(await r.requestHistory.get(seeded.recentHistory)).not.toBeNull();
      expect(await r.requestHistory.get(seeded.edgeHistory)).not.toBeNull();
      const none = { run: null, steps: 0, assignments: 0, activity: 0 };
      expect(await leftOf(r, tenantId, seeded.oldFinished)).toEqual(none);
      expect(await leftOf(r, tenantId, seeded.oldFailed)).toEqual(none);
      const kept = { steps: 1, assignments: 1, activity: 1 };
      expect(await leftOf(r, tenantId, seeded.replayPinned)).toEqual({ run: 'Succeeded', ...kept });
      expect(await leftOf(r, tenantId, seeded.recentFinished)).toEqual({ run: 'Succeeded', ...kept });
      expect(await leftOf(r, tenantId, seeded.oldRunning)).toEqual({ run: 'Running', ...kept });
    });
    // The server still answers while and after it swept.
    const restarted = new TempoClient({ baseUrl: server.baseUrl }).withCredentials({
      apiKey: TEST_ADMIN_API_KEY,
    });
    expect((await restarted.tenant(tenantId).runs.get(seeded.recentFinished)).state).toBe('Succeeded');
  }, 120_000);
});
