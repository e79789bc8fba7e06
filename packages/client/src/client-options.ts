/** How a client authenticates; only the first kind present is sent, in the order of the fields. */
export interface ClientCredentials {
  /** Bearer token from `POST /v1.0/token`, sent as `Authorization: Bearer`. */
  readonly token?: string;
  /** Administrator API key (`auth.adminApiKey`), sent as `x-api-key`. */
  readonly apiKey?: string;
  /** Credential access key, sent as `x-access-key`. */
  readonly accessKey?: string;
  /** Email of a user or administrator, sent as `x-email` (only together with `password`). */
  readonly email?: string;
  /** Password, plain or its SHA-256 hex, sent as `x-password` (only together with `email`). */
  readonly password?: string;
  /** Tenant hint, sent as `x-tenant-id` with any kind: picks the tenant of an email used in several. */
  readonly tenantId?: string;
}

/** Options of a `TempoClient`. */
export interface TempoClientOptions {
  /**
   * Server base URL, e.g. `http://127.0.0.1:8901`; a path prefix (`https://host/tempo`) is kept,
   * and a relative base (`/api`, or `''` for the page's own origin) works in browsers.
   */
  readonly baseUrl: string;
  /** Who the client calls as; anonymous when omitted. */
  readonly credentials?: ClientCredentials;
  /**
   * Time limit of each request in milliseconds; default 30000. A trigger call waits at least as
   * long as the server waits for its run, plus a margin (see `triggerCallTimeoutMs`).
   */
  readonly timeoutMs?: number;
}

/** Default of {@link TempoClientOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The headers that carry `credentials`, lower-case. */
export const credentialHeaders = (credentials: ClientCredentials = {}): Record<string, string> => {
  // The server resolves the caller in this same order; sending one kind keeps the others'
  // secrets off the wire.
  const headers: Record<string, string> = {};
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  else if (credentials.apiKey) headers['x-api-key'] = credentials.apiKey;
  else if (credentials.accessKey) headers['x-access-key'] = credentials.accessKey;
  else if (credentials.email && credentials.password) {
    headers['x-email'] = credentials.email;
    headers['x-password'] = credentials.password;
  }
  if (credentials.tenantId) headers['x-tenant-id'] = credentials.tenantId;
  return headers;
};
