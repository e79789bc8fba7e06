import {
  CommonErrors,
  MAX_REQUEST_HISTORY_BUCKETS,
  type RequestHistoryBucket,
  type RequestHistoryFilter,
  type RequestHistorySummary,
} from '@tempo/contracts';
import { type Filter, op, type RowOf, type ScopedRepository, type Tables } from '@tempo/core/store';
import type { Authorizer } from '../auth/authorizer.ts';
import { isSystemAdmin, type Principal } from '../auth/principal.ts';
import { yieldToEventLoop } from '../retention/batched-delete.ts';

type HistoryTable = typeof Tables.requestHistory;
type HistoryRow = RowOf<HistoryTable>;
type HistoryRepository = ScopedRepository<HistoryTable>;

/** Whose entries a caller reaches; an open (undefined) tenant or user means all of them. */
export interface HistoryScope {
  readonly tenantId?: string;
  readonly userId?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows a summary reads per round. */
const SCAN_BATCH_SIZE = 500;

/**
 * The entries a caller may read (`Read`) or delete (`Delete`), from what it asked for:
 * - global administrators: any `tenantId` and `userId`, or everything;
 * - tenant administrators: their own tenant, any `userId` in it (they skip RBAC in their tenant);
 * - other users: their own requests, with the `RequestHistory` permission of the operation.
 * Naming another tenant, or (for other users) another user, is a 403: widening is refused
 * outright rather than silently narrowed, so a caller never mistakes a partial answer for all.
 */
export const scopeOf = async (
  authorizer: Authorizer,
  principal: Principal,
  operation: 'Read' | 'Delete',
  asked: Pick<RequestHistoryFilter, 'tenantId' | 'userId'> = {},
): Promise<HistoryScope> => {
  if (isSystemAdmin(principal))
    return {
      ...(asked.tenantId ? { tenantId: asked.tenantId } : {}),
      ...(asked.userId ? { userId: asked.userId } : {}),
    };
  if (principal.kind !== 'user') throw CommonErrors.unauthorized();
  const { tenantId, userId } = principal;
  if (asked.tenantId !== undefined && asked.tenantId !== tenantId)
    throw CommonErrors.forbidden('Request history of another tenant is for global administrators only.');
  if (!(await authorizer.permits(principal, tenantId, 'RequestHistory', operation)))
    throw CommonErrors.forbidden();
  if (principal.isTenantAdmin) return { tenantId, ...(asked.userId ? { userId: asked.userId } : {}) };
  if (asked.userId !== undefined && asked.userId !== userId)
    throw CommonErrors.forbidden(
      "Another user's request history is for tenant administrators and global administrators only.",
    );
  return { tenantId, userId };
};

/** Whether an entry lies inside a caller's scope. */
export const inScope = (scope: HistoryScope, row: Pick<HistoryRow, 'tenantId' | 'userId'>): boolean =>
  (scope.tenantId === undefined || row.tenantId === scope.tenantId) &&
  (scope.userId === undefined || row.userId === scope.userId);

/** An instant as the stored text compares with it: every stored time is UTC with a `Z`. */
const utc = (instant: string): string => new Date(instant).toISOString();

/** The filter of a query inside a scope, without its time window. */
const fieldFilter = (query: RequestHistoryFilter, scope: HistoryScope): Filter<HistoryTable> => ({
  ...(scope.tenantId !== undefined ? { tenantId: scope.tenantId } : {}),
  ...(scope.userId !== undefined ? { userId: scope.userId } : {}),
  ...(query.method ? { method: query.method } : {}),
  ...(query.pathContains ? { path: op.contains(query.pathContains) } : {}),
  ...(query.statusCode !== undefined ? { statusCode: query.statusCode } : {}),
});

/** The filter of a query inside a scope: fields, and the window `fromUtc` (inclusive) to `toUtc`. */
export const filterOf = (query: RequestHistoryFilter, scope: HistoryScope): Filter<HistoryTable> => {
  const { fromUtc, toUtc } = query;
  return {
    ...fieldFilter(query, scope),
    ...(fromUtc || toUtc
      ? {
          createdUtc: op.range({
            ...(fromUtc ? { gte: utc(fromUtc) } : {}),
            ...(toUtc ? { lt: utc(toUtc) } : {}),
          }),
        }
      : {}),
  };
};

/**
 * Every row of a window in rounds of {@link SCAN_BATCH_SIZE}, oldest first, never more than a
 * round in memory. Paged by a cursor on `createdUtc` (the indexed column), not an offset, so a
 * round costs the same at the end of a long window as at its start; rows sharing the cursor's
 * instant are read by id, so none is skipped or read twice however many share it.
 */
async function* rowsOfWindow(
  repository: HistoryRepository,
  filter: Filter<HistoryTable>,
  fromIso: string,
  toIso: string,
): AsyncGenerator<readonly HistoryRow[]> {
  const byTime = [
    { column: 'createdUtc', direction: 'asc' },
    { column: 'id', direction: 'asc' },
  ] as const;
  let after: { readonly at: string; readonly inclusive: boolean } = { at: fromIso, inclusive: true };
  for (;;) {
    const lower = after.inclusive ? { gte: after.at } : { gt: after.at };
    const rows = await repository.find(
      { ...filter, createdUtc: op.range({ ...lower, lt: toIso }) },
      { orderBy: byTime, limit: SCAN_BATCH_SIZE },
    );
    if (rows.length < SCAN_BATCH_SIZE) {
      yield rows;
      return;
    }
    const last = rows[rows.length - 1]?.createdUtc ?? toIso;
    yield rows.filter((row) => row.createdUtc < last);
    let afterId: string | null = null;
    for (;;) {
      const tied = await repository.find(
        { ...filter, createdUtc: last, ...(afterId === null ? {} : { id: op.range({ gt: afterId }) }) },
        { orderBy: [{ column: 'id', direction: 'asc' }], limit: SCAN_BATCH_SIZE },
      );
      yield tied;
      if (tied.length < SCAN_BATCH_SIZE) break;
      afterId = tied[tied.length - 1]?.id ?? null;
    }
    after = { at: last, inclusive: false };
    await yieldToEventLoop();
  }
}

/** The window of a summary: the query's, or the 24 hours before `toUtc` (default now). */
const windowOf = (query: RequestHistoryFilter, nowMs: number): { fromMs: number; toMs: number } => {
  const toMs = query.toUtc ? Date.parse(query.toUtc) : nowMs;
  const fromMs = query.fromUtc ? Date.parse(query.fromUtc) : toMs - DAY_MS;
  if (fromMs >= toMs)
    throw CommonErrors.badRequest('fromUtc must be before toUtc.', {
      fromUtc: new Date(fromMs).toISOString(),
      toUtc: new Date(toMs).toISOString(),
    });
  return { fromMs, toMs };
};

const average = (sum: number, count: number): number =>
  count === 0 ? 0 : Math.round((sum / count) * 100) / 100;

/**
 * Counts and average durations of the entries of a window, per bucket of `bucketMinutes` from
 * the window's start (the last bucket ends with the window), every bucket listed, empty ones
 * too. Success is a status below 400, failure 400 and above, so the two add up to the total.
 * A window needing more than {@link MAX_REQUEST_HISTORY_BUCKETS} buckets is a 400. The rows
 * are read in bounded rounds (see {@link rowsOfWindow}), never all at once.
 */
export const summarize = async (
  repository: HistoryRepository,
  query: RequestHistoryFilter & { readonly bucketMinutes: number },
  scope: HistoryScope,
  nowMs = Date.now(),
): Promise<RequestHistorySummary> => {
  const { fromMs, toMs } = windowOf(query, nowMs);
  const bucketMs = query.bucketMinutes * 60_000;
  const count = Math.ceil((toMs - fromMs) / bucketMs);
  if (count > MAX_REQUEST_HISTORY_BUCKETS) {
    const smallest = Math.ceil((toMs - fromMs) / MAX_REQUEST_HISTORY_BUCKETS / 60_000);
    throw CommonErrors.badRequest(
      `The window needs ${count} buckets of ${query.bucketMinutes} minutes; at most ${MAX_REQUEST_HISTORY_BUCKETS} are answered. Use bucketMinutes of at least ${smallest}, or a shorter window.`,
      { buckets: count, maxBuckets: MAX_REQUEST_HISTORY_BUCKETS, smallestBucketMinutes: smallest },
    );
  }
  const success = new Array<number>(count).fill(0);
  const failure = new Array<number>(count).fill(0);
  const durations = new Array<number>(count).fill(0);
  const fromIso = new Date(fromMs).toISOString();
  const toIso = new Date(toMs).toISOString();
  for await (const rows of rowsOfWindow(repository, fieldFilter(query, scope), fromIso, toIso)) {
    for (const row of rows) {
      const index = Math.min(
        count - 1,
        Math.max(0, Math.floor((Date.parse(row.createdUtc) - fromMs) / bucketMs)),
      );
      if (row.statusCode >= 400) failure[index] = (failure[index] ?? 0) + 1;
      else success[index] = (success[index] ?? 0) + 1;
      durations[index] = (durations[index] ?? 0) + row.durationMs;
    }
  }
  const buckets: RequestHistoryBucket[] = [];
  let totalSuccess = 0;
  let totalFailure = 0;
  let totalDuration = 0;
  for (let index = 0; index < count; index += 1) {
    const successCount = success[index] ?? 0;
    const failureCount = failure[index] ?? 0;
    const duration = durations[index] ?? 0;
    totalSuccess += successCount;
    totalFailure += failureCount;
    totalDuration += duration;
    const startMs = fromMs + index * bucketMs;
    buckets.push({
      bucketStartUtc: new Date(startMs).toISOString(),
      bucketEndUtc: new Date(Math.min(toMs, startMs + bucketMs)).toISOString(),
      successCount,
      failureCount,
      averageDurationMs: average(duration, successCount + failureCount),
    });
  }
  return {
    totalCount: totalSuccess + totalFailure,
    totalSuccess,
    totalFailure,
    averageDurationMs: average(totalDuration, totalSuccess + totalFailure),
    fromUtc: fromIso,
    toUtc: toIso,
    bucketMinutes: query.bucketMinutes,
    buckets,
  };
};
