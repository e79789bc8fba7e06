import { type Context, context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';

/** W3C trace context as the worker frames carry it (`traceParent`/`traceState`, spec §3.1). */
export interface TraceFields {
  readonly traceParent?: string;
  readonly traceState?: string;
}

const NO_VARIABLES: Readonly<Record<string, string>> = Object.freeze({});
const NO_FIELDS: TraceFields = Object.freeze({});

/** The active context's `traceparent`/`tracestate` headers; empty when no span is active. */
const activeHeaders = (): Record<string, string> | null => {
  const active = context.active();
  // Without a recording span (telemetry off, or nothing traced) there is nothing to carry.
  if (trace.getSpan(active) === undefined) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  return carrier.traceparent ? carrier : null;
};

/**
 * `TRACEPARENT` (and `TRACESTATE` when there is one) of the active span, for a handler process's
 * environment, so a handler's own spans join the run's trace. Empty when no span is active.
 */
export const traceEnvironment = (): Readonly<Record<string, string>> => {
  const headers = activeHeaders();
  if (!headers?.traceparent) return NO_VARIABLES;
  return headers.tracestate
    ? { TRACEPARENT: headers.traceparent, TRACESTATE: headers.tracestate }
    : { TRACEPARENT: headers.traceparent };
};

/** The active span's context as the optional frame fields; empty when no span is active. */
export const currentTraceFields = (): TraceFields => {
  const headers = activeHeaders();
  if (!headers?.traceparent) return NO_FIELDS;
  return headers.tracestate
    ? { traceParent: headers.traceparent, traceState: headers.tracestate }
    : { traceParent: headers.traceparent };
};

/**
 * The context a frame's trace fields name, to start the receiving side's spans under; the root
 * context when the frame carries none or an unparseable one.
 */
export const contextOfTraceFields = (fields: TraceFields): Context => {
  if (!fields.traceParent) return ROOT_CONTEXT;
  const carrier: Record<string, string> = { traceparent: fields.traceParent };
  if (fields.traceState) carrier.tracestate = fields.traceState;
  return propagation.extract(ROOT_CONTEXT, carrier);
};

/**
 * Runs `fn` with the context a frame's trace fields name active, so the spans it starts (a
 * worker's `flow.run`, its steps) continue the sender's trace. Without telemetry the API's no-op
 * context manager simply calls `fn`.
 */
export const withTraceFields = <R>(fields: TraceFields, fn: () => R): R =>
  context.with(contextOfTraceFields(fields), fn);
