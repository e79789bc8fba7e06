/** OpenTelemetry for Tempo's processes: set-up from `telemetry.*`, the `tempo.*` instruments, run and step tracing, W3C trace context. */
export type { Span as TelemetrySpan } from '@opentelemetry/api';
export {
  EXPORT_WARNING_INTERVAL_MS,
  ExportProblemReporter,
  type ExportProblemReporterOptions,
  type TelemetryLog,
} from './export-problems.ts';
export {
  bindToActiveContext,
  type HttpRequestEnd,
  HttpServerTelemetry,
  type IncomingHeaders,
} from './http-server-telemetry.ts';
export { instrumentProviders, type TracedRun, traceFlowRun } from './run-telemetry.ts';
export {
  disabledTelemetry,
  type PrometheusEndpoint,
  type StartTelemetryOptions,
  startTelemetry,
  TELEMETRY_SHUTDOWN_TIMEOUT_MS,
  type Telemetry,
  type TelemetryProcess,
} from './start-telemetry.ts';
export {
  createTempoInstruments,
  TEMPO_INSTRUMENTATION_SCOPE,
  type TelemetryComponent,
  type TempoInstruments,
} from './tempo-instruments.ts';
export {
  contextOfTraceFields,
  currentTraceFields,
  type TraceFields,
  traceEnvironment,
  withTraceFields,
} from './trace-context.ts';
