import { col, table } from '../table-model.ts';
import { nowUtc } from './common-columns.ts';

/** `request_history`: recorded inbound requests; tenant is null for anonymous calls. */
export const requestHistory = table(
  'request_history',
  {
    id: col.id(),
    tenantId: col.id().nullable(),
    userId: col.id().nullable(),
    principalName: col.text().nullable(),
    method: col.text(16).default(''),
    path: col.text(2000).default(''),
    url: col.longText().default(''),
    statusCode: col.int().default(0),
    durationMs: col.double().default(0),
    sourceIp: col.text(64).nullable(),
    requestHeaders: col.json<Record<string, string>>().default(() => ({})),
    responseHeaders: col.json<Record<string, string>>().default(() => ({})),
    requestBody: col.longText().nullable(),
    responseBody: col.longText().nullable(),
    requestBodyBytes: col.bigint().default(0),
    responseBodyBytes: col.bigint().default(0),
    requestBodyTruncated: col.bool().default(false),
    responseBodyTruncated: col.bool().default(false),
    createdUtc: col.timestamp().default(nowUtc),
    completedUtc: col.timestamp().nullable(),
  },
  { indexes: [['createdUtc'], ['tenantId', 'createdUtc']] },
);
