import { type Attributes, context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FlowOutcome } from '../engine/flow-engine.ts';
import type {
  ProviderOutcome,
  RuntimeProvider,
  RuntimeProviders,
  StepInvocation,
} from '../engine/runtime-provider.ts';
import type { Telemetry } from './start-telemetry.ts';

/** The run a span and the run metrics describe. */
export interface TracedRun {
  readonly id: string;
  readonly tenantId: string;
  readonly dataFlowId: string;
}

/** Attribute sets of the run metrics, one per final state, built once rather than per run. */
const stateAttributes = new Map<string, Attributes>();
const attributesOfState = (state: string): Attributes => {
  let attributes = stateAttributes.get(state);
  if (!attributes) {
    attributes = { state };
    stateAttributes.set(state, attributes);
  }
  return attributes;
};

const ENGINE_ERROR: Attributes = Object.freeze({ area: 'engine' });

/**
 * Executes a run's engine inside a `flow.run` span (a child of the active context: the trigger
 * call's server span, or the `assign` frame's trace) and records `tempo.flow.active`,
 * `tempo.flow.runs{state}` and `tempo.flow.duration{state}`. Steps, handler processes and their
 * `TRACEPARENT` see the span as active. With telemetry off it only calls `execute`. `execute`
 * may answer more than the outcome (a worker's completion); it is handed back as it is.
 */
export const traceFlowRun = async <O extends FlowOutcome>(
  telemetry: Telemetry,
  run: TracedRun,
  execute: () => Promise<O>,
): Promise<O> => {
  if (!telemetry.enabled) return execute();
  const { instruments, tracer } = telemetry;
  const startedAt = performance.now();
  const parent = context.active();
  const span = tracer.startSpan(
    'flow.run',
    {
      attributes: {
        'tempo.flow_run.id': run.id,
        'tempo.tenant.id': run.tenantId,
        'tempo.data_flow.id': run.dataFlowId,
      },
    },
    parent,
  );
  instruments.flowActive.add(1);
  let state = 'Exception';
  try {
    const outcome = await context.with(trace.setSpan(parent, span), execute);
    state = outcome.state;
    span.setAttribute('tempo.flow_run.state', state);
    if (state !== 'Succeeded')
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorMessage ?? state });
    return outcome;
  } catch (error) {
    // The engine itself failed (not a step): an unexpected error, and the run ends as Exception.
    instruments.errors.add(1, ENGINE_ERROR);
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'run failed outside the engine' });
    throw error;
  } finally {
    const attributes = attributesOfState(state);
    instruments.flowActive.add(-1);
    instruments.flowRuns.add(1, attributes);
    instruments.flowDuration.record(performance.now() - startedAt, attributes);
    span.end();
  }
};

/**
 * The providers with every step call inside a `step {executionKey}` span and counted in
 * `tempo.step.executions` and `tempo.step.duration` (by runtime and result), with the wait for a
 * handler-process slot in `tempo.capacity.wait.duration`. With telemetry off, the providers
 * themselves.
 */
export const instrumentProviders = (providers: RuntimeProviders, telemetry: Telemetry): RuntimeProviders => {
  if (!telemetry.enabled) return providers;
  return new Map([...providers].map(([key, provider]) => [key, instrumentProvider(provider, telemetry)]));
};

const instrumentProvider = (provider: RuntimeProvider, telemetry: Telemetry): RuntimeProvider => {
  const { instruments, tracer } = telemetry;
  const runtime = provider.runtimeKey;
  const waitAttributes: Attributes = Object.freeze({ runtime });
  return {
    runtimeKey: runtime,
    execute: async (invocation: StepInvocation): Promise<ProviderOutcome> => {
      const startedAt = performance.now();
      const parent = context.active();
      const span = tracer.startSpan(
        `step ${invocation.step.executionKey}`,
        {
          attributes: {
            'tempo.step.execution_key': invocation.step.executionKey,
            'tempo.step.runtime': runtime,
            'tempo.step_run.id': invocation.request.stepRunId,
            'tempo.flow_run.id': invocation.request.flowRunId,
          },
        },
        parent,
      );
      let result = 'Exception';
      try {
        const outcome = await context.with(trace.setSpan(parent, span), () => provider.execute(invocation));
        result = outcome.result.result;
        const waitMs = outcome.info?.capacityWaitMs;
        if (typeof waitMs === 'number') instruments.capacityWaitDuration.record(waitMs, waitAttributes);
        if (result !== 'Success')
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.result.errorMessage ?? result });
        return outcome;
      } finally {
        const attributes = { runtime, result };
        span.setAttribute('tempo.step.result', result);
        instruments.stepExecutions.add(1, attributes);
        instruments.stepDuration.record(performance.now() - startedAt, attributes);
        span.end();
      }
    },
  };
};
