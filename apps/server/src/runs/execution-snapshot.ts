import type { DataFlowRecord } from '@tempo/contracts';
import type { ArtifactPin, FlowDefinition, ResolvedStep } from '@tempo/core/engine';
import { op, type Repositories } from '@tempo/core/store';

/** What a run executes, frozen when it is enqueued: the flow and the steps its keys named then. */
export interface ExecutionSnapshot {
  readonly flow: FlowDefinition;
  readonly steps: Readonly<Record<string, ResolvedStep>>;
}

/** Pins an artifact step's version label to one stored version. */
export type ArtifactPinResolver = (
  tenantId: string,
  artifactId: string,
  label: string | null,
) => Promise<ArtifactPin>;

/**
 * Captures a flow and the active steps of its transition keys, with the artifact versions they
 * use pinned, so later edits (and new uploads) do not change a queued run.
 */
export const captureSnapshot = async (
  repositories: Repositories,
  flow: DataFlowRecord,
  resolvePin: ArtifactPinResolver,
): Promise<ExecutionSnapshot> => {
  const steps: Record<string, ResolvedStep> = {};
  // One read for every step of the flow: this runs for each enqueued run.
  const rows = await repositories.steps
    .inTenant(flow.tenantId)
    .find({ executionKey: op.in(Object.keys(flow.transitions)), active: true });
  for (const row of rows) {
    const config = row.runtimeConfig;
    const artifact =
      config && 'artifactId' in config
        ? await resolvePin(row.tenantId, config.artifactId, config.artifactVersion)
        : null;
    steps[row.executionKey] = {
      id: row.id,
      tenantId: row.tenantId,
      executionKey: row.executionKey,
      name: row.name,
      runtimeKey: row.runtimeKey,
      runtimeConfig: row.runtimeConfig,
      contractType: row.contractType,
      inputSchema: row.inputSchema,
      outputSchema: row.outputSchema,
      validateInput: row.validateInput,
      validateOutput: row.validateOutput,
      maxRuntimeMs: row.maxRuntimeMs,
      artifact,
    };
  }
  return {
    flow: {
      id: flow.id,
      tenantId: flow.tenantId,
      startStepId: flow.startStepId,
      maxRuntimeMs: flow.maxRuntimeMs,
      transitions: flow.transitions,
    },
    steps,
  };
};
