import { createLogger } from '@tempo/core/logging';
import { openDatabase, type TempoDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityTrail, MAX_QUEUED_ACTIVITY } from './activity-trail.ts';

// The coordinator's activity trail over a real SQLite database.

let db: TempoDatabase;
let trail: ActivityTrail;

beforeAll(async () => {
  db = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  await db.migrate();
  trail = new ActivityTrail(
    db.repositories,
    createLogger({ name: 'trail-test', console: false, file: null }),
  );
});
afterAll(async () => {
  await db.close();
});

const writes = () => db.repositories.writeClock.stampOf(['worker_activity']);
const entry = (message: string) =>
  ({ workerId: 'wrk_trail', eventType: 'assigned', severity: 'Info', message }) as const;

describe('ActivityTrail', () => {
  it('writes the entries recorded in one turn with one insert, in the order recorded', async () => {
    const before = writes();
    await Promise.all(['a', 'b', 'c', 'd'].map((message) => trail.record(entry(message))));
    // The clock ticks twice per statement: before it is issued and once it settles.
    expect(writes() - before).toBe(2);
    const rows = await db.repositories.workerActivity.find({ workerId: 'wrk_trail' });
    const byId = [...rows].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(byId.map((row) => row.message)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('writes entries recorded during a write with the next insert, after it', async () => {
    const before = writes();
    const first = trail.record(entry('e'));
    await Promise.resolve();
    await Promise.resolve();
    const later = [trail.record(entry('f')), trail.record(entry('g'))];
    await Promise.all([first, ...later]);
    expect(writes() - before).toBe(4);
    const rows = await db.repositories.workerActivity.find({ workerId: 'wrk_trail' });
    const byId = [...rows].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(byId.map((row) => row.message)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('keeps at most its bound of waiting entries, resolving the others, and takes entries again once written', async () => {
    const burst = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, index) =>
        trail.record({ ...entry(`${prefix}${index}`), workerId: 'wrk_burst' }),
      );
    await Promise.all(burst('over-', MAX_QUEUED_ACTIVITY + 500));
    await Promise.all(burst('after-', 3));
    const rows = await db.repositories.workerActivity.find({ workerId: 'wrk_burst' });
    expect(rows).toHaveLength(MAX_QUEUED_ACTIVITY + 3);
    const messages = new Set(rows.map((row) => row.message));
    expect(messages.has(`over-${MAX_QUEUED_ACTIVITY - 1}`)).toBe(true);
    expect(messages.has(`over-${MAX_QUEUED_ACTIVITY}`)).toBe(false);
    expect(messages.has('after-2')).toBe(true);
  });

  it('swallows a failed write, resolving its entries', async () => {
    await db.close();
    await expect(trail.record(entry('lost'))).resolves.toBeUndefined();
  });
});
