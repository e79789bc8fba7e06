/**
 * Query values a request may carry: `undefined` and `null` are left out, arrays repeat the key,
 * dates are sent as ISO 8601, other objects as JSON, anything else as its string form.
 */
export type QueryValues = Readonly<Record<string, unknown>>;

/** Encodes one path segment, so an id can never reach another route (`a/b`, `..`, `?x`). */
export const segment = (value: string): string => encodeURIComponent(value);

const queryText = (value: unknown): string => {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** The query string of `query`, without `?`; empty when nothing is to be sent. */
export const queryString = (query: QueryValues = {}): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) params.append(key, queryText(item));
    }
  }
  return params.toString();
};

/**
 * The URL of `path` under `baseUrl`, with `query`. Joined as text rather than resolved with
 * `new URL(path, base)`, which would drop a base path prefix and refuse a relative base.
 */
export const requestUrl = (baseUrl: string, path: string, query?: QueryValues): string => {
  const base = baseUrl.replace(/\/+$/, '');
  const url = `${base}${path.startsWith('/') ? path : `/${path}`}`;
  const search = queryString(query);
  if (search === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${search}`;
};
