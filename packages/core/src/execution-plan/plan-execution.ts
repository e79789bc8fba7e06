import type { FlowRunExecutionPlan, StepRunRecord, WireAssignment, WireCompletion } from '@tempo/contracts';
import { type FlowDefinition, type FlowOutcome, runFlow, type StepRunReport } from '../engine/flow-engine.ts';
import type { ResolvedStep, RuntimeProviders } from '../engine/runtime-provider.ts';
import { newId } from '../ids/index.ts';
import { normalizeProtocolVersion } from '../process-host/index.ts';
import type { RunLog } from '../run-logs/index.ts';

/** What the engine needs of a plan: the flow, its steps by execution key, the run's input and metadata. */
export interface PlanEngineInputs {
  readonly flow: FlowDefinition;
  readonly steps: ReadonlyMap<string, ResolvedStep>;
  readonly inputData: string | null;
  readonly metadata: unknown;
}

/** Turns an execution plan into the engine's inputs; no database, nothing but the plan. */
export const engineInputsOf = (plan: FlowRunExecutionPlan): PlanEngineInputs => {
  const { flow } = plan;
  const steps = new Map<string, ResolvedStep>();
  for (const [key, planned] of Object.entries(plan.steps)) steps.set(key, planned.step);
  return {
    flow: {
      id: flow.id,
      tenantId: flow.tenantId,
      startStepId: flow.startStepId,
      maxRuntimeMs: flow.maxRuntimeMs,
      transitions: flow.transitions,
    },
    steps,
    inputData: plan.initialInputData,
    metadata: plan.triggerContext.metadata ?? null,
  };
};

/** Who executes an attempt: the fields a completion must echo for the server to apply it. */
export type PlanExecutor = Pick<WireAssignment, 'id' | 'workerId' | 'workerSessionId' | 'leaseToken'>;

/** Options of {@link executePlan}. */
export interface ExecutePlanOptions {
  readonly plan: FlowRunExecutionPlan;
  readonly assignment: PlanExecutor;
  readonly providers: RuntimeProviders;
  /** Aborted to cancel the run (lost connection, shutdown); the run ends `Cancelled`. */
  readonly signal?: AbortSignal;
  /** The executor's limit on the whole run in ms (`maxTaskTimeoutMs`); 0 or absent = none. */
  readonly maxTaskTimeoutMs?: number;
  /** Largest final output in UTF-8 bytes; the engine's default when absent. */
  readonly maxOutputBytes?: number;
  /** Called with each step run as it ends (for logs); must not throw. */
  readonly onStepRun?: (stepRun: StepRunRecord) => void;
  /**
   * The attempt's run log, when run logs are on: the providers are wrapped so handlers get their
   * step's log file, each step's end is noted, and the log is closed with the run's end. The
   * completion never waits for the log to be written.
   */
  readonly runLog?: RunLog | null;
}

/** The error of a run stopped by the executor's `maxTaskTimeoutMs` (spec §4.4). */
export const taskTimeoutMessage = (maxTaskTimeoutMs: number): string =>
  `Worker task exceeded maxTaskTimeoutMs of ${maxTaskTimeoutMs}`;

/** Why the executor itself stopped a run, as the abort reason of its signal. */
class TaskTimeout extends Error {
  override readonly name = 'TaskTimeout';
}

const stepRunOf = (plan: FlowRunExecutionPlan, report: StepRunReport): StepRunRecord => ({
  id: report.stepRunId,
  tenantId: plan.tenantId,
  flowRunId: plan.flowRunId,
  dataFlowId: plan.dataFlowId,
  stepId: report.stepId,
  sequence: report.sequence,
  result: report.result,
  nextStepId: report.nextStepId,
  inputData: report.inputData,
  outputData: report.outputData,
  errorMessage: report.errorMessage,
  artifactId: report.info.artifactId ?? null,
  artifactVersionId: report.info.artifactVersionId ?? null,
  artifactVersion: report.info.artifactVersion ?? null,
  artifactSha256: report.info.artifactSha256 ?? null,
  manifestEntrypoint: report.info.manifestEntrypoint ?? null,
  // A reported step has ended: the worker buffers step runs and sends them with the completion.
  executionState: 'Complete',
  protocolVersion: normalizeProtocolVersion(null),
  startedUtc: report.startedUtc,
  capacityQueuedUtc: report.info.capacityQueuedUtc ?? null,
  capacityAcquiredUtc: report.info.capacityAcquiredUtc ?? null,
  capacityWaitMs: report.info.capacityWaitMs ?? null,
  completedUtc: report.completedUtc,
});

const errorText = (error: unknown): string =>
  error instanceof Error && error.message !== '' ? error.message : String(error);

/**
 * Executes a whole run from its plan with the engine and reports it as the completion the
 * worker protocol sends (spec §4.4): the engine's end state (`Succeeded` / `Failed` /
 * `Exception` / `Cancelled`), `Exception` with the spec's message when `maxTaskTimeoutMs`
 * elapsed, `Exception` with the error's message when the engine crashed, and every step run
 * buffered in order. Never throws.
 */
export const executePlan = async (options: ExecutePlanOptions): Promise<WireCompletion> => {
  const { plan, assignment } = options;
  const inputs = engineInputsOf(plan);
  const stepRuns: StepRunRecord[] = [];
  const controller = new AbortController();
  const cancel = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) cancel();
  else options.signal?.addEventListener('abort', cancel, { once: true });
  const limitMs = options.maxTaskTimeoutMs ?? 0;
  const timer =
    limitMs > 0
      ? setTimeout(() => controller.abort(new TaskTimeout(taskTimeoutMessage(limitMs))), limitMs)
      : null;
  const { runLog } = options;
  let outcome: Pick<FlowOutcome, 'state' | 'outputData' | 'errorMessage'>;
  try {
    outcome = await runFlow({
      flow: inputs.flow,
      flowRunId: plan.flowRunId,
      inputData: inputs.inputData,
      metadata: inputs.metadata,
      resolveStep: (key) => inputs.steps.get(key) ?? null,
      providers: runLog ? runLog.providers(options.providers) : options.providers,
      newStepRunId: () => newId('stepRun'),
      signal: controller.signal,
      ...(options.maxOutputBytes ? { maxOutputBytes: options.maxOutputBytes } : {}),
      onStep: async (report) => {
        runLog?.stepEnded(report);
        const stepRun = stepRunOf(plan, report);
        stepRuns.push(stepRun);
        options.onStepRun?.(stepRun);
      },
    });
  } catch (error) {
    outcome = { state: 'Exception', outputData: null, errorMessage: errorText(error) };
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
  }
  const reason: unknown = controller.signal.reason;
  if (controller.signal.aborted && reason instanceof TaskTimeout)
    outcome = { state: 'Exception', outputData: null, errorMessage: reason.message };
  void runLog?.close({ state: outcome.state, errorMessage: outcome.errorMessage, steps: stepRuns.length });
  return {
    flowRunId: plan.flowRunId,
    runAssignmentId: assignment.id,
    workerId: assignment.workerId,
    workerSessionId: assignment.workerSessionId,
    leaseToken: assignment.leaseToken,
    finalState: outcome.state,
    outputData: outcome.outputData,
    errorMessage: outcome.errorMessage,
    executionSnapshotJson: plan.executionSnapshot,
    stepRuns,
    completedUtc: new Date().toISOString(),
  };
};
