/** The periods request history can be looked at over, each with the bucket size its chart uses. */
export const TIME_RANGES = {
  hour: { minutes: 60, bucketMinutes: 5 },
  day: { minutes: 24 * 60, bucketMinutes: 60 },
  week: { minutes: 7 * 24 * 60, bucketMinutes: 6 * 60 },
  month: { minutes: 30 * 24 * 60, bucketMinutes: 24 * 60 },
} as const;

export type TimeRange = keyof typeof TIME_RANGES;

export const TIME_RANGE_IDS = Object.keys(TIME_RANGES) as TimeRange[];

/** A fixed window, shared by the list and the summary so both count the same entries. */
export interface TimeWindow {
  readonly range: TimeRange;
  readonly fromUtc: string;
  readonly toUtc: string;
  readonly bucketMinutes: number;
}

const MINUTE_MS = 60_000;

/**
 * The window of `range` ending at `now`. The end is rounded up to the next whole minute, so the
 * newest entry falls inside the window (`toUtc` is exclusive) and the buckets start on minutes.
 */
export const timeWindow = (range: TimeRange, now: Date): TimeWindow => {
  const { minutes, bucketMinutes } = TIME_RANGES[range];
  const end = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  return {
    range,
    fromUtc: new Date(end - minutes * MINUTE_MS).toISOString(),
    toUtc: new Date(end).toISOString(),
    bucketMinutes,
  };
};

export const isTimeRange = (value: string): value is TimeRange => Object.hasOwn(TIME_RANGES, value);
