import type {
  Counter,
  Gauge,
  Histogram,
  Meter,
  ObservableCounter,
  ObservableGauge,
  UpDownCounter,
} from '@opentelemetry/api';

/** The name of the meter and tracer every Tempo instrument and span lives on (spec §3.1). */
export const TEMPO_INSTRUMENTATION_SCOPE = 'Tempo';

/** Which process reports: `tempo.build.info{component}`. */
export type TelemetryComponent = 'server' | 'worker' | 'mcp' | 'library';

/** Bucket bounds of the millisecond histograms: from a fast builtin step to a long handler. */
const MILLISECOND_BUCKETS = [
  1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000,
];

/** Bucket bounds of `http.server.request.duration`, as the HTTP semantic conventions advise (seconds). */
const SECOND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Every `tempo.*` instrument, typed, created once per process from its meter. With telemetry off
 * they come from the API's no-op meter, so recording costs a method call and nothing more.
 *
 * Prometheus names: dots become underscores and counters gain `_total`
 * (`tempo.flow.runs` → `tempo_flow_runs_total`); histograms give `_bucket`, `_sum` and `_count`.
 */
export interface TempoInstruments {
  /** `tempo.build.info{version, component}`: always 1; says which build runs where. */
  readonly buildInfo: ObservableGauge;
  /** `tempo.flow.runs{state}`: runs that ended, by final state. Recorded where a run's engine finishes. */
  readonly flowRuns: Counter;
  /** `tempo.flow.duration{state}` (ms): from the start of execution to the end of a run. */
  readonly flowDuration: Histogram;
  /** `tempo.flow.active`: runs executing in this process now. */
  readonly flowActive: UpDownCounter;
  /** `tempo.step.executions{runtime, result}`: steps executed by a runtime provider. */
  readonly stepExecutions: Counter;
  /** `tempo.step.duration{runtime, result}` (ms): one provider call, slot wait included. */
  readonly stepDuration: Histogram;
  /**
   * `tempo.dispatch.enqueued`: runs handed to the dispatcher. Recorded by the dispatcher when a
   * run is queued for placement on a worker (remote workers; not yet recorded by the server's
   * own pseudo-worker, which has no dispatch stage).
   */
  readonly dispatchEnqueued: Counter;
  /** `tempo.dispatch.assignments{outcome}`: `assign` frames sent and their ack. Recorded by the dispatcher. */
  readonly dispatchAssignments: Counter;
  /** `tempo.dispatch.completions{state}`: `run-completed` frames accepted. Recorded by the dispatcher. */
  readonly dispatchCompletions: Counter;
  /** `tempo.dispatch.recoveries{reason}`: assignments recovered after a lost session or lease. Recorded by the dispatcher. */
  readonly dispatchRecoveries: Counter;
  /** `tempo.dispatch.queue.depth`: runs `Queued`, counted every `engine.queueDepthSampleIntervalMs`. */
  readonly dispatchQueueDepth: Gauge;
  /** `tempo.workers.connected`: live worker sessions. Recorded by the worker session registry. */
  readonly workersConnected: Gauge;
  /** `tempo.workers.capacity`: summed `maxConcurrentRuns` of connected workers. Recorded by the worker session registry. */
  readonly workersCapacity: Gauge;
  /** `tempo.workers.in_use`: runs assigned to connected workers. Recorded by the worker session registry. */
  readonly workersInUse: Gauge;
  /** `tempo.capacity.in_use`: handler-process slots held now (observed from the process host). */
  readonly capacityInUse: ObservableGauge;
  /** `tempo.capacity.queued`: calls waiting for a handler-process slot (observed from the process host). */
  readonly capacityQueued: ObservableGauge;
  /** `tempo.capacity.wait.duration{runtime}` (ms): how long a step waited for a handler-process slot. */
  readonly capacityWaitDuration: Histogram;
  /** `tempo.process.kills`: handler processes killed at a time limit, output limit or cancel (observed). */
  readonly processKills: ObservableCounter;
  /** `tempo.auth.attempts{method, outcome}`: requests that presented credentials, and sign-ins. */
  readonly authAttempts: Counter;
  /** `tempo.mcp.tool.calls{tool, outcome}`: MCP tool calls. Recorded by the MCP server. */
  readonly mcpToolCalls: Counter;
  /** `tempo.mcp.tool.duration{tool, outcome}` (ms): MCP tool calls. Recorded by the MCP server. */
  readonly mcpToolDuration: Histogram;
  /** `tempo.errors{area}`: unexpected failures: 5xx answers, runs the engine could not finish. */
  readonly errors: Counter;
  /**
   * `http.server.request.duration{http.request.method, http.route, http.response.status_code}`
   * (s), the semantic-conventions histogram; its `_count` is the request count.
   */
  readonly httpServerDuration: Histogram;
}

/** Creates the instruments on `meter` (the `Tempo` meter of the process, or a no-op one). */
export const createTempoInstruments = (meter: Meter): TempoInstruments => {
  const ms = (name: string, description: string) =>
    meter.createHistogram(name, {
      description,
      unit: 'ms',
      advice: { explicitBucketBoundaries: MILLISECOND_BUCKETS },
    });
  return {
    buildInfo: meter.createObservableGauge('tempo.build.info', {
      description: 'Build of this process; always 1.',
    }),
    flowRuns: meter.createCounter('tempo.flow.runs', {
      description: 'Flow runs that ended, by final state.',
    }),
    flowDuration: ms('tempo.flow.duration', 'Execution time of flow runs.'),
    flowActive: meter.createUpDownCounter('tempo.flow.active', { description: 'Flow runs executing now.' }),
    stepExecutions: meter.createCounter('tempo.step.executions', { description: 'Steps executed.' }),
    stepDuration: ms('tempo.step.duration', 'Execution time of steps.'),
    dispatchEnqueued: meter.createCounter('tempo.dispatch.enqueued', {
      description: 'Runs queued for dispatch.',
    }),
    dispatchAssignments: meter.createCounter('tempo.dispatch.assignments', {
      description: 'Run assignments sent to workers.',
    }),
    dispatchCompletions: meter.createCounter('tempo.dispatch.completions', {
      description: 'Run completions reported by workers.',
    }),
    dispatchRecoveries: meter.createCounter('tempo.dispatch.recoveries', {
      description: 'Assignments recovered after a lost session or lease.',
    }),
    dispatchQueueDepth: meter.createGauge('tempo.dispatch.queue.depth', {
      description: 'Runs waiting in Queued.',
    }),
    workersConnected: meter.createGauge('tempo.workers.connected', { description: 'Workers connected.' }),
    workersCapacity: meter.createGauge('tempo.workers.capacity', {
      description: 'Run slots of connected workers.',
    }),
    workersInUse: meter.createGauge('tempo.workers.in_use', { description: 'Run slots in use on workers.' }),
    capacityInUse: meter.createObservableGauge('tempo.capacity.in_use', {
      description: 'Handler-process slots held.',
    }),
    capacityQueued: meter.createObservableGauge('tempo.capacity.queued', {
      description: 'Calls waiting for a handler-process slot.',
    }),
    capacityWaitDuration: ms('tempo.capacity.wait.duration', 'Time steps waited for a handler-process slot.'),
    // Observed from the process host's running total, which it keeps anyway: no hot-path cost.
    processKills: meter.createObservableCounter('tempo.process.kills', {
      description: 'Handler processes killed since start (time limit, output limit, cancel).',
    }),
    authAttempts: meter.createCounter('tempo.auth.attempts', { description: 'Authentication attempts.' }),
    mcpToolCalls: meter.createCounter('tempo.mcp.tool.calls', { description: 'MCP tool calls.' }),
    mcpToolDuration: ms('tempo.mcp.tool.duration', 'Duration of MCP tool calls.'),
    errors: meter.createCounter('tempo.errors', { description: 'Unexpected failures.' }),
    httpServerDuration: meter.createHistogram('http.server.request.duration', {
      description: 'Duration of HTTP server requests.',
      unit: 's',
      advice: { explicitBucketBoundaries: SECOND_BUCKETS },
    }),
  };
};
