import type { StepRequest } from '../runtimes/step-protocol.ts';
import type { ProviderOutcome, ResolvedStep, RuntimeProviders } from './runtime-provider.ts';

/** Options of {@link executeStep}. */
export interface ExecuteStepOptions {
  readonly step: ResolvedStep;
  readonly request: StepRequest;
  readonly dataFlowId: string;
  readonly providers: RuntimeProviders;
  /** Time left of the flow's limit in milliseconds; 0 = no flow limit. */
  readonly flowRemainingMs: number;
  /** The flow's whole limit, for the message when it is the one that runs out. */
  readonly flowMaxRuntimeMs: number;
  /** The run's cancellation. */
  readonly signal?: AbortSignal;
}

/** Runtimes that start a process and enforce their own time limit, so the engine sets none (spec). */
const SELF_TIMED_RUNTIMES: ReadonlySet<string> = new Set([
  'Artifact.Process',
  'Artifact.Python',
  'Artifact.JavaScript',
  'Artifact.DotnetProcess',
  'Host.Executable',
]);

/**
 * The step's own time limit: `maxRuntimeMs`, else a REST step's `timeoutMs`; 0 for process-backed
 * runtimes, whose host kills the process tree at its limit.
 */
const stepLimitMs = (step: ResolvedStep): number => {
  if (SELF_TIMED_RUNTIMES.has(step.runtimeKey)) return 0;
  if (step.maxRuntimeMs > 0) return step.maxRuntimeMs;
  const config = step.runtimeConfig;
  if (config && (config.runtimeKey === 'External.Rest' || config.runtimeKey === 'Legacy.InlineRest'))
    return config.timeoutMs;
  return 0;
};

/** Turns anything a provider throws into an `Exception` result (providers should not throw). */
const asException = (error: unknown): ProviderOutcome => ({
  result: { result: 'Exception', errorMessage: error instanceof Error ? error.message : String(error) },
});

/**
 * Runs one step with its provider under the tighter of the step's and the flow's time limits:
 * when time is up the provider's signal is aborted and the step ends as `Timeout` at once,
 * whether or not the provider has noticed.
 */
export const executeStep = async (options: ExecuteStepOptions): Promise<ProviderOutcome> => {
  const { step } = options;
  const provider = options.providers.get(step.runtimeKey);
  if (!provider) {
    return {
      result: {
        result: 'Exception',
        errorMessage: `Runtime ${step.runtimeKey} is not available on this host.`,
      },
    };
  }
  const ownLimitMs = stepLimitMs(step);
  const flowBinds = options.flowRemainingMs > 0 && (ownLimitMs === 0 || options.flowRemainingMs < ownLimitMs);
  const limitMs = flowBinds ? options.flowRemainingMs : ownLimitMs;
  const timeoutMessage = flowBinds
    ? `The flow exceeded its maximum runtime of ${options.flowMaxRuntimeMs} ms.`
    : `Step "${step.executionKey}" exceeded its maximum runtime of ${limitMs} ms.`;
  const controller = new AbortController();
  let onCancel = () => controller.abort(options.signal?.reason);
  const cancelled = new Promise<ProviderOutcome>((resolve) => {
    onCancel = () => {
      controller.abort(options.signal?.reason);
      resolve({ result: { result: 'Exception', errorMessage: 'The run was cancelled.' } });
    };
  });
  options.signal?.addEventListener('abort', onCancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ProviderOutcome>((resolve) => {
    if (limitMs === 0) return;
    timer = setTimeout(() => {
      controller.abort(new Error('timeout'));
      resolve({ result: { result: 'Timeout', errorMessage: timeoutMessage } });
    }, limitMs);
  });
  try {
    const running = provider
      .execute({ step, request: options.request, dataFlowId: options.dataFlowId, signal: controller.signal })
      .catch(asException);
    return await Promise.race([running, timedOut, cancelled]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
  }
};
