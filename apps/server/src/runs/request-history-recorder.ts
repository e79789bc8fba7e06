import { utf8Prefix } from '@tempo/core/engine';
import { newId } from '@tempo/core/ids';
import { BoundedMap } from '@tempo/core/store';
import type { FastifyInstance } from 'fastify';
import { principalName } from '../auth/principal.ts';
import { TokenBuckets } from '../http/token-buckets.ts';
import type { ServerContext } from '../server-context.ts';

/**
 * Header names whose values are credentials, stored as `****`: the authentication headers of the
 * spec (`authorization`, `x-api-key`, `x-access-key`, `x-token`, `x-password`, `x-worker-token`,
 * ...), cookies, and any header whose name says it carries a secret (`x-my-api-token`).
 */
const SECRET_HEADER = /auth|token|secret|passw|api-?key|access-?key|cookie|session|credential|signature/i;

/** Verdicts per header name: requests repeat the same few names, so each is tested once. */
const secretNames = new BoundedMap<string, boolean>(512);

const isSecretHeader = (name: string): boolean => {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = SECRET_HEADER.test(name);
    secretNames.set(name, secret);
  }
  return secret;
};

/** Headers as stored: one text per name, credentials as `****`. */
export const redactedHeaders = (headers: Readonly<Record<string, unknown>>): Record<string, string> => {
  const stored: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    stored[name] = isSecretHeader(name) ? '****' : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return stored;
};

/**
 * A URL as stored: query parameters whose names say they hold a secret (`?api_key=`,
 * `?access_token=`) keep their name, their value becomes `****`.
 */
export const redactedUrl = (url: string): string => {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return url;
  const pairs = url.slice(queryAt + 1).split('&');
  let changed = false;
  for (let i = 0; i < pairs.length; i += 1) {
    const pair = pairs[i] ?? '';
    const equals = pair.indexOf('=');
    const rawName = equals < 0 ? pair : pair.slice(0, equals);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replaceAll('+', ' '));
    } catch {
      // A malformed escape is judged by its raw text.
    }
    // Query names spell words with `_` where headers use `-`.
    if (equals >= 0 && isSecretHeader(name.toLowerCase().replaceAll('_', '-'))) {
      pairs[i] = `${rawName}=****`;
      changed = true;
    }
  }
  return changed ? `${url.slice(0, queryAt)}?${pairs.join('&')}` : url;
};

/** Longest stored path and principal name: the widths of their columns. */
const MAX_PATH_CHARS = 2000;
const MAX_NAME_CHARS = 255;

const cut = (text: string, max: number): string => (text.length > max ? text.slice(0, max) : text);

/**
 * A body as stored: its text cut to `limitBytes` UTF-8 bytes on a character boundary (the
 * limits are in bytes, and a character cut in half would not be text), its whole size, and
 * whether it was cut.
 */
const captured = (body: unknown, limitBytes: number, declaredBytes?: string) => {
  // A body refused before it was read (too large) is still sized, by what the caller declared.
  if (body === undefined && declaredBytes !== undefined && /^\d{1,15}$/.test(declaredBytes)) {
    const bytes = Number(declaredBytes);
    return { text: null, bytes, truncated: bytes > 0 };
  }
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
    const requestBody = captured(
      request.body,
      settings.maxRequestBodyBytes,
      request.headers['content-length'],
    );
    const responseBody = captured(responseBodies.get(request), settings.maxResponseBodyBytes);
    const responseHeaders = redactedHeaders(reply.getHeaders());
    const { principal } = request;
    const tenantId =
      principal.kind === 'user' ? principal.tenantId : (responseHeaders['x-tenant-id'] ?? null);
    if (tenantId === null && principal.kind === 'anonymous' && !unowned.take('anonymous', performance.now()))
      return;
    const startedMs = Date.now() - reply.elapsedTime;
    const name = principalName(principal);
    await context.repositories.requestHistory
      .create({
        id: newId('requestHistory'),
        tenantId,
        userId: principal.kind === 'user' ? principal.userId : null,
        principalName: name === null ? null : cut(name, MAX_NAME_CHARS),
        method: request.method,
        // The raw path, not the route's pattern: which trigger was called is what a reader looks for.
        path: cut(request.url.split('?', 1)[0] ?? '', MAX_PATH_CHARS),
        url: redactedUrl(request.url),
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        sourceIp: request.ip,
        requestHeaders: redactedHeaders(request.headers),
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
