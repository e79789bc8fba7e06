import { ErrorBody, TempoError } from '@tempo/contracts';
import type { z } from 'zod';

/** How a client authenticates; the first present kind is used, in this order. */
export interface ClientCredentials {
  /** Bearer token from `POST /v1.0/token`. */
  readonly token?: string;
  /** Administrator API key, sent as `x-api-key`. */
  readonly apiKey?: string;
  /** Credential access key, sent as `x-access-key`. */
  readonly accessKey?: string;
  /** Email and password (plain or SHA-256), sent as `x-email` / `x-password`. */
  readonly email?: string;
  readonly password?: string;
  /** Tenant hint for email/password and access-key calls, sent as `x-tenant-id`. */
  readonly tenantId?: string;
}

/** Options of a client. */
export interface TempoClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8901`. */
  readonly baseUrl: string;
  readonly credentials?: ClientCredentials;
  /** Per-request time limit in milliseconds; default 30000. */
  readonly timeoutMs?: number;
}

/** Query values a request may carry. */
export type QueryValues = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** What one request sends. */
export interface RequestOptions {
  readonly query?: QueryValues;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A body sent as is (for malformed-input tests); wins over `body`. */
  readonly rawBody?: string;
  /** Content type of `rawBody`; default `application/json`. */
  readonly contentType?: string;
}

/** An answer as {@link HttpTransport.raw} returns it, whatever its status. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, the text when it is not JSON, or null when empty. */
  readonly body: unknown;
}

/** A failed API call: the server's error body with the HTTP status. */
export class TempoApiError extends TempoError {
  constructor(statusCode: number, body: ErrorBody) {
    super(body.error, statusCode, body.message, body.details as TempoError['details']);
    this.name = 'TempoApiError';
  }
}

const credentialHeaders = (credentials: ClientCredentials): Record<string, string> => {
  const hint: Record<string, string> = credentials.tenantId ? { 'x-tenant-id': credentials.tenantId } : {};
  if (credentials.token) return { authorization: `Bearer ${credentials.token}` };
  if (credentials.apiKey) return { 'x-api-key': credentials.apiKey };
  if (credentials.accessKey) return { ...hint, 'x-access-key': credentials.accessKey };
  if (credentials.email && credentials.password) {
    return { ...hint, 'x-email': credentials.email, 'x-password': credentials.password };
  }
  return {};
};

const parseBody = (text: string): unknown => {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Sends requests to one server with one set of credentials, over `fetch`. */
export class HttpTransport {
  readonly options: TempoClientOptions;

  constructor(options: TempoClientOptions) {
    this.options = options;
  }

  /** Sends a request and resolves to the answer, whatever its status. */
  async raw(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    const url = new URL(path, this.options.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(url, {
      method,
      headers: {
        ...credentialHeaders(this.options.credentials ?? {}),
        ...(body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
        ...options.headers,
      },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { status: response.status, headers, body: parseBody(await response.text()) };
  }

  /** Sends a request; a 2xx answer is parsed with `schema`, anything else throws {@link TempoApiError}. */
  async request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    options: RequestOptions = {},
  ): Promise<z.infer<T>> {
    const response = await this.raw(method, path, options);
    if (response.status < 200 || response.status >= 300) {
      const error = ErrorBody.safeParse(response.body);
      throw new TempoApiError(
        response.status,
        error.success
          ? error.data
          : {
              error: 'InternalError',
              message: `HTTP ${response.status}: ${String(response.body).slice(0, 200)}`,
              details: null,
            },
      );
    }
    return schema.parse(response.body);
  }
}

/** Encodes one path segment. */
export const segment = (value: string): string => encodeURIComponent(value);
