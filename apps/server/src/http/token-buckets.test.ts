import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets.ts';

describe('TokenBuckets', () => {
  it('starts full, spends down and refills at the rate, never above the capacity', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 10 });
    const bucket = buckets.refilled('k', 0);
    expect(bucket.tokens).toBe(10);
    bucket.tokens = 0;
    expect(buckets.waitMs(buckets.refilled('k', 0))).toBe(100);
    expect(buckets.refilled('k', 50).tokens).toBeCloseTo(0.5);
    expect(buckets.waitMs(buckets.refilled('k', 50))).toBeCloseTo(50);
    expect(buckets.waitMs(buckets.refilled('k', 100))).toBe(0);
    expect(buckets.refilled('k', 60_000).tokens).toBe(10);
  });

  it('takes a token only while one is there', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 2 });
    expect([buckets.take('k', 0), buckets.take('k', 0), buckets.take('k', 0)]).toEqual([true, true, false]);
    expect(buckets.take('k', 500)).toBe(true);
    expect(buckets.take('k', 500)).toBe(false);
  });

  it('keeps keys apart', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1 });
    buckets.refilled('a', 0).tokens = 0;
    expect(buckets.refilled('b', 0).tokens).toBe(1);
    expect(buckets.refilled('a', 0).tokens).toBe(0);
  });

  it('forgets full buckets first, then the oldest, past maxKeys', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, maxKeys: 2 });
    buckets.refilled('spent', 0).tokens = 0;
    buckets.refilled('full', 0);
    buckets.refilled('new', 0);
    expect(buckets.size).toBe(2);
    // The spent bucket was kept: forgetting it would hand its key a fresh burst.
    expect(buckets.refilled('spent', 0).tokens).toBe(0);
    buckets.refilled('newer', 0).tokens = 0;
    expect(buckets.size).toBe(2);
  });
});
