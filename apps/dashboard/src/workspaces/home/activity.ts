import type { FlowRunState } from '@tempo/contracts';

/** Time ranges of the activity chart, with their bucket counts. */
export const ACTIVITY_RANGES = {
  hour: { spanMs: 3_600_000, buckets: 12 },
  day: { spanMs: 86_400_000, buckets: 24 },
  week: { spanMs: 7 * 86_400_000, buckets: 14 },
} as const;
export type ActivityRange = keyof typeof ACTIVITY_RANGES;

/** How the chart groups run states: one series each. */
export const ACTIVITY_SERIES = ['succeeded', 'failed', 'inProgress'] as const;
export type ActivitySeries = (typeof ACTIVITY_SERIES)[number];

const seriesOf = (state: FlowRunState): ActivitySeries => {
  if (state === 'Succeeded') return 'succeeded';
  if (state === 'Failed' || state === 'Exception' || state === 'Cancelled') return 'failed';
  return 'inProgress';
};

/** Runs counted per bucket and series; bucket `i` starts at `startsMs[i]`. */
export interface ActivityBuckets {
  readonly startsMs: readonly number[];
  readonly counts: Readonly<Record<ActivitySeries, readonly number[]>>;
}

/** Counts runs created within `range` before `nowMs` into equal buckets, oldest first. */
export const bucketRuns = (
  runs: readonly { readonly createdUtc: string; readonly state: FlowRunState }[],
  range: ActivityRange,
  nowMs: number,
): ActivityBuckets => {
  const { spanMs, buckets } = ACTIVITY_RANGES[range];
  const widthMs = spanMs / buckets;
  const startMs = nowMs - spanMs;
  const startsMs = Array.from({ length: buckets }, (_, index) => startMs + index * widthMs);
  const counts: Record<ActivitySeries, number[]> = {
    succeeded: new Array(buckets).fill(0),
    failed: new Array(buckets).fill(0),
    inProgress: new Array(buckets).fill(0),
  };
  for (const run of runs) {
    const index = Math.floor((Date.parse(run.createdUtc) - startMs) / widthMs);
    if (index < 0 || index >= buckets) continue;
    const series = counts[seriesOf(run.state)];
    series[index] = (series[index] ?? 0) + 1;
  }
  return { startsMs, counts };
};
