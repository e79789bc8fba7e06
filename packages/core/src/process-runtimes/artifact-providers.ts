import type { ExternalExecutionSettings, StepProtocolRequest } from '@tempo/contracts';
import type {
  PinnedArtifact,
  ProviderOutcome,
  ResolvedStep,
  RuntimeProvider,
  StepExecutionInfo,
  StepInvocation,
} from '../engine/runtime-provider.ts';
import { type HandlerHost, type HandlerLaunch, normalizeProtocolVersion } from '../process-host/index.ts';
import {
  type ArtifactRuntimeConfig,
  type OpenedArtifactPackage,
  planArtifactLaunch,
} from './artifact-launch.ts';

/** Where artifact runtimes get unpacked packages: the local blob store, or a worker's download cache. */
export interface ArtifactPackageSource {
  /** The pinned package of a tenant, unpacked and with its manifest read. Throws when it is gone. */
  open(tenantId: string, artifact: PinnedArtifact): Promise<OpenedArtifactPackage>;
}

/** What the process-backed providers share. */
export interface ProcessRuntimeDependencies {
  readonly settings: ExternalExecutionSettings;
  readonly host: HandlerHost;
  readonly packages: ArtifactPackageSource;
}

/** A step that could not run: an `Exception` with the reason, and what is known of what ran. */
export const failure = (message: string, info: StepExecutionInfo = {}): ProviderOutcome => ({
  result: { result: 'Exception', data: null, errorMessage: message },
  info,
});

/** The protocol v1 request of an engine invocation. */
export const protocolRequestOf = ({ request, dataFlowId }: StepInvocation): StepProtocolRequest => ({
  protocolVersion: normalizeProtocolVersion(null),
  tenantId: request.tenantId,
  dataFlowId,
  flowRunId: request.flowRunId,
  stepRunId: request.stepRunId,
  requestId: request.requestId,
  data: request.data ?? null,
  metadata: request.metadata ?? null,
  previousResult: request.previousResult,
});

/** The spec's precedence: the step's limit, then the allowlist entry's, then the default. */
export const processTimeoutMs = (
  step: ResolvedStep,
  settings: ExternalExecutionSettings,
  entryMs = 0,
): number => {
  if (step.maxRuntimeMs > 0) return step.maxRuntimeMs;
  if (entryMs > 0) return entryMs;
  return settings.defaultMaxRuntimeMs;
};

/** Runs a planned launch through the handler host and reports what ran. */
export const runLaunch = async (
  deps: ProcessRuntimeDependencies,
  invocation: StepInvocation,
  launch: HandlerLaunch,
  timeoutMs: number,
  info: StepExecutionInfo,
): Promise<ProviderOutcome> => {
  const outcome = await deps.host.invoke({
    request: protocolRequestOf(invocation),
    stepId: invocation.step.executionKey,
    launch,
    timeoutMs,
    signal: invocation.signal,
  });
  const capacity = outcome.capacity;
  return {
    result: outcome.result,
    info: {
      ...info,
      capacityQueuedUtc: capacity?.queuedUtc ?? null,
      capacityAcquiredUtc: capacity?.acquiredUtc ?? null,
      capacityWaitMs: capacity?.waitMs ?? null,
    },
  };
};

type ArtifactRuntimeKey = ArtifactRuntimeConfig['runtimeKey'];

/** The provider of one artifact runtime: open the pinned package, plan the launch, run it. */
export const artifactProvider = (
  runtimeKey: ArtifactRuntimeKey,
  deps: ProcessRuntimeDependencies,
): RuntimeProvider => ({
  runtimeKey,
  execute: async (invocation) => {
    const { step } = invocation;
    const config = step.runtimeConfig;
    if (!config || config.runtimeKey !== runtimeKey)
      return failure(`The step has no ${runtimeKey} configuration.`);
    const pin = step.artifact;
    if (!pin) return failure(`No artifact version was pinned for step "${step.executionKey}".`);
    if (pin.kind === 'unresolved') return failure(pin.message);
    const { artifact } = pin;
    const info: StepExecutionInfo = {
      artifactId: artifact.artifactId,
      artifactVersionId: artifact.artifactVersionId,
      artifactVersion: artifact.version,
      artifactSha256: artifact.sha256,
    };
    let opened: OpenedArtifactPackage;
    try {
      opened = await deps.packages.open(step.tenantId, artifact);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return failure(`The artifact package could not be opened: ${reason}`, info);
    }
    // Preparing the launch (a Python environment's build) spends the step's time like the handler.
    const timeoutMs = processTimeoutMs(step, deps.settings);
    const deadline = Date.now() + timeoutMs;
    const plan = await planArtifactLaunch(deps.settings, opened, config, {
      deadline,
      signal: invocation.signal,
    });
    if (!plan.ok) return failure(plan.message, info);
    // A plan that needed no build takes a moment of bookkeeping, which is not charged to the
    // handler: its limit (and the message when it hits it) stays the step's own.
    const left = deadline - Date.now();
    const handlerMs = timeoutMs - left < PLAN_GRACE_MS ? timeoutMs : Math.max(1, left);
    return runLaunch(deps, invocation, plan.launch, handlerMs, {
      ...info,
      manifestEntrypoint: plan.entrypointName,
    });
  },
});

/** Planning time under this is bookkeeping, not a build, and leaves the handler its whole limit. */
const PLAN_GRACE_MS = 100;

/** The four artifact runtimes. */
export const ARTIFACT_RUNTIME_KEYS: readonly ArtifactRuntimeKey[] = [
  'Artifact.Process',
  'Artifact.Python',
  'Artifact.JavaScript',
  'Artifact.DotnetProcess',
];
