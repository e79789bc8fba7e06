import { describe, expect, it } from 'vitest';
import { bucketRuns } from './activity.ts';

describe('bucketRuns', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');

  it('counts runs into hourly buckets by outcome and leaves out older ones', () => {
    const buckets = bucketRuns(
      [
        { createdUtc: '2026-01-01T11:30:00Z', state: 'Succeeded' },
        { createdUtc: '2026-01-01T11:59:00Z', state: 'Failed' },
        { createdUtc: '2026-01-01T11:10:00Z', state: 'Running' },
        { createdUtc: '2026-01-01T00:30:00Z', state: 'Exception' },
        { createdUtc: '2025-12-31T10:00:00Z', state: 'Succeeded' },
      ],
      'day',
      now,
    );
    expect(buckets.startsMs).toHaveLength(24);
    expect(buckets.counts.succeeded[23]).toBe(1);
    expect(buckets.counts.failed[23]).toBe(1);
    expect(buckets.counts.inProgress[23]).toBe(1);
    expect(buckets.counts.failed[12]).toBe(1);
    expect(buckets.counts.succeeded.reduce((sum, value) => sum + value, 0)).toBe(1);
  });
});
