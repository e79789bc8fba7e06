import { utf8Prefix } from '@tempo/core/engine';
import { newId } from '@tempo/core/ids';
import type { FastifyInstance } from 'fastify';
import { principalName } from '../auth/principal.ts';
import { TokenBuckets } from '../http/token-buckets.ts';
import type { ServerContext } from '../server-context.ts';

/** Headers whose values are credentials: stored as `****`. */
const SECRET_HEADERS = new Set([
  'authorization',
  'x-token',
  'x-api-key',
  'x-access-key',
  'x-secret-key',
  'x-password',
  'x-worker-token',
  'cookie',
  'set-cookie',
]);

const headerMap = (headers: Readonly<Record<string, unknown>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [
        name,
        SECRET_HEADERS.has(name.toLowerCase())
          ? '****'
          : Array.isArray(value)
            ? value.join(', ')
            : String(value),
      ]),
  );

/**
 * A body as stored: its text cut to `limitBytes` UTF-8 bytes on a character boundary (the
 * limits are in bytes, and a character cut in half would not be text), its whole size, and
 * whether it was cut.
 */
const captured = (body: unknown, limitBytes: number) => {
  const text =
    body === undefined || body === null
      ? ''
      : typeof body === 'string'
        ? body
        : Buffer.isBuffer(body)
          ? body.toString('utf8')
          : (JSON.stringify(body) ?? '');
  const bytes = Buffer.byteLength(text);
  const kept = bytes > limitBytes ? utf8Prefix(text, limitBytes) : text;
  return { text: kept === '' ? null : kept, bytes, truncated: bytes > limitBytes };
};

const responseBodies = new WeakMap<object, unknown>();

/**
 * Rows per second for anonymous calls no tenant owns (an unknown trigger, a refused sign-in, a
 * body refused before any trigger was found): enough to see such traffic, never a way to grow
 * the database at a flood's pace.
 */
const UNOWNED_ROWS_PER_SECOND = 10;

/**
 * Records every request of the routes of `app` (an encapsulated plugin) in request history, but
 * those refused with 429 and, past {@link UNOWNED_ROWS_PER_SECOND}, anonymous ones no tenant owns:
 * method, path, status, duration, caller, client address, headers with credentials redacted,
 * and both bodies cut to the `requestHistory` limits. A failed write is logged, never answered.
 */
export const recordRequestHistory = (app: FastifyInstance, context: ServerContext): void => {
  const settings = context.settings.requestHistory;
  if (!settings.enabled) return;
  const unowned = new TokenBuckets({ ratePerSecond: UNOWNED_ROWS_PER_SECOND });
  app.addHook('onSend', async (request, _reply, payload) => {
    responseBodies.set(request, payload);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    // A call refused by a rate limit leaves no row: a flood of them would otherwise grow the
    // database at the flood's pace, which is what the limit is there to prevent.
    if (reply.statusCode === 429) return;
    const requestBody = captured(request.body, settings.maxRequestBodyBytes);
    const responseBody = captured(responseBodies.get(request), settings.maxResponseBodyBytes);
    const responseHeaders = headerMap(reply.getHeaders());
    const { principal } = request;
    const tenantId =
      principal.kind === 'user' ? principal.tenantId : (responseHeaders['x-tenant-id'] ?? null);
    if (tenantId === null && principal.kind === 'anonymous' && !unowned.take('anonymous', performance.now()))
      return;
    const startedMs = Date.now() - reply.elapsedTime;
    await context.repositories.requestHistory
      .create({
        id: newId('requestHistory'),
        tenantId,
        userId: principal.kind === 'user' ? principal.userId : null,
        principalName: principalName(principal),
        method: request.method,
        path: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
        url: request.url,
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        sourceIp: request.ip,
        requestHeaders: headerMap(request.headers),
        responseHeaders,
        requestBody: requestBody.text,
        responseBody: responseBody.text,
        requestBodyBytes: requestBody.bytes,
        responseBodyBytes: responseBody.bytes,
        requestBodyTruncated: requestBody.truncated,
        responseBodyTruncated: responseBody.truncated,
        createdUtc: new Date(startedMs).toISOString(),
        completedUtc: new Date().toISOString(),
      })
      .catch((error: unknown) => request.log.error({ err: error }, 'request history entry not written'));
  });
};
