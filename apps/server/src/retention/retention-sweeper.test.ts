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

/** A worker activity row created `daysAgo` days before now, naming no run. */
const activityAged = async (daysAgo: number) => {
  const row = activityRow({ workerId: 'wrk_a', eventType: 'orphan_completion', severity: 'Warning' });
  await db.repositories.workerActivity.create({
    ...row,
    createdUtc: new Date(Date.now() - daysAgo * DAY_MS).toISOString(),
  });
  return row.id;
};

describe('RetentionSweeper.pruneWorkerActivity', () => {
  it('deletes worker activity older than the run retention, runless events included, and keeps the rest', async () => {
    const old = await Promise.all([activityAged(40), activityAged(31)]);
    const recent = await Promise.all([activityAged(29), activityAged(0)]);
    expect(await sweeper(30).pruneWorkerActivity()).toBe(2);
    const left = (await db.repositories.workerActivity.find()).map((row) => row.id).sort();
    expect(left).toEqual([...recent].sort());
    expect(left).not.toContain(old[0]);
  });

  it('keeps everything when runs are kept for ever (runRetentionDays 0)', async () => {
    await activityAged(400);
    expect(await sweeper(0).pruneWorkerActivity()).toBe(0);
    expect(await db.repositories.workerActivity.find()).toHaveLength(1);
  });
});
