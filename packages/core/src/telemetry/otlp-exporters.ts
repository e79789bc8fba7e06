import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { TelemetrySettings } from '@tempo/contracts';
import type { ExportProblemReporter, TelemetryLog } from './export-problems.ts';

/** Time one OTLP export may take before it counts as failed, in ms. */
const EXPORT_TIMEOUT_MS = 10_000;

/** The OTLP exporters of a process, wrapped so that failures reach the reporter. */
export interface OtlpExporters {
  readonly spans: SpanExporter;
  readonly metrics: PushMetricExporter;
  /** The base URL exported to, for the start-up line. */
  readonly endpoint: string;
}

/**
 * Builds the OTLP exporters of `telemetry.otlpEndpoint`. Only OTLP over HTTP is built into this
 * release: `httpprotobuf` posts to `{endpoint}/v1/traces` and `{endpoint}/v1/metrics` (the
 * installed exporter encodes the OTLP messages as JSON, which OTLP/HTTP receivers such as the
 * OpenTelemetry Collector accept on the same paths). `grpc` is accepted for compatibility with
 * settings files written for other Tempo builds, warned about once, and exported the same way.
 */
export const createOtlpExporters = (
  settings: TelemetrySettings,
  reporter: ExportProblemReporter,
  log: TelemetryLog,
): OtlpExporters => {
  const endpoint = settings.otlpEndpoint.replace(/\/+$/, '');
  if (settings.otlpProtocol === 'grpc') {
    log.warn(
      { otlpEndpoint: endpoint, otlpProtocol: 'grpc' },
      'telemetry.otlpProtocol "grpc" is not supported by this build: exporting OTLP over HTTP to the same endpoint instead; point telemetry.otlpEndpoint at the collector\'s OTLP/HTTP port (usually 4318) and set telemetry.otlpProtocol to "httpprotobuf"',
    );
  }
  const spans = new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, timeoutMillis: EXPORT_TIMEOUT_MS });
  const metrics = new OTLPMetricExporter({ url: `${endpoint}/v1/metrics`, timeoutMillis: EXPORT_TIMEOUT_MS });
  return {
    spans: new ReportingSpanExporter(spans, reporter),
    metrics: new ReportingMetricExporter(metrics, reporter),
    endpoint,
  };
};

/** Passes a result on after telling the reporter how the export went. */
const reporting =
  (reporter: ExportProblemReporter, what: string, done: (result: ExportResult) => void) =>
  (result: ExportResult): void => {
    if (result.code === ExportResultCode.SUCCESS) reporter.succeeded(what);
    else reporter.failed(what, result.error ?? new Error('export failed'));
    done(result);
  };

/** A span exporter whose failures are reported (rate-limited) instead of logged per batch. */
class ReportingSpanExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #reporter: ExportProblemReporter;

  constructor(inner: SpanExporter, reporter: ExportProblemReporter) {
    this.#inner = inner;
    this.#reporter = reporter;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.#inner.export(spans, reporting(this.#reporter, 'traces', done));
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** A metric exporter whose failures are reported (rate-limited) instead of logged per export. */
class ReportingMetricExporter implements PushMetricExporter {
  readonly #inner: PushMetricExporter;
  readonly #reporter: ExportProblemReporter;

  constructor(inner: PushMetricExporter, reporter: ExportProblemReporter) {
    this.#inner = inner;
    this.#reporter = reporter;
    // Cumulative or delta, as the inner exporter prefers.
    const { selectAggregationTemporality, selectAggregation } = inner;
    if (selectAggregationTemporality)
      this.selectAggregationTemporality = selectAggregationTemporality.bind(inner);
    if (selectAggregation) this.selectAggregation = selectAggregation.bind(inner);
  }

  selectAggregationTemporality?: PushMetricExporter['selectAggregationTemporality'];
  selectAggregation?: PushMetricExporter['selectAggregation'];

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.#inner.export(metrics, reporting(this.#reporter, 'metrics', done));
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
