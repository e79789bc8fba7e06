import type { FlowRunExecutionPlan } from '@tempo/contracts';
import { buildExecutionPlan, type PlanSource } from './plan-builder.ts';

/** Snapshots whose validated plan parts a {@link PlanCache} keeps by default. */
export const DEFAULT_PLAN_CACHE_ENTRIES = 256;

/** The parts of a plan that follow from the run's snapshot text, tenant and placement label alone. */
type SnapshotParts = Pick<
  FlowRunExecutionPlan,
  'flow' | 'steps' | 'requiredCapabilities' | 'placementLabel' | 'executionSnapshot'
> & {
  readonly metadata: unknown;
  readonly maxRuntimeMs: number;
};

/**
 * Builds execution plans, parsing and validating each distinct snapshot once. The runs of one
 * flow version started without request metadata (every HTTP trigger call) store the same snapshot
 * text, so under load all but the first of their plans reuse the checked flow and steps and only
 * take their own run's fields. A snapshot seen for the first time, or one that fails, goes
 * through {@link buildExecutionPlan} as before (failures are not kept).
 *
 * Plans built from one entry share its flow and step objects: nothing changes a plan after it is
 * built (`stampBudget` copies), so sharing them is safe.
 */
export class PlanCache {
  readonly #entries = new Map<string, SnapshotParts>();
  readonly #maxEntries: number;

  constructor(maxEntries = DEFAULT_PLAN_CACHE_ENTRIES) {
    this.#maxEntries = Math.max(1, maxEntries);
  }

  /** The run's plan, unstamped; throws `PlanBuildError` as {@link buildExecutionPlan} does. */
  build(run: PlanSource, placementLabel: string | null): FlowRunExecutionPlan {
    const snapshotJson = run.executionSnapshotJson;
    const key =
      snapshotJson === null ? null : `${run.tenantId}\u0000${placementLabel ?? ''}\u0000${snapshotJson}`;
    const known = key === null ? undefined : this.#entries.get(key);
    if (known) return planOf(run, known);
    const plan = buildExecutionPlan(run, placementLabel);
    if (key !== null) {
      // Oldest first out: a Map iterates in insertion order.
      if (this.#entries.size >= this.#maxEntries) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      this.#entries.set(key, {
        flow: plan.flow,
        steps: plan.steps,
        requiredCapabilities: plan.requiredCapabilities,
        placementLabel: plan.placementLabel,
        executionSnapshot: plan.executionSnapshot,
        metadata: plan.triggerContext.metadata,
        maxRuntimeMs: plan.budget.maxRuntimeMs,
      });
    }
    return plan;
  }

  /** Snapshots kept now. */
  get size(): number {
    return this.#entries.size;
  }
}

/** A run's plan from the checked parts of its snapshot, shaped as {@link buildExecutionPlan} answers it. */
const planOf = (run: PlanSource, parts: SnapshotParts): FlowRunExecutionPlan => ({
  flowRunId: run.id,
  tenantId: run.tenantId,
  dataFlowId: run.dataFlowId,
  triggerContext: {
    triggerId: run.triggerId,
    triggeredByUserId: run.triggeredByUserId,
    metadata: parts.metadata,
  },
  flow: parts.flow,
  steps: parts.steps,
  requiredCapabilities: parts.requiredCapabilities,
  initialInputData: run.inputData,
  budget: {
    maxRuntimeMs: parts.maxRuntimeMs,
    dispatchAttempt: 0,
    runAssignmentId: null,
    leaseToken: null,
    assignedUtc: null,
    leaseExpiresUtc: null,
    leaseDurationMs: 0,
  },
  placementLabel: parts.placementLabel,
  executionSnapshot: parts.executionSnapshot,
});
