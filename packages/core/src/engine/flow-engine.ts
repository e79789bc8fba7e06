import type { FlowRunState, StepResultType, StepTransition } from '@tempo/contracts';
import type { StepRequest, StepResult } from '../runtimes/step-protocol.ts';
import type { ResolvedStep, RuntimeProviders, StepExecutionInfo } from './runtime-provider.ts';
import { checkAgainstSchema } from './schema-check.ts';
import {
  DEFAULT_MAX_RUN_OUTPUT_BYTES,
  STEP_DATA_LIMIT_BYTES,
  serialiseStepData,
  serialiseStepResult,
  storedStepData,
} from './step-data.ts';
import { executeStep } from './step-executor.ts';

/** The flow a run executes, as captured at run start. */
export interface FlowDefinition {
  readonly id: string;
  readonly tenantId: string;
  readonly startStepId: string;
  /** Whole-flow time limit in milliseconds; 0 = none. */
  readonly maxRuntimeMs: number;
  readonly transitions: Readonly<Record<string, StepTransition>>;
}

/** One executed node, as the engine reports it for the step-run record. */
export interface StepRunReport {
  readonly stepRunId: string;
  /** The execution key that ran. */
  readonly stepId: string;
  /** 1-based order within the run. */
  readonly sequence: number;
  readonly result: StepResultType;
  readonly nextStepId: string | null;
  readonly inputData: string | null;
  readonly outputData: string | null;
  readonly errorMessage: string | null;
  readonly startedUtc: string;
  readonly completedUtc: string;
  readonly info: StepExecutionInfo;
}

/** What a run ended with. */
export interface FlowOutcome {
  readonly state: Exclude<FlowRunState, 'Queued' | 'Running'>;
  /** The final step's data as JSON text, or null. */
  readonly outputData: string | null;
  readonly errorMessage: string | null;
  readonly steps: number;
}

/** Options of {@link runFlow}. */
export interface RunFlowOptions {
  readonly flow: FlowDefinition;
  readonly flowRunId: string;
  /** The run's input as stored: JSON text, or any text, or null. */
  readonly inputData: string | null;
  readonly metadata?: unknown;
  /** The step a key runs; null when the tenant has no active step with that key. */
  readonly resolveStep: (executionKey: string) => ResolvedStep | null;
  readonly providers: RuntimeProviders;
  readonly newStepRunId: () => string;
  /** Called after each step, before the next starts (the persistence bridge). */
  readonly onStep: (report: StepRunReport) => Promise<void>;
  /** Aborted to cancel the run. */
  readonly signal?: AbortSignal;
  /**
   * Largest final output in UTF-8 bytes (`engine.maxRunOutputBytes`); a larger one ends the run
   * as `Exception`. Default {@link DEFAULT_MAX_RUN_OUTPUT_BYTES}.
   */
  readonly maxOutputBytes?: number;
}

/**
 * Most steps one run may execute. The spec bounds loops only by `maxTransitions` and the flow's
 * `maxRuntimeMs`; a flow with neither would run forever, so this is the last guard.
 */
export const MAX_STEPS_PER_RUN = 10_000;

/** Bytes of step data all the step-run copies of one run may keep together; past it, markers only. */
export const RUN_STEP_DATA_BUDGET_BYTES = 8 * 1024 * 1024;

/**
 * Longest a run keeps the event loop between two steps before it lets other work (requests,
 * other runs) in: the usual bound of one synchronous stretch in Node. A built-in step takes
 * microseconds, and yielding after each one spreads a 40-step run over 40 turns, each with a
 * commit of its step rows, and holds its execution slot all along, so that on a busy server
 * trigger calls queue behind it; a tight loop of them must still not starve the process.
 */
const STEP_SLICE_MS = 10;

/** Lets other work in between steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The first request's data: the input parsed as JSON when it parses, else the raw text. */
const parseInput = (input: string | null): unknown => {
  if (input === null || input === '') return null;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
};

const FINAL_STATE: Readonly<Record<StepResultType, FlowOutcome['state']>> = {
  Success: 'Succeeded',
  Error: 'Failed',
  Exception: 'Exception',
  Timeout: 'Exception',
  MaxIterationsExceeded: 'Failed',
};

const nextKeyOf = (transition: StepTransition, result: StepResultType): string | null => {
  switch (result) {
    case 'Success':
      return transition.onSuccess;
    case 'Error':
      return transition.onFailure;
    case 'Exception':
    case 'Timeout':
      return transition.onException;
    case 'MaxIterationsExceeded':
      return null;
  }
};

/** A legacy inline REST node runs as a `Legacy.InlineRest` step. */
const inlineRestStep = (
  flow: FlowDefinition,
  key: string,
  transition: StepTransition,
): ResolvedStep | null =>
  transition.stepType === 'Rest' && transition.rest
    ? {
        id: null,
        tenantId: flow.tenantId,
        executionKey: key,
        name: transition.name ?? key,
        runtimeKey: 'Legacy.InlineRest',
        runtimeConfig: { runtimeKey: 'Legacy.InlineRest', ...transition.rest },
        contractType: 'Loose',
        inputSchema: null,
        outputSchema: null,
        validateInput: false,
        validateOutput: false,
        maxRuntimeMs: 0,
      }
    : null;

/**
 * Runs a flow as the spec's engine loop: start at `startStepId`, follow `onSuccess` /
 * `onFailure` / `onException` by execution key, count entries per node against
 * `maxTransitions`, bound the whole run by `maxRuntimeMs`, pass each step's output to the next,
 * and end with the last step's result. Every failure is a result, never a throw.
 */
export const runFlow = async (options: RunFlowOptions): Promise<FlowOutcome> => {
  const { flow, signal } = options;
  const startedMs = Date.now();
  let sliceStartedMs = performance.now();
  const entries = new Map<string, number>();
  let current: string | null = flow.startStepId;
  let sequence = 0;
  // The step-run copies of one run share a budget: 10,000 steps of 64 KiB in and out would
  // otherwise be 1.3 GB from one call, and the run's step list could not be served.
  let storedBudget = RUN_STEP_DATA_BUDGET_BYTES;
  const store = (text: string | null): string | null => {
    const copy = storedStepData(text, Math.min(STEP_DATA_LIMIT_BYTES, storedBudget));
    storedBudget = Math.max(0, storedBudget - (copy === null ? 0 : Buffer.byteLength(copy, 'utf8')));
    return copy;
  };
  let last: StepResult | null = null;
  // The JSON text of `last.data` and of `request.data`, serialised once each.
  let lastText: string | null = null;
  const input = parseInput(options.inputData);
  let request: Omit<StepRequest, 'stepRunId'> = {
    tenantId: flow.tenantId,
    flowRunId: options.flowRunId,
    requestId: options.flowRunId,
    data: input,
    metadata: options.metadata ?? null,
    previousResult: null,
  };
  // The input is text or parsed JSON, so it always serialises.
  const inputText = serialiseStepData(input);
  let requestText: string | null = inputText.ok ? inputText.text : null;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_RUN_OUTPUT_BYTES;
  // The run's output is whole or absent: a cut copy would be answered as broken JSON.
  const end = (result: StepResult, outputText: string | null = null): FlowOutcome => {
    const outputBytes = outputText === null ? 0 : Buffer.byteLength(outputText, 'utf8');
    if (outputBytes > maxOutputBytes)
      return {
        state: 'Exception',
        outputData: null,
        errorMessage: `The run's output is ${outputBytes} bytes, more than the ${maxOutputBytes} bytes that engine.maxRunOutputBytes allows.`,
        steps: sequence,
      };
    return {
      state: FINAL_STATE[result.result],
      outputData: outputText,
      errorMessage: result.errorMessage ?? null,
      steps: sequence,
    };
  };

  while (current !== null) {
    if (signal?.aborted)
      return {
        state: 'Cancelled',
        outputData: null,
        errorMessage: 'The run was cancelled.',
        steps: sequence,
      };
    const elapsed = Date.now() - startedMs;
    if (flow.maxRuntimeMs > 0 && elapsed > flow.maxRuntimeMs) {
      return end(
        {
          result: 'Timeout',
          data: request.data,
          errorMessage: `The flow exceeded its maximum runtime of ${flow.maxRuntimeMs} ms.`,
        },
        requestText,
      );
    }
    const key: string = current;
    // Own keys only: `toString` or `__proto__` of a plain object are not nodes of the flow, and the
    // API's graph check (`key in transitions`) lets a flow name them.
    const transition: StepTransition | undefined = Object.hasOwn(flow.transitions, key)
      ? flow.transitions[key]
      : undefined;
    if (!transition)
      return end({ result: 'Exception', errorMessage: `The flow has no transition for step "${key}".` });
    const count = (entries.get(key) ?? 0) + 1;
    entries.set(key, count);
    if (transition.maxTransitions > 0 && count > transition.maxTransitions) {
      return end(
        {
          result: 'MaxIterationsExceeded',
          data: last?.data ?? null,
          errorMessage: `Step "${key}" was entered more than its maxTransitions of ${transition.maxTransitions}.`,
        },
        lastText,
      );
    }

    if (sequence >= MAX_STEPS_PER_RUN) {
      return end(
        {
          result: 'MaxIterationsExceeded',
          data: last?.data ?? null,
          errorMessage: `The run executed ${MAX_STEPS_PER_RUN} steps, the most one run may; bound the loop with maxTransitions or maxRuntimeMs.`,
        },
        lastText,
      );
    }
    if (performance.now() - sliceStartedMs >= STEP_SLICE_MS) {
      await yieldToEventLoop();
      sliceStartedMs = performance.now();
    }
    sequence += 1;
    const stepRunId = options.newStepRunId();
    const startedUtc = new Date().toISOString();
    const step: ResolvedStep | null = inlineRestStep(flow, key, transition) ?? options.resolveStep(key);
    const remainingMs = flow.maxRuntimeMs > 0 ? Math.max(1, flow.maxRuntimeMs - (Date.now() - startedMs)) : 0;
    const ran: { result: StepResult; info: StepExecutionInfo } = step
      ? await runOneStep(options, step, { ...request, stepRunId }, remainingMs)
      : {
          result: {
            result: 'Exception' as const,
            errorMessage: `No active step with execution key "${key}" in this tenant.`,
          },
          info: {},
        };
    const { info } = ran;
    const { result, text: outputText } = serialiseStepResult(key, ran.result);
    const next: string | null = signal?.aborted ? null : nextKeyOf(transition, result.result);
    await options.onStep({
      stepRunId,
      stepId: key,
      sequence,
      result: result.result,
      nextStepId: next,
      inputData: store(requestText),
      outputData: store(outputText),
      errorMessage: result.errorMessage ?? null,
      startedUtc,
      completedUtc: new Date().toISOString(),
      info,
    });
    last = result;
    lastText = outputText;
    // Spec: after an exception (or a timeout, which carries one) the next step gets no data,
    // and the exception as metadata.
    const failed = result.result === 'Exception' || result.result === 'Timeout';
    request = failed
      ? {
          ...request,
          data: null,
          metadata: { exception: result.errorMessage ?? 'Exception' },
          previousResult: 'Exception',
        }
      : {
          ...request,
          data: result.data ?? null,
          metadata: result.metadata ?? null,
          previousResult: result.result,
        };
    requestText = failed ? null : outputText;
    current = next;
  }
  if (signal?.aborted)
    return { state: 'Cancelled', outputData: null, errorMessage: 'The run was cancelled.', steps: sequence };
  return last ? end(last, lastText) : end({ result: 'Exception', errorMessage: 'The flow ran no step.' });
};

/** Validates input, runs the step within its time limits, validates output. */
const runOneStep = async (
  options: RunFlowOptions,
  step: ResolvedStep,
  request: StepRequest,
  flowRemainingMs: number,
): Promise<{ result: StepResult; info: StepExecutionInfo }> => {
  if (step.validateInput && step.inputSchema) {
    const problem = checkAgainstSchema(step.tenantId, step.inputSchema, request.data);
    if (problem)
      return {
        result: {
          result: 'Exception',
          errorMessage: `Input does not match the step's input schema: ${problem}.`,
        },
        info: {},
      };
  }
  const outcome = await executeStep({
    step,
    request,
    dataFlowId: options.flow.id,
    providers: options.providers,
    flowRemainingMs,
    flowMaxRuntimeMs: options.flow.maxRuntimeMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (outcome.result.result === 'Success' && step.validateOutput && step.outputSchema) {
    const problem = checkAgainstSchema(step.tenantId, step.outputSchema, outcome.result.data ?? null);
    if (problem) {
      return {
        result: {
          result: 'Exception',
          errorMessage: `Output does not match the step's output schema: ${problem}.`,
        },
        info: outcome.info ?? {},
      };
    }
  }
  return { result: outcome.result, info: outcome.info ?? {} };
};
