import { nodeHttp } from './node-http.ts';

/** Headers that describe one connection or message: the client sets them for the pinned target. */
const CONNECTION_HEADERS = [
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'host',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
] as const;

/** Headers never sent as configured or given: the client sets them per connection. */
const NEVER_SENT: ReadonlySet<string> = new Set(CONNECTION_HEADERS);

/**
 * Headers a step's input may not set: connection headers, and headers only a response carries.
 * A step's input is often the previous REST step's output, whose `Headers` are that response's.
 */
const NOT_FROM_INPUT: ReadonlySet<string> = new Set([
  ...CONNECTION_HEADERS,
  'content-encoding',
  'proxy-authenticate',
  'proxy-authorization',
  'date',
  'set-cookie',
  'set-cookie2',
  'server',
  'location',
  'age',
  'etag',
  'last-modified',
  'expires',
  'vary',
  'via',
  'www-authenticate',
  'accept-ranges',
  'content-range',
  'alt-svc',
  'strict-transport-security',
]);

/**
 * The headers of a REST step's request, names lower-cased. Names compare without case, so one
 * header is sent once. Precedence: the step's configured headers win over the input's `Headers`,
 * since the configuration is what its owner saved and the input is whatever the caller or the
 * previous step produced (a caller must not replace a configured `Authorization`).
 */
export const mergeRequestHeaders = (
  configured: Readonly<Record<string, string>>,
  input: Readonly<Record<string, string>>,
): Record<string, string> => {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    const key = name.toLowerCase();
    if (!NOT_FROM_INPUT.has(key)) merged[key] = value;
  }
  for (const [name, value] of Object.entries(configured)) {
    const key = name.toLowerCase();
    if (!NEVER_SENT.has(key)) merged[key] = value;
  }
  return merged;
};

/**
 * Why a header cannot be sent, naming the header but never its value (values hold tokens);
 * null when all can be sent.
 */
export const headerProblem = (headers: Readonly<Record<string, string>>): string | null => {
  for (const [name, value] of Object.entries(headers)) {
    try {
      nodeHttp.validateHeaderName(name);
    } catch {
      return `A request header name is not valid: ${JSON.stringify(name.slice(0, 64))}.`;
    }
    try {
      nodeHttp.validateHeaderValue(name, value);
    } catch {
      return `The value of request header "${name}" contains characters a header cannot carry.`;
    }
  }
  return null;
};

/** Headers that may follow a redirect to another origin: none that can carry a credential. */
const CROSS_ORIGIN_SAFE: ReadonlySet<string> = new Set([
  'accept',
  'accept-language',
  'content-language',
  'content-type',
  'user-agent',
]);

/** The headers kept when a redirect leads to another origin: none that can carry a credential. */
export const crossOriginHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => CROSS_ORIGIN_SAFE.has(name)));
