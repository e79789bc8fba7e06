import { describe, expect, it } from 'vitest';
import { isTimeRange, TIME_RANGE_IDS, TIME_RANGES, timeWindow } from './time-range.ts';

describe('request history time ranges', () => {
  it('ends the window on the next whole minute and spans the range', () => {
    const window = timeWindow('hour', new Date('2026-12-02T13:58:20.500Z'));
    expect(window).toEqual({
      range: 'hour',
      fromUtc: '2026-12-02T12:59:00.000Z',
      toUtc: '2026-12-02T13:59:00.000Z',
      bucketMinutes: 5,
    });
    expect(timeWindow('month', new Date('2026-12-02T00:00:00.000Z')).fromUtc).toBe(
      '2026-11-02T00:01:00.000Z',
    );
  });

  it('gives every range a whole number of buckets well under the server limit of 2000', () => {
    for (const id of TIME_RANGE_IDS) {
      const { minutes, bucketMinutes } = TIME_RANGES[id];
      expect(minutes % bucketMinutes).toBe(0);
      expect(minutes / bucketMinutes).toBeLessThanOrEqual(48);
    }
  });

  it('accepts only the known range ids', () => {
    expect(isTimeRange('week')).toBe(true);
    expect(isTimeRange('year')).toBe(false);
    expect(isTimeRange('constructor')).toBe(false);
  });
});
