import { TempoSettings } from '@tempo/contracts';
import { createLogger } from '@tempo/core/logging';
import { openDatabase, type TempoDatabase } from '@tempo/core/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activityRow } from '../workers/worker-activity.ts';
import { RetentionSweeper } from './retention-sweeper.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let db: TempoDatabase;

beforeEach(async () => {
  db = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  await db.migrate();
});

afterEach(async () => {
  await db.close().catch(() => undefined);
});

const sweeper = (runRetentionDays: number) =>
  new RetentionSweeper({
    repositories: db.repositories,
    log: createLogger({ name: 'retention-test', console: false, file: null }),
    settings: TempoSettings.parse({
      engine: { runRetentionDays },
      artifacts: { flowRunReplayRetentionDays: 1 },
    }),
  });

/** A worker activity row created `daysAgo` days before now. */
const activityAged = async (daysAgo: number, eventType = 'hello', flowRunId: string | null = null) => {
  const row = activityRow({ workerId: 'wrk_a', eventType, severity: 'Info', flowRunId });
  await db.repositories.workerActivity.create({
    ...row,
    createdUtc: new Date(Date.now() - daysAgo * DAY_MS).toISOString(),
  });
  return row.id;
};

describe('RetentionSweeper.pruneWorkerActivity', () => {
  it('deletes old events naming no run and old frames for unknown attempts, and keeps a run’s trail and recent events', async () => {
    const gone = await Promise.all([
      activityAged(40),
      activityAged(31, 'orphan_completion', 'run_claimed_by_a_worker'),
      activityAged(35, 'assign-ack', 'run_claimed_too'),
    ]);
    const kept = await Promise.all([
      // A run's own trail goes with the run (pruneRuns), never before it: a long run keeps it.
      activityAged(40, 'assigned', 'run_still_running'),
      activityAged(29),
      activityAged(0, 'orphan_completion', 'run_recent'),
    ]);
    expect(await sweeper(30).pruneWorkerActivity()).toBe(3);
    const left = (await db.repositories.workerActivity.find()).map((row) => row.id).sort();
    expect(left).toEqual([...kept].sort());
    expect(left.some((id) => gone.includes(id))).toBe(false);
  });

  it('keeps everything when runs are kept for ever (runRetentionDays 0)', async () => {
    await activityAged(400);
    expect(await sweeper(0).pruneWorkerActivity()).toBe(0);
    expect(await db.repositories.workerActivity.find()).toHaveLength(1);
  });
});
