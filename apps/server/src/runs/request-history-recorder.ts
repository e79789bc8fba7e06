import { utf8Prefix } from '@tempo/core/engine';
import { newId } from '@tempo/core/ids';
import { BoundedMap } from '@tempo/core/store';
import type { FastifyInstance } from 'fastify';
import { principalName } from '../auth/principal.ts';
import { TokenBuckets } from '../http/token-buckets.ts';
import type { ServerContext } from '../server-context.ts';

/**
 * Names whose values are credentials, stored as `****`: the authentication headers of the spec
 * (`authorization`, `x-api-key`, `x-access-key`, `x-token`, `x-password`, `x-worker-token`, ...),
 * cookies, and any name that says it carries a secret (`x-my-api-token`, `x-private-jwt`,
 * `x-hub-signature-256`), a bare `key` or `sig` word included (`x-key`, `api_key`, `sig`). Tested
 * on the name as {@link normalisedName} spells it, so `x-api_key` and `apiKey` are `x-api-key`.
 */
const SECRET_NAME =
  /auth|token|secret|pass|pwd|private|jwt|bearer|signature|api-?key|access-?key|cookie|session|credential|(?:^|-)(?:key|sig)(?:-|$)/;

/** Query parameters add `code` (an OAuth authorisation code is as good as a password). */
const SECRET_QUERY_NAME = /(?:^|-)code(?:-|$)/;

/** A name in one spelling: lower case, words split by `-` (`api_key`, `apiKey` → `api-key`). */
const normalisedName = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replaceAll('_', '-');

/** Verdicts per name: requests repeat the same few names, so each is tested once. */
const secretNames = new BoundedMap<string, boolean>(512);
const secretQueryNames = new BoundedMap<string, boolean>(512);

/** Whether a header name, JSON field name or (with `query`) query parameter name holds a secret. */
export const isSecretName = (name: string, query = false): boolean => {
  const cache = query ? secretQueryNames : secretNames;
  let secret = cache.get(name);
  if (secret === undefined) {
    const spelled = normalisedName(name);
    secret = SECRET_NAME.test(spelled) || (query && SECRET_QUERY_NAME.test(spelled));
    cache.set(name, secret);
  }
  return secret;
};

const isSecretHeader = (name: string): boolean => isSecretName(name);

/**
 * A cheap look for any secret-looking word in a body's text: only a body that has one is parsed
 * and walked, so the usual trigger call pays one scan of its text and nothing more.
 */
const SUSPICIOUS_TEXT = /auth|token|secret|pass|pwd|private|jwt|bearer|sig|key|cookie|session|credential/i;

/** Past this depth a JSON body's nested values are stored as `****` whole, not walked further. */
const MAX_MASK_DEPTH = 64;

/** A copy of a JSON value with the value of every field named like a secret as `****`. */
const maskedJson = (value: unknown, depth = 0): unknown => {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_MASK_DEPTH) return '****';
  if (Array.isArray(value)) return value.map((item) => maskedJson(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    copy[key] = isSecretName(key) ? '****' : maskedJson(item, depth + 1);
  return copy;
};

/**
 * A JSON body's text with secret-named fields masked, or the text unchanged when it holds no
 * secret-looking word or is no JSON (a cut or malformed body is judged by nothing it could hide).
 */
export const redactedJsonText = (text: string, parsed?: unknown): string => {
  if (!SUSPICIOUS_TEXT.test(text)) return text;
  let value = parsed;
  if (value === undefined) {
    try {
      value = JSON.parse(text);
    } catch {
      return text;
    }
  }
  return JSON.stringify(maskedJson(value)) ?? text;
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
    if (equals >= 0 && isSecretName(name, true)) {
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
 * whether it was cut. A JSON body has its secret-named fields masked first; the size and the
 * cut flag stay those of the body as sent.
 */
const captured = (body: unknown, limitBytes: number, json: boolean, declaredBytes?: string) => {
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
  const isParsed = typeof body === 'object' && body !== null && !Buffer.isBuffer(body);
  const stored = json || isParsed ? redactedJsonText(text, isParsed ? body : undefined) : text;
  const kept = Buffer.byteLength(stored) > limitBytes ? utf8Prefix(stored, limitBytes) : stored;
  return { text: kept === '' ? null : kept, bytes, truncated: bytes > limitBytes };
};

const responseBodies = new WeakMap<object, unknown>();

/** Whether a content type is JSON (`application/json`, `application/problem+json`, ...). */
const isJson = (contentType: unknown): boolean =>
  typeof contentType === 'string' && /[/+]json\b/i.test(contentType);

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
      isJson(request.headers['content-type']),
      request.headers['content-length'],
    );
    const responseBody = captured(
      responseBodies.get(request),
      settings.maxResponseBodyBytes,
      isJson(reply.getHeader('content-type')),
    );
    const responseHeaders = redactedHeaders(reply.getHeaders());
    const { principal } = request;
    // A trigger call is filed under the trigger's tenant (the flow's owner, which the trigger
    // route names in `x-tenant-id`), whoever called it: its body and output are that tenant's,
    // so the caller's own tenant never reads them through its history. Other calls are filed
    // under the signed-in user's tenant.
    const tenantId =
      responseHeaders['x-tenant-id'] ?? (principal.kind === 'user' ? principal.tenantId : null);
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
