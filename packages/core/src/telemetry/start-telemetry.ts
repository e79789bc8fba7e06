import {
  context,
  createNoopMeter,
  DiagLogLevel,
  diag,
  type Meter,
  metrics,
  ProxyTracerProvider,
  propagation,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { TelemetrySettings } from '@tempo/contracts';
import { ExportProblemReporter, type TelemetryLog } from './export-problems.ts';
import {
  createTempoInstruments,
  TEMPO_INSTRUMENTATION_SCOPE,
  type TempoInstruments,
} from './tempo-instruments.ts';

/** The processes that set telemetry up (`tempo.build.info{component}`). */
export type TelemetryProcess = 'server' | 'worker' | 'mcp';

/**
 * Default bound on {@link Telemetry.shutdown}, in ms: the last export gets this long. An OTLP
 * exporter retries a collector that is down for several seconds, which no stop should wait for.
 */
export const TELEMETRY_SHUTDOWN_TIMEOUT_MS = 1000;

/** The bound when exports are already failing: the last one would fail the same way. */
const FAILING_SHUTDOWN_TIMEOUT_MS = 250;

/** Options of {@link startTelemetry}. */
export interface StartTelemetryOptions {
  /** The process's `telemetry` section. */
  readonly settings: TelemetrySettings;
  readonly component: TelemetryProcess;
  /** Build version, reported as `service.version` and on `tempo.build.info`. */
  readonly version: string;
  readonly log: TelemetryLog;
  /** Longest wait for the last export at shutdown, in ms; default {@link TELEMETRY_SHUTDOWN_TIMEOUT_MS}. */
  readonly shutdownTimeoutMs?: number;
}

/** Where the in-process Prometheus endpoint listens. */
export interface PrometheusEndpoint {
  readonly host: string;
  readonly port: number;
  /** Always `/metrics`. */
  readonly path: string;
}

/** A process's telemetry: its instruments and tracer, and how to stop exporting. */
export interface Telemetry {
  /** False when `telemetry.enabled` is off: every instrument and the tracer are no-ops. */
  readonly enabled: boolean;
  readonly instruments: TempoInstruments;
  /** The `Tempo` tracer. */
  readonly tracer: Tracer;
  /** The `Tempo` meter, for observable callbacks a process adds (process-host slots, say). */
  readonly meter: Meter;
  /** The Prometheus endpoint, when `prometheusEnabled` and it could listen; else null. */
  readonly prometheus: PrometheusEndpoint | null;
  /** Flushes and stops exporting within the bound; never throws. */
  shutdown(): Promise<void>;
}

/** Telemetry that records nothing: the API's no-op meter and tracer, no listener, no timer. */
export const disabledTelemetry = (): Telemetry => {
  const meter = createNoopMeter();
  return {
    enabled: false,
    instruments: createTempoInstruments(meter),
    tracer: new ProxyTracerProvider().getTracer(TEMPO_INSTRUMENTATION_SCOPE),
    meter,
    prometheus: null,
    shutdown: () => Promise.resolve(),
  };
};

/**
 * The process's own figures, read when metrics are collected (nothing on the hot path):
 * `process.memory.usage` (resident bytes) and `process.cpu.time{cpu.mode}` (seconds).
 */
const observeRuntime = (meter: Meter): void => {
  meter
    .createObservableGauge('process.memory.usage', {
      unit: 'By',
      description: 'Resident memory of the process.',
    })
    .addCallback((result) => result.observe(process.memoryUsage.rss()));
  meter
    .createObservableCounter('process.cpu.time', { unit: 's', description: 'CPU time of the process.' })
    .addCallback((result) => {
      const usage = process.cpuUsage();
      result.observe(usage.user / 1e6, { 'cpu.mode': 'user' });
      result.observe(usage.system / 1e6, { 'cpu.mode': 'system' });
    });
};

/** `prometheusHostname` as a listen address: `*` (containers) means every IPv4 interface. */
const listenHost = (hostname: string): string => (hostname === '*' ? '0.0.0.0' : hostname);

/**
 * Sets up OpenTelemetry for one process from its `telemetry` settings: a meter provider with the
 * Prometheus endpoint and the OTLP metric exporter as configured, a tracer provider with
 * parent-based ratio sampling and the OTLP span exporter, W3C trace-context propagation and the
 * AsyncLocalStorage context manager, all registered as the process's globals. Every failure to
 * start an exporter is one warning: the service starts anyway. With `enabled` off nothing is
 * created ({@link disabledTelemetry}).
 */
export const startTelemetry = async (options: StartTelemetryOptions): Promise<Telemetry> => {
  const { settings, component, version, log } = options;
  if (!settings.enabled) return disabledTelemetry();
  // Spans and metrics that nothing exports are pure cost on every request: with neither OTLP nor
  // Prometheus on, the process runs as with telemetry off.
  if (!settings.otlpEnabled && !settings.prometheusEnabled) {
    log.info({}, 'telemetry: neither OTLP nor Prometheus is enabled, so nothing is recorded');
    return disabledTelemetry();
  }
  // The SDK is loaded only by a process that exports: it is a sizeable module graph, and a
  // server without telemetry should not pay for it at start-up or in memory.
  const [
    { AsyncLocalStorageContextManager },
    { setGlobalErrorHandler, W3CTraceContextPropagator },
    { PrometheusExporter },
    { resourceFromAttributes },
    { MeterProvider, PeriodicExportingMetricReader },
    { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider },
    { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION },
    { createOtlpExporters },
  ] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/exporter-prometheus'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/semantic-conventions'),
    import('./otlp-exporters.ts'),
  ]);
  const reporter = new ExportProblemReporter({ log });
  // Whatever the SDK reports on its own (a failed export it retried, a bad callback) goes
  // through the same rate limit, never as a line per failure.
  setGlobalErrorHandler((error) => reporter.failed('sdk', error));
  diag.setLogger(
    {
      error: (message) => reporter.failed('sdk', message),
      warn: (message) => reporter.failed('sdk', message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: settings.serviceName ?? `tempo-${component}`,
    [ATTR_SERVICE_VERSION]: version,
  });
  const readers: MetricReader[] = [];
  const spanProcessors: SpanProcessor[] = [];
  if (settings.otlpEnabled) {
    const exporters = createOtlpExporters(settings, reporter, log);
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: exporters.metrics,
        exportIntervalMillis: settings.metricsExportIntervalMs,
        exportTimeoutMillis: Math.min(settings.metricsExportIntervalMs, 10_000),
      }),
    );
    spanProcessors.push(new BatchSpanProcessor({ exporter: exporters.spans }));
  }
  let prometheus: PrometheusEndpoint | null = null;
  if (settings.prometheusEnabled) {
    const host = listenHost(settings.prometheusHostname);
    const exporter = new PrometheusExporter({
      host,
      port: settings.prometheusPort,
      preventServerStart: true,
    });
    try {
      await exporter.startServer();
      // The exporter is built on its own patch release of sdk-metrics (a private field's
      // declaration differs); the reader contract the meter provider calls is the same.
      readers.push(exporter as unknown as MetricReader);
      prometheus = { host, port: settings.prometheusPort, path: '/metrics' };
    } catch (error) {
      log.warn(
        { host, port: settings.prometheusPort, reason: (error as Error).message },
        'telemetry: the Prometheus endpoint could not listen; metrics are not served there (the service keeps running)',
      );
      await exporter.stopServer().catch(() => undefined);
    }
  }
  const meterProvider = new MeterProvider({ resource, readers });
  const tracerProvider = new TracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.samplingRatio) }),
    spanProcessors,
  });
  // A second set-up in one process (tests) keeps the first globals: the API refuses to replace them.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  const meter = meterProvider.getMeter(TEMPO_INSTRUMENTATION_SCOPE, version);
  const instruments = createTempoInstruments(meter);
  instruments.buildInfo.addCallback((result) => result.observe(1, { version, component }));
  if (settings.includeRuntimeMetrics) observeRuntime(meter);
  // Exported at 0 from the start, so a dashboard's rate() and an alert see the series before the
  // first error rather than no data.
  for (const area of ['http', 'engine']) instruments.errors.add(0, { area });
  log.info(
    {
      serviceName: settings.serviceName ?? `tempo-${component}`,
      otlp: settings.otlpEnabled ? settings.otlpEndpoint : null,
      prometheus: prometheus ? `http://${prometheus.host}:${prometheus.port}${prometheus.path}` : null,
      samplingRatio: settings.samplingRatio,
    },
    'telemetry started',
  );
  const configuredTimeoutMs = options.shutdownTimeoutMs ?? TELEMETRY_SHUTDOWN_TIMEOUT_MS;
  let stopped: Promise<void> | null = null;
  return {
    enabled: true,
    instruments,
    tracer: tracerProvider.getTracer(TEMPO_INSTRUMENTATION_SCOPE, version),
    meter,
    prometheus,
    shutdown: () => {
      stopped ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const timeoutMs = reporter.failing
          ? Math.min(FAILING_SHUTDOWN_TIMEOUT_MS, configuredTimeoutMs)
          : configuredTimeoutMs;
        const bound = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
          timer.unref();
        });
        // A collector that is down must not hold the process past the bound.
        await Promise.race([
          Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => undefined),
          bound,
        ]);
        clearTimeout(timer);
        trace.disable();
        metrics.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      })();
      return stopped;
    },
  };
};
