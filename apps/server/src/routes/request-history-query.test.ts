import { MAX_REQUEST_HISTORY_BUCKETS, TempoError } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import { openDatabase, type TempoDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope, summarize } from './request-history-query.ts';

// The summary over a real (in-memory) SQLite database, with more rows than one read round holds
// and hundreds sharing one instant, so the cursor's hand-over between rounds is exercised.

let db: TempoDatabase;
const FROM = Date.parse('2026-03-01T00:00:00.000Z');
const TENANT = 'ten_summary';

const insert = (createdMs: number, statusCode: number, durationMs: number, tenantId = TENANT) =>
  db.repositories.requestHistory.create({
    id: newId('requestHistory'),
    tenantId,
    method: 'POST',
    path: '/v1.0/triggers/http/trg_x',
    url: '/v1.0/triggers/http/trg_x',
    statusCode,
    durationMs,
    createdUtc: new Date(createdMs).toISOString(),
  });

beforeAll(async () => {
  db = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  await db.migrate();
  // 700 successes at one instant in the first bucket, 450 failures spread over the third, and
  // rows of another tenant and outside the window that must not count.
  for (let i = 0; i < 700; i += 1) await insert(FROM + 60_000, 200, 2);
  for (let i = 0; i < 450; i += 1) await insert(FROM + 2 * 15 * 60_000 + i * 1000, 500, 4);
  for (let i = 0; i < 30; i += 1) await insert(FROM + 60_000, 200, 2, 'ten_other');
  await insert(FROM - 1, 200, 1);
  await insert(FROM + 60 * 60_000, 200, 1);
});

afterAll(async () => {
  await db.close();
});

const window = {
  fromUtc: new Date(FROM).toISOString(),
  toUtc: new Date(FROM + 60 * 60_000).toISOString(),
  bucketMinutes: 15,
};

describe('summarize', () => {
  it('counts every row of the window once, in its bucket, however many share an instant', async () => {
    const summary = await summarize(db.repositories.requestHistory, window, { tenantId: TENANT });
    expect(summary).toMatchObject({ totalCount: 1150, totalSuccess: 700, totalFailure: 450 });
    expect(summary.buckets.map((b) => [b.successCount, b.failureCount, b.averageDurationMs])).toEqual([
      [700, 0, 2],
      [0, 0, 0],
      [0, 450, 4],
      [0, 0, 0],
    ]);
    expect(summary.averageDurationMs).toBe(Math.round(((700 * 2 + 450 * 4) / 1150) * 100) / 100);
  });

  it('reads every tenant for a scope left open, and filters by status', async () => {
    const all = await summarize(db.repositories.requestHistory, window, {});
    expect(all.totalCount).toBe(1180);
    const failures = await summarize(db.repositories.requestHistory, { ...window, statusCode: 500 }, {});
    expect(failures).toMatchObject({ totalCount: 450, totalSuccess: 0 });
  });

  it('ends the last bucket with the window when the window is not a whole number of buckets', async () => {
    const summary = await summarize(
      db.repositories.requestHistory,
      { ...window, toUtc: new Date(FROM + 40 * 60_000).toISOString() },
      { tenantId: TENANT },
    );
    expect(summary.buckets).toHaveLength(3);
    expect(summary.buckets[2]?.bucketEndUtc).toBe(new Date(FROM + 40 * 60_000).toISOString());
  });

  it('refuses a window of more buckets than it answers, and a window that ends before it starts', async () => {
    const tooMany = summarize(
      db.repositories.requestHistory,
      {
        ...window,
        toUtc: new Date(FROM + (MAX_REQUEST_HISTORY_BUCKETS + 1) * 60_000).toISOString(),
        bucketMinutes: 1,
      },
      {},
    );
    await expect(tooMany).rejects.toBeInstanceOf(TempoError);
    await expect(tooMany).rejects.toMatchObject({ statusCode: 400 });
    const exact = await summarize(
      db.repositories.requestHistory,
      {
        ...window,
        toUtc: new Date(FROM + MAX_REQUEST_HISTORY_BUCKETS * 60_000).toISOString(),
        bucketMinutes: 1,
      },
      {},
    );
    expect(exact.buckets).toHaveLength(MAX_REQUEST_HISTORY_BUCKETS);
    const backwards = summarize(db.repositories.requestHistory, { ...window, toUtc: window.fromUtc }, {});
    await expect(backwards).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('inScope', () => {
  it('holds an entry to the scope it is read in', () => {
    expect(inScope({}, { tenantId: null, userId: null })).toBe(true);
    expect(inScope({ tenantId: 'ten_a' }, { tenantId: 'ten_a', userId: 'usr_b' })).toBe(true);
    expect(inScope({ tenantId: 'ten_a' }, { tenantId: null, userId: null })).toBe(false);
    expect(inScope({ tenantId: 'ten_a', userId: 'usr_a' }, { tenantId: 'ten_a', userId: 'usr_b' })).toBe(
      false,
    );
  });
});
