import { HttpServerTelemetry, type Telemetry, type TelemetrySpan } from '@tempo/core/telemetry';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span while telemetry is on; null otherwise. */
    telemetrySpan: TelemetrySpan | null;
  }
}

/**
 * Traces and measures every request of `app`: a server span from `onRequest` (continuing the
 * caller's `traceparent`) to `onResponse`, active while hooks and the handler run, and the
 * request's duration by method, route and status. Registered on the root instance before any
 * other hook, so authentication and the handler run inside the span. With telemetry off nothing
 * is registered and requests pay nothing.
 */
export const registerHttpTelemetry = (app: FastifyInstance, telemetry: Telemetry): void => {
  if (!telemetry.enabled) return;
  const http = new HttpServerTelemetry(telemetry);
  app.decorateRequest('telemetrySpan', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const span = http.begin(request.method, request.headers);
    request.telemetrySpan = span;
    http.activate(span, done);
  });
  // The body is read between onRequest and here, on the socket's own events: the span is made
  // active again so the hooks after this one and the handler (which may start a run) see it.
  app.addHook('preHandler', (request, _reply, done) => {
    const span = request.telemetrySpan;
    if (span) http.activate(span, done);
    else done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    http.end(request.telemetrySpan, {
      method: request.method,
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      elapsedMs: reply.elapsedTime,
    });
    request.telemetrySpan = null;
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    http.abandon(request.telemetrySpan);
    request.telemetrySpan = null;
    done();
  });
};
