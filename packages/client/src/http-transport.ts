import { restoreNullProperties } from '@tempo/contracts';
import type { z } from 'zod';
import { TempoApiError, TempoResponseError } from './client-errors.ts';
import { credentialHeaders, DEFAULT_TIMEOUT_MS, type TempoClientOptions } from './client-options.ts';
import { type QueryValues, requestUrl } from './request-url.ts';

/** What one request sends. */
export interface RequestOptions {
  /** Query string values; see {@link QueryValues} for how each is written. */
  readonly query?: QueryValues;
  /** Sent as JSON with `content-type: application/json`. */
  readonly body?: unknown;
  /** Extra headers; they replace the credential and content-type headers of the same name. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A body sent exactly as given (package bytes, malformed input for black-box tests); wins over `body`. */
  readonly rawBody?: string | Uint8Array;
  /** Content type of `rawBody`; default `application/json`. */
  readonly contentType?: string;
  /** Time limit of this request in milliseconds; default the client's `timeoutMs`. */
  readonly timeoutMs?: number;
}

/** An answer as `raw()` returns it, whatever its status. */
export interface RawResponse {
  /** HTTP status. */
  readonly status: number;
  /** Answer headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, the text when it is not JSON, or null when empty. */
  readonly body: unknown;
  /** The body exactly as it came, as text (empty when none): for callers that keep text as text. */
  readonly text: string;
}

/** The body of an answer: JSON when it parses, otherwise the text itself. */
export const parseAnswerText = (text: string): unknown => {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Most redirects one request follows, all within the server's origin. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** What one hop of a request sends. */
interface Hop {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | Uint8Array<ArrayBuffer> | undefined;
}

/** Where a redirect answer leads, or null when it leaves `from`'s origin or names no target. */
const sameOriginTarget = (from: string, location: string | null): string | null => {
  if (location === null) return null;
  try {
    const current = new URL(from);
    const next = new URL(location, current);
    return next.origin === current.origin ? next.href : null;
  } catch {
    return null;
  }
};

/**
 * The next hop after a redirect, by the fetch rules: 303 (and 301/302 after a POST) turn into a
 * body-less GET; 307 and 308 repeat the request as it was.
 */
const redirected = (hop: Hop, status: number, url: string): Hop => {
  const becomesGet =
    (status === 303 && hop.method !== 'HEAD') ||
    ((status === 301 || status === 302) && hop.method === 'POST');
  if (!becomesGet) return { ...hop, url };
  const headers = new Headers(hop.headers);
  headers.delete('content-type');
  return { url, method: 'GET', headers, body: undefined };
};

/** Sends requests to one server with one set of credentials, over the platform's `fetch`. */
export class HttpTransport {
  readonly #options: TempoClientOptions;

  constructor(options: TempoClientOptions) {
    this.#options = options;
  }

  /** The options this transport was made with. */
  get options(): TempoClientOptions {
    return this.#options;
  }

  /** Sends a request and resolves to the answer, whatever its status; only network failures reject. */
  async raw(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    const raw = options.rawBody;
    // Copied into a plain ArrayBuffer-backed view, which every fetch accepts as a body.
    const body =
      raw === undefined
        ? options.body === undefined
          ? undefined
          : JSON.stringify(options.body)
        : typeof raw === 'string'
          ? raw
          : new Uint8Array(raw);
    const headers = new Headers(credentialHeaders(this.#options.credentials));
    if (body !== undefined) headers.set('content-type', options.contentType ?? 'application/json');
    // set(), not a merged object: `Authorization` from the caller must replace `authorization`,
    // not be appended to it.
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    const response = await this.#fetch(
      { url: requestUrl(this.#options.baseUrl, path, options.query), method, headers, body },
      options.timeoutMs,
    );
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      answerHeaders[name] = value;
    });
    const text = await response.text();
    return { status: response.status, headers: answerHeaders, body: parseAnswerText(text), text };
  }

  /** Sends a request and resolves to the bytes of a 2xx answer (downloads); throws like `request()`. */
  async bytes(method: string, path: string, options: RequestOptions = {}): Promise<Uint8Array> {
    const headers = new Headers(credentialHeaders(this.#options.credentials));
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    const response = await this.#fetch(
      { url: requestUrl(this.#options.baseUrl, path, options.query), method, headers, body: undefined },
      options.timeoutMs,
    );
    const body = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) {
      throw TempoApiError.fromAnswer(response.status, parseAnswerText(new TextDecoder().decode(body)));
    }
    return body;
  }

  /**
   * Sends a request and parses a 2xx answer with `schema`, absent nullable properties read as
   * null. A non-2xx answer throws
   * {@link TempoApiError}; a 2xx body that does not match throws {@link TempoResponseError}.
   */
  async request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    options: RequestOptions = {},
  ): Promise<z.output<T>> {
    const answer = await this.#succeeded(method, path, options);
    // The server leaves null properties of its records out; callers see them as null again.
    const restore = restoreNullProperties(schema);
    const parsed = schema.safeParse(restore ? restore(answer.body) : answer.body);
    if (!parsed.success) throw new TempoResponseError(method, path, answer.status, parsed.error);
    return parsed.data;
  }

  /** Sends a request whose answer carries nothing to read (a 204); throws like `request()`. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<void> {
    await this.#succeeded(method, path, options);
  }

  /**
   * One request with the redirects it meets followed by hand: only within the server's origin,
   * where its credentials belong, and at most {@link MAX_REDIRECTS} times. A redirect elsewhere
   * is answered as it is, so no credential header ever reaches another origin.
   */
  async #fetch(first: Hop, timeoutMs = this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS): Promise<Response> {
    const signal = AbortSignal.timeout(timeoutMs);
    let hop = first;
    for (let redirects = 0; ; redirects++) {
      const response = await fetch(hop.url, {
        method: hop.method,
        headers: hop.headers,
        ...(hop.body === undefined ? {} : { body: hop.body }),
        redirect: 'manual',
        signal,
      });
      // Browsers hide where a manual redirect leads; following it blind could leave the origin.
      if (response.type === 'opaqueredirect') {
        throw new TypeError(
          `${hop.method} ${hop.url} was redirected; the client does not follow redirects it cannot check.`,
        );
      }
      const next = REDIRECT_STATUSES.has(response.status)
        ? sameOriginTarget(hop.url, response.headers.get('location'))
        : null;
      if (next === null || redirects >= MAX_REDIRECTS) return response;
      await response.body?.cancel();
      hop = redirected(hop, response.status, next);
    }
  }

  async #succeeded(method: string, path: string, options: RequestOptions): Promise<RawResponse> {
    const answer = await this.raw(method, path, options);
    if (answer.status < 200 || answer.status > 299)
      throw TempoApiError.fromAnswer(answer.status, answer.body);
    return answer;
  }
}
