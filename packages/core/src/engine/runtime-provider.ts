import type { RuntimeConfig, RuntimeKey, StepContractType } from '@tempo/contracts';
import type { StepRequest, StepResult } from '../runtimes/step-protocol.ts';

/** The artifact version a step's run uses, pinned when the run starts. */
export interface PinnedArtifact {
  readonly artifactId: string;
  readonly artifactVersionId: string;
  /** The version's label (`current`, `1.2.0`, ...). */
  readonly version: string;
  /** Lowercase hex SHA-256 of the package: its identity in blob stores and caches. */
  readonly sha256: string;
}

/** An artifact runtime's pin, or why its version could not be pinned. */
export type ArtifactPin =
  | { readonly kind: 'pinned'; readonly artifact: PinnedArtifact }
  | { readonly kind: 'unresolved'; readonly message: string };

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
  /** For artifact runtimes: the version pinned at run start. */
  readonly artifact?: ArtifactPin | null;
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
