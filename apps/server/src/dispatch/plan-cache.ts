import type { FlowRunExecutionPlan } from '@tempo/contracts';
import { buildExecutionPlan, type PlanSource } from './plan-builder.ts';

/** Snapshots whose validated plan parts a {@link PlanCache} keeps by default. */
export const DEFAULT_PLAN_CACHE_ENTRIES = 256;

/**
 * Most snapshot text a {@link PlanCache} holds, in UTF-16 code units (each kept twice: in the key
 * and in the plan). Snapshots carry source steps' code, so a count bound alone could hold
 * hundreds of megabytes; a snapshot over an eighth of this is never kept.
 */
const MAX_CACHED_SNAPSHOT_CHARS = 8 * 1024 * 1024;

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
  /** Per snapshot key, the first plan built from it: its run's own fields are replaced per run. */
  readonly #entries = new Map<string, FlowRunExecutionPlan>();
  readonly #maxEntries: number;
  #chars = 0;

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
    if (key !== null && snapshotJson !== null && snapshotJson.length <= MAX_CACHED_SNAPSHOT_CHARS / 8) {
      // Oldest first out: a Map iterates in insertion order.
      for (const [oldKey, oldPlan] of this.#entries) {
        if (
          this.#entries.size < this.#maxEntries &&
          this.#chars + snapshotJson.length <= MAX_CACHED_SNAPSHOT_CHARS
        )
          break;
        this.#entries.delete(oldKey);
        this.#chars -= oldPlan.executionSnapshot.length;
      }
      // The run's input is its own: the entry keeps none (it may be megabytes).
      this.#entries.set(key, { ...plan, initialInputData: null });
      this.#chars += snapshotJson.length;
    }
    return plan;
  }

  /** Snapshots kept now. */
  get size(): number {
    return this.#entries.size;
  }
}

/**
 * A run's plan from a plan built for the same snapshot: everything but the run's own fields
 * follows from the snapshot text, tenant and placement label that key the entry.
 */
const planOf = (run: PlanSource, known: FlowRunExecutionPlan): FlowRunExecutionPlan => ({
  ...known,
  flowRunId: run.id,
  tenantId: run.tenantId,
  dataFlowId: run.dataFlowId,
  triggerContext: {
    ...known.triggerContext,
    triggerId: run.triggerId,
    triggeredByUserId: run.triggeredByUserId,
  },
  initialInputData: run.inputData,
});
