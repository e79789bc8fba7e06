import { ErrorBody, TempoError } from '@tempo/contracts';
import { z } from 'zod';

/** How a client authenticates; at most one is used, in this order. */
export interface ClientCredentials {
  /** Bearer token from `POST /v1.0/token`. */
  readonly token?: string;
  /** Admin API key, sent as `x-api-key`. */
  readonly apiKey?: string;
  /** Credential access key, sent as `x-access-key`. */
  readonly accessKey?: string;
}

/** Options of {@link TempoClient}. */
export interface TempoClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8901`. */
  readonly baseUrl: string;
  readonly credentials?: ClientCredentials;
  /** Per-request time limit in milliseconds; default 30000. */
  readonly timeoutMs?: number;
}

/** What one request sends. */
export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A failed API call: the server's error body with the HTTP status. */
export class TempoApiError extends TempoError {
  constructor(statusCode: number, body: ErrorBody) {
    super(body.error, statusCode, body.message, body.details as TempoError['details']);
    this.name = 'TempoApiError';
  }
}

const ServerInfo = z.object({ name: z.string(), version: z.string() });
const Health = z.object({ status: z.string(), time: z.string() });

/** Typed REST client of the Tempo API, over `fetch`. */
export class TempoClient {
  readonly #options: TempoClientOptions;

  constructor(options: TempoClientOptions) {
    this.#options = options;
  }

  #authHeaders(): Record<string, string> {
    const credentials = this.#options.credentials ?? {};
    if (credentials.token) return { authorization: `Bearer ${credentials.token}` };
    if (credentials.apiKey) return { 'x-api-key': credentials.apiKey };
    if (credentials.accessKey) return { 'x-access-key': credentials.accessKey };
    return {};
  }

  /** Sends a request and validates the JSON answer with `schema`; a non-2xx answer throws {@link TempoApiError}. */
  async request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    options: RequestOptions = {},
  ): Promise<z.infer<T>> {
    const url = new URL(path, this.#options.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const hasBody = options.body !== undefined;
    const response = await fetch(url, {
      method,
      headers: {
        ...this.#authHeaders(),
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(hasBody ? { body: JSON.stringify(options.body) } : {}),
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    const json: unknown = text === '' ? null : JSON.parse(text);
    if (!response.ok) {
      const body = ErrorBody.safeParse(json);
      throw new TempoApiError(
        response.status,
        body.success
          ? body.data
          : {
              error: 'InternalError',
              message: `HTTP ${response.status}: ${text.slice(0, 200)}`,
              details: null,
            },
      );
    }
    return schema.parse(json);
  }

  /** `GET /`: server name and version. */
  serverInfo() {
    return this.request('GET', '/', ServerInfo);
  }

  /** `GET /v1.0/api/health`. */
  health() {
    return this.request('GET', '/v1.0/api/health', Health);
  }
}
