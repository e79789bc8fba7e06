import { z } from 'zod';
import { EntityId, UtcTimestamp } from './common.ts';
import { PageQuery } from './paging.ts';

/** One recorded inbound HTTP request, with secrets redacted as `****`. */
export const RequestHistoryRecord = z.object({
  id: EntityId,
  /** Tenant the call belonged to; null for anonymous calls no tenant owns. */
  tenantId: z.string().nullable(),
  /** Calling user; null for administrators and anonymous calls. */
  userId: z.string().nullable(),
  /** Caller's display name (email, `admin-api-key`); null when anonymous. */
  principalName: z.string().nullable(),
  method: z.string(),
  /** Raw path without the query. */
  path: z.string(),
  /** Full URL including the query. */
  url: z.string(),
  statusCode: z.number().int(),
  /** Time from receipt to the end of the answer, in milliseconds. */
  durationMs: z.number(),
  sourceIp: z.string().nullable(),
  /** Request headers; credentials (authorization, keys, tokens, passwords, cookies) as `****`. */
  requestHeaders: z.record(z.string(), z.string()),
  /** Response headers; cookies and tokens as `****`. */
  responseHeaders: z.record(z.string(), z.string()),
  /** Request body text, cut to `requestHistory.maxRequestBodyBytes`; null when empty. */
  requestBody: z.string().nullable(),
  /** Response body text, cut to `requestHistory.maxResponseBodyBytes`; null when empty. */
  responseBody: z.string().nullable(),
  /** Original request body length in bytes, before truncation. */
  requestBodyBytes: z.number().int(),
  /** Original response body length in bytes, before truncation. */
  responseBodyBytes: z.number().int(),
  requestBodyTruncated: z.boolean(),
  responseBodyTruncated: z.boolean(),
  createdUtc: UtcTimestamp,
  completedUtc: UtcTimestamp.nullable(),
});
export type RequestHistoryRecord = z.infer<typeof RequestHistoryRecord>;

/**
 * Filters shared by the list, the summary and the bulk delete. `tenantId` and `userId` are for
 * global administrators; anyone else is held to their own tenant (and, without the tenant
 * administrator flag, to their own requests), and naming another one is a 403.
 */
export const RequestHistoryFilter = z.object({
  /** HTTP method, any case (`post` = `POST`). */
  method: z
    .string()
    .trim()
    .min(1)
    .max(16)
    .transform((value) => value.toUpperCase())
    .optional(),
  /** Text the path contains, ignoring case. */
  pathContains: z.string().min(1).max(2000).optional(),
  /** Exact status code. */
  statusCode: z.coerce.number().int().min(100).max(599).optional(),
  /** Entries received at or after this instant. */
  fromUtc: UtcTimestamp.optional(),
  /** Entries received before this instant. */
  toUtc: UtcTimestamp.optional(),
  tenantId: EntityId.optional(),
  userId: EntityId.optional(),
});
export type RequestHistoryFilter = z.infer<typeof RequestHistoryFilter>;

/** `GET /v1.0/api/request-history` query: paging plus the filters; newest first. */
export const RequestHistoryListQuery = PageQuery.extend(RequestHistoryFilter.shape);
export type RequestHistoryListQuery = z.infer<typeof RequestHistoryListQuery>;

/** Most buckets one summary answers; a window and bucket size needing more is a 400. */
export const MAX_REQUEST_HISTORY_BUCKETS = 2000;

/** Bucket length of a summary when none is given, in minutes. */
export const DEFAULT_REQUEST_HISTORY_BUCKET_MINUTES = 15;

/** `GET /v1.0/api/request-history/summary` query: the filters plus the bucket length. */
export const RequestHistorySummaryQuery = RequestHistoryFilter.extend({
  /** Bucket length in minutes, 1–525600 (a year); default 15. */
  bucketMinutes: z.coerce.number().int().min(1).max(525_600).default(DEFAULT_REQUEST_HISTORY_BUCKET_MINUTES),
});
export type RequestHistorySummaryQuery = z.infer<typeof RequestHistorySummaryQuery>;

/** One time bucket of a summary; an empty bucket has zero counts and `averageDurationMs` 0. */
export const RequestHistoryBucket = z.object({
  bucketStartUtc: UtcTimestamp,
  /** End of the bucket (exclusive); the last bucket ends at the window's end. */
  bucketEndUtc: UtcTimestamp,
  /** Entries answered below 400 (2xx and 3xx). */
  successCount: z.number().int(),
  /** Entries answered 400 or above (4xx and 5xx). */
  failureCount: z.number().int(),
  averageDurationMs: z.number(),
});
export type RequestHistoryBucket = z.infer<typeof RequestHistoryBucket>;

/**
 * `GET /v1.0/api/request-history/summary` answer. Every bucket of the window is listed, empty
 * ones included; `totalCount` = `totalSuccess` + `totalFailure` = the sum of the buckets' counts.
 */
export const RequestHistorySummary = z.object({
  totalCount: z.number().int(),
  totalSuccess: z.number().int(),
  totalFailure: z.number().int(),
  averageDurationMs: z.number(),
  /** Start of the window (inclusive): `fromUtc`, or 24 hours before its end. */
  fromUtc: UtcTimestamp,
  /** End of the window (exclusive): `toUtc`, or now. */
  toUtc: UtcTimestamp,
  bucketMinutes: z.number().int(),
  buckets: z.array(RequestHistoryBucket),
});
export type RequestHistorySummary = z.infer<typeof RequestHistorySummary>;

/** `DELETE /v1.0/api/request-history` query: the filters; no filter deletes all the caller may see. */
export const RequestHistoryDeleteQuery = RequestHistoryFilter;
export type RequestHistoryDeleteQuery = z.infer<typeof RequestHistoryDeleteQuery>;

/** `DELETE /v1.0/api/request-history` answer. */
export const RequestHistoryDeleteResponse = z.object({
  deletedCount: z.number().int(),
});
export type RequestHistoryDeleteResponse = z.infer<typeof RequestHistoryDeleteResponse>;
