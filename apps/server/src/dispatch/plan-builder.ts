import {
  type FlowRunExecutionPlan,
  FlowRunExecutionPlan as PlanSchema,
  type PlanStep,
  type RuntimeKey,
  type WorkerCapability,
} from '@tempo/contracts';
import { CAPABILITY_SOURCE_KINDS } from '@tempo/core/execution-plan';

/**
 * The source kind a built-in step requires. No worker advertises it (built-in code lives in the
 * server process), so a plan with a built-in step is only ever placed on the pseudo-worker.
 */
export const SERVER_ONLY_SOURCE_KIND = 'ServerBuiltin';

/** The run fields a plan is built from. */
export interface PlanSource {
  readonly id: string;
  readonly tenantId: string;
  readonly dataFlowId: string;
  readonly triggerId: string | null;
  readonly triggeredByUserId: string | null;
  readonly inputData: string | null;
  readonly executionSnapshotJson: string | null;
}

/** Why a plan could not be built; the run fails with this message before any assignment. */
export class PlanBuildError extends Error {
  override readonly name = 'PlanBuildError';
}

/** The capability source kind of a runtime (spec §4.4), or the server-only kind for built-ins. */
export const sourceKindOf = (runtimeKey: RuntimeKey): string =>
  CAPABILITY_SOURCE_KINDS[runtimeKey] ?? SERVER_ONLY_SOURCE_KIND;

/** Whether a plan has a step only the server itself can execute. */
export const requiresServer = (plan: Pick<FlowRunExecutionPlan, 'requiredCapabilities'>): boolean =>
  plan.requiredCapabilities.some((need) => need.sourceKind === SERVER_ONLY_SOURCE_KIND);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Builds the execution plan of a run from its stored execution snapshot (spec §4.5): the flow
 * graph, each resolved step with the capability it requires, the trigger context and the
 * placement label. The budget is left unstamped (zero attempt, no lease) until assignment.
 * Throws {@link PlanBuildError} when the snapshot is missing or does not describe a runnable plan.
 */
export const buildExecutionPlan = (run: PlanSource, placementLabel: string | null): FlowRunExecutionPlan => {
  const snapshotJson = run.executionSnapshotJson;
  if (!snapshotJson) throw new PlanBuildError(`Run ${run.id} has no execution snapshot.`);
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(snapshotJson);
  } catch {
    throw new PlanBuildError(`The execution snapshot of run ${run.id} is not valid JSON.`);
  }
  if (!isRecord(snapshot) || !isRecord(snapshot.flow) || !isRecord(snapshot.steps))
    throw new PlanBuildError(`The execution snapshot of run ${run.id} has no flow or steps.`);
  const steps: Record<string, PlanStep> = {};
  const required = new Map<string, WorkerCapability>();
  for (const [key, value] of Object.entries(snapshot.steps)) {
    if (!isRecord(value)) throw new PlanBuildError(`Step "${key}" of run ${run.id} is malformed.`);
    const runtimeKey = value.runtimeKey as RuntimeKey;
    const sourceKind = sourceKindOf(runtimeKey);
    steps[key] = {
      executionKey: key,
      tenantScope: run.tenantId,
      sourceKind,
      signatureHash: '*',
      runtimeKey,
      step: { ...value, artifact: value.artifact ?? null } as PlanStep['step'],
    };
    // One requirement per (sourceKind, runtimeKey): workers advertise runtimes, not steps.
    required.set(`${sourceKind}\u0000${runtimeKey}`, {
      executionKey: '*',
      tenantScope: run.tenantId,
      sourceKind,
      runtimeKey,
      signatureHash: '*',
    });
  }
  const label = placementLabel?.trim() ?? '';
  const parsed = PlanSchema.safeParse({
    flowRunId: run.id,
    tenantId: run.tenantId,
    dataFlowId: run.dataFlowId,
    triggerContext: {
      triggerId: run.triggerId,
      triggeredByUserId: run.triggeredByUserId,
      metadata: snapshot.metadata ?? null,
    },
    flow: snapshot.flow,
    steps,
    requiredCapabilities: [...required.values()],
    initialInputData: run.inputData,
    budget: {
      maxRuntimeMs: typeof snapshot.flow.maxRuntimeMs === 'number' ? snapshot.flow.maxRuntimeMs : 0,
      dispatchAttempt: 0,
      runAssignmentId: null,
      leaseToken: null,
      assignedUtc: null,
      leaseExpiresUtc: null,
      leaseDurationMs: 0,
    },
    placementLabel: label === '' ? null : label,
    executionSnapshot: snapshotJson,
  });
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.join('.') ?? '';
    throw new PlanBuildError(
      `The execution plan of run ${run.id} could not be built: ${where ? `${where}: ` : ''}${first?.message ?? 'invalid'}.`,
    );
  }
  return parsed.data;
};

/** The plan with its budget stamped for one attempt (spec §4.5). */
export const stampBudget = (
  plan: FlowRunExecutionPlan,
  budget: Omit<FlowRunExecutionPlan['budget'], 'maxRuntimeMs'>,
): FlowRunExecutionPlan => ({ ...plan, budget: { ...budget, maxRuntimeMs: plan.budget.maxRuntimeMs } });
