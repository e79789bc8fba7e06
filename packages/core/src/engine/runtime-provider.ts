import type { RuntimeConfig, RuntimeKey, StepContractType } from '@tempo/contracts';
import type { StepRequest, StepResult } from '../runtimes/step-protocol.ts';

/** A step as the engine runs it: its stored definition, resolved at run start. */
export interface ResolvedStep {
  readonly id: string | null;
  readonly tenantId: string;
  readonly executionKey: string;
  readonly name: string;
  readonly runtimeKey: RuntimeKey;
  readonly runtimeConfig: RuntimeConfig | null;
  readonly contractType: StepContractType;
  readonly inputSchema: string | null;
  readonly outputSchema: string | null;
  readonly validateInput: boolean;
  readonly validateOutput: boolean;
  /** Per-step time limit in milliseconds; 0 = none. */
  readonly maxRuntimeMs: number;
}

/** One call of a step by the engine. */
export interface StepInvocation {
  readonly step: ResolvedStep;
  readonly request: StepRequest;
  /** The data flow the run belongs to. */
  readonly dataFlowId: string;
  /** Aborted when the step's or the flow's time is up, or the run is cancelled. */
  readonly signal: AbortSignal;
}

/** What a provider adds to a step run's record about the code that ran. */
export interface StepExecutionInfo {
  readonly artifactId?: string | null;
  readonly artifactVersionId?: string | null;
  readonly artifactVersion?: string | null;
  readonly artifactSha256?: string | null;
  readonly manifestEntrypoint?: string | null;
  readonly capacityQueuedUtc?: string | null;
  readonly capacityAcquiredUtc?: string | null;
  readonly capacityWaitMs?: number | null;
}

/** A provider's answer: the step's result and what ran. */
export interface ProviderOutcome {
  readonly result: StepResult;
  readonly info?: StepExecutionInfo;
}

/** Runs steps of one runtime key. Failures are results, never thrown: see {@link StepResult}. */
export interface RuntimeProvider {
  readonly runtimeKey: RuntimeKey;
  execute(invocation: StepInvocation): Promise<ProviderOutcome>;
}

/** The providers an engine can use, by runtime key. */
export type RuntimeProviders = ReadonlyMap<RuntimeKey, RuntimeProvider>;
