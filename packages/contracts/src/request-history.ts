import { z } from 'zod';
import { EntityId, UtcTimestamp } from './common.ts';

/** One recorded inbound HTTP request, with secrets redacted as `****`. */
export const RequestHistoryRecord = z.object({
  id: EntityId,
  tenantId: z.string().nullable(),
  userId: z.string().nullable(),
  principalName: z.string().nullable(),
  method: z.string(),
  /** Route or raw path. */
  path: z.string(),
  /** Full URL including the query. */
  url: z.string(),
  statusCode: z.number().int(),
  durationMs: z.number(),
  sourceIp: z.string().nullable(),
  requestHeaders: z.record(z.string(), z.string()),
  responseHeaders: z.record(z.string(), z.string()),
  requestBody: z.string().nullable(),
  responseBody: z.string().nullable(),
  /** Original body length in bytes, before truncation. */
  requestBodyBytes: z.number().int(),
  responseBodyBytes: z.number().int(),
  requestBodyTruncated: z.boolean(),
  responseBodyTruncated: z.boolean(),
  createdUtc: UtcTimestamp,
  completedUtc: UtcTimestamp.nullable(),
});
export type RequestHistoryRecord = z.infer<typeof RequestHistoryRecord>;
