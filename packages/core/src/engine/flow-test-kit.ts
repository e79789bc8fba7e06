import type { RuntimeKey, StepTransition } from '@tempo/contracts';
import { newId } from '../ids/index.ts';
import { BuiltinStepRegistry } from '../runtimes/builtin-registry.ts';
import type { StepRequest, StepResult } from '../runtimes/step-protocol.ts';
import { builtinProvider } from './builtin-provider.ts';
import { type FlowDefinition, type FlowOutcome, runFlow, type StepRunReport } from './flow-engine.ts';
import type { ResolvedStep, RuntimeProvider } from './runtime-provider.ts';

// Shared by the engine's unit tests (and left out of mutation testing): flows, nodes and steps
// built with the defaults the contracts give them, so each test names only what it is about.

/** Registers an in-process `Builtin.Method` step under `identifier`. */
export const registerStep = (
  registry: BuiltinStepRegistry,
  identifier: string,
  run: (request: StepRequest) => Promise<StepResult>,
) => registry.register({ identifier, runtimeKey: 'Builtin.Method', name: identifier, run });

/** A step of `runtimeKey` with the contract's defaults, keyed `executionKey`. */
export const resolvedStep = (
  runtimeKey: RuntimeKey,
  executionKey = 'work',
  extra: Partial<ResolvedStep> = {},
): ResolvedStep => ({
  id: `step_${executionKey}`,
  tenantId: 'ten_test',
  executionKey,
  name: executionKey,
  runtimeKey,
  runtimeConfig: null,
  contractType: 'Loose',
  inputSchema: null,
  outputSchema: null,
  validateInput: false,
  validateOutput: false,
  maxRuntimeMs: 0,
  ...extra,
});

/** A `Builtin.Method` step with key `executionKey` running the registered `identifier`. */
export const builtinStep = (
  executionKey: string,
  identifier = executionKey,
  extra: Partial<ResolvedStep> = {},
): ResolvedStep =>
  resolvedStep('Builtin.Method', executionKey, {
    runtimeConfig: {
      runtimeKey: 'Builtin.Method',
      identifier,
      declaringType: null,
      methodName: null,
      assemblyName: null,
      assemblyVersion: null,
      signatureHash: null,
    },
    ...extra,
  });

/** The request of one step of run `run_1`, with `data` and `metadata` as given. */
export const stepRequest = (extra: Partial<StepRequest> = {}): StepRequest => ({
  tenantId: 'ten_1',
  flowRunId: 'run_1',
  stepRunId: 'srun_1',
  requestId: 'run_1',
  data: null,
  metadata: null,
  previousResult: null,
  ...extra,
});

/** A flow node with the contract's defaults. */
export const node = (next: Partial<StepTransition> = {}): StepTransition => ({
  name: null,
  onSuccess: null,
  onFailure: null,
  onException: null,
  maxTransitions: 0,
  stepType: null,
  rest: null,
  ...next,
});

/** What {@link runTestFlow} may change about a run. */
export interface TestFlowOptions {
  readonly maxRuntimeMs?: number;
  readonly signal?: AbortSignal;
  /** The start key; the first key of the transitions when absent. */
  readonly start?: string;
  readonly maxOutputBytes?: number;
  readonly metadata?: unknown;
  /** Called with each report as it arrives, after it is kept. */
  readonly onStep?: (report: StepRunReport) => void;
}

/** Runs a flow over the given providers; resolves to its outcome and every step report. */
export const runTestFlow = async (
  providers: ReadonlyMap<RuntimeKey, RuntimeProvider>,
  transitions: Record<string, StepTransition>,
  steps: Record<string, ResolvedStep>,
  input: string | null,
  options: TestFlowOptions = {},
): Promise<{ outcome: FlowOutcome; reports: StepRunReport[] }> => {
  const reports: StepRunReport[] = [];
  const flow: FlowDefinition = {
    id: 'flow_test',
    tenantId: 'ten_test',
    startStepId: options.start ?? Object.keys(transitions)[0] ?? '',
    maxRuntimeMs: options.maxRuntimeMs ?? 0,
    transitions,
  };
  const outcome = await runFlow({
    flow,
    flowRunId: 'run_test',
    inputData: input,
    // Own keys only, as the server's snapshot lookup does for keys it captured.
    resolveStep: (key) => (Object.hasOwn(steps, key) ? (steps[key] ?? null) : null),
    providers,
    newStepRunId: () => newId('stepRun'),
    onStep: async (report) => {
      reports.push(report);
      options.onStep?.(report);
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.maxOutputBytes ? { maxOutputBytes: options.maxOutputBytes } : {}),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
  });
  return { outcome, reports };
};

/**
 * A registry of in-process steps of its own, and a runner of flows over it: each test file
 * registers the steps it needs under names that cannot clash with another file's.
 */
export const builtinFlows = () => {
  const registry = new BuiltinStepRegistry();
  const providers = new Map<RuntimeKey, RuntimeProvider>([
    ['Builtin.Method', builtinProvider('Builtin.Method', registry)],
  ]);
  return {
    register: (identifier: string, run: (request: StepRequest) => Promise<StepResult>) =>
      registerStep(registry, identifier, run),
    run: (
      transitions: Record<string, StepTransition>,
      steps: Record<string, ResolvedStep>,
      input: string | null,
      options: TestFlowOptions = {},
    ) => runTestFlow(providers, transitions, steps, input, options),
  };
};
