import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { Telemetry } from './start-telemetry.ts';

/** Request headers as HTTP servers hand them over (lower-case names). */
export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What a request's end is recorded with. */
export interface HttpRequestEnd {
  readonly method: string;
  /** The matched route template (`/v1.0/runs/:id`), or undefined when no route matched. */
  readonly route: string | undefined;
  readonly statusCode: number;
  readonly elapsedMs: number;
}

const HTTP_ERROR: Attributes = Object.freeze({ area: 'http' });

/**
 * The HTTP server side of telemetry, independent of the web framework: a `SERVER` span per
 * request that continues an incoming W3C `traceparent`, the request's handling run with that
 * span active, and `http.server.request.duration` recorded at the end (its count is the
 * request count). 5xx answers also count in `tempo.errors{area="http"}`.
 */
export class HttpServerTelemetry {
  readonly #telemetry: Telemetry;

  constructor(telemetry: Telemetry) {
    this.#telemetry = telemetry;
  }

  /** Starts the request's span, a child of the caller's `traceparent` when it sent a valid one. */
  begin(method: string, headers: IncomingHeaders): Span {
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    return this.#telemetry.tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } },
      parent,
    );
  }

  /** Calls `next` with the request's span active, so what it starts (a run) is traced under it. */
  activate(span: Span, next: () => void): void {
    context.with(trace.setSpan(ROOT_CONTEXT, span), next);
  }

  /** Records the request's duration and ends its span (when it has one). */
  end(span: Span | null, request: HttpRequestEnd): void {
    const { method, route, statusCode } = request;
    const attributes: Attributes =
      route === undefined
        ? { 'http.request.method': method, 'http.response.status_code': statusCode }
        : { 'http.request.method': method, 'http.route': route, 'http.response.status_code': statusCode };
    this.#telemetry.instruments.httpServerDuration.record(request.elapsedMs / 1000, attributes);
    if (statusCode >= 500) this.#telemetry.instruments.errors.add(1, HTTP_ERROR);
    if (!span) return;
    if (route !== undefined) span.updateName(`${method} ${route}`);
    span.setAttributes(attributes);
    if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }

  /** Ends the span of a request the client abandoned before its answer. */
  abandon(span: Span | null): void {
    if (!span) return;
    span.setAttribute('http.request.aborted', true);
    span.end();
  }
}

/**
 * `fn` bound to the context active now, for work that runs later from somewhere else (a queued
 * run that starts when another frees its slot): it then runs under the trace of whoever queued
 * it. Without telemetry the API's no-op context manager gives `fn` back as it is.
 */
export const bindToActiveContext = <A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) =>
  context.bind(context.active(), fn);
