import type { FlowRunExecutionPlan, LoadBalancingStrategy, WorkerCapability } from '@tempo/contracts';
import { capabilitiesSatisfy } from '@tempo/core/execution-plan';
import { requiresServer } from './plan-builder.ts';

/** One executor as placement sees it: a remote worker's live session, or the pseudo-worker. */
export interface ExecutorView {
  readonly workerId: string;
  /** `Worker` (remote) or `Server` (the pseudo-worker `wrk_local_server`). */
  readonly kind: 'Worker' | 'Server';
  /** Remote: a live session; the pseudo-worker: the server executes workload at all. */
  readonly connected: boolean;
  readonly enabled: boolean;
  readonly drainMode: boolean;
  /** Whether one more run may start on it now (remote: run count below `maxConcurrentRuns`). */
  readonly hasFreeSlot: boolean;
  /** Current run count (remote: max of tracked open assignments and the last heartbeat's). */
  readonly runCount: number;
  readonly labels: readonly string[];
  readonly capabilities: readonly WorkerCapability[];
}

/** What placement knows beyond the executors it may place on now. */
export interface PlacementContext {
  /**
   * The run was dispatched before (`dispatchAttempt > 0`): it never fails fast, because the
   * executor that took it once is most likely coming back (a killed worker restarting).
   */
  readonly dispatchedBefore?: boolean;
  /**
   * Enabled workers without a live session here that were seen within
   * `engine.workerHeartbeatTimeoutMs`, with their persisted labels and capabilities: they count
   * as possible hosts (a worker reconnecting after a restart or an unblock), never as placeable.
   */
  readonly recentlySeen?: readonly ExecutorView[];
}

/** What placement decided for one run. */
export type PlacementDecision =
  | { readonly kind: 'place'; readonly executor: ExecutorView }
  /** Nothing is free now, but something could host the run later: it stays queued. */
  | { readonly kind: 'wait'; readonly reason: string }
  /** Live executors exist but none could ever host the run: it fails fast. */
  | { readonly kind: 'never'; readonly reason: string };

const hasLabel = (executor: ExecutorView, label: string): boolean => {
  const wanted = label.toLowerCase();
  return executor.labels.some((own) => own.toLowerCase() === wanted);
};

/**
 * Whether an executor could host the plan at all, ignoring drain and load (spec §6): a remote
 * worker needs a live session, the enabled flag, the plan's label and every required capability;
 * the pseudo-worker needs only to be an enabled executor (its own test checks neither labels nor
 * capabilities, and only it runs built-in steps).
 */
export const couldHost = (executor: ExecutorView, plan: FlowRunExecutionPlan): boolean =>
  executor.connected && couldHostOnceConnected(executor, plan);

/** {@link couldHost} for a worker that may be reconnecting: everything but the live session. */
const couldHostOnceConnected = (executor: ExecutorView, plan: FlowRunExecutionPlan): boolean => {
  if (!executor.enabled) return false;
  if (executor.kind === 'Server') return true;
  if (requiresServer(plan)) return false;
  const label = plan.placementLabel ?? '';
  if (label !== '' && !hasLabel(executor, label)) return false;
  return capabilitiesSatisfy(executor.capabilities, plan.requiredCapabilities);
};

/** Whether an executor may take the plan now: it could host it, is not draining and has a slot. */
export const isEligible = (executor: ExecutorView, plan: FlowRunExecutionPlan): boolean =>
  couldHost(executor, plan) && !executor.drainMode && executor.hasFreeSlot;

/**
 * Chooses the executor of a run (spec §6): among the eligible ones, the lowest run count, then
 * (LabelPinned with a plan label) those carrying the label, then remote workers before the
 * pseudo-worker, then enumeration order. With none eligible, the run fails fast when live
 * executors exist and none of them, nor any recently seen worker, could ever host it, unless it
 * was dispatched before; it waits otherwise.
 */
export const placeRun = (
  plan: FlowRunExecutionPlan,
  executors: readonly ExecutorView[],
  strategy: LoadBalancingStrategy,
  context: PlacementContext = {},
): PlacementDecision => {
  const label = plan.placementLabel ?? '';
  const pinned = strategy === 'LabelPinned' && label !== '';
  const ranked = executors
    .map((executor, index) => ({ executor, index }))
    .filter(({ executor }) => isEligible(executor, plan))
    .sort(
      (a, b) =>
        a.executor.runCount - b.executor.runCount ||
        (pinned ? Number(!hasLabel(a.executor, label)) - Number(!hasLabel(b.executor, label)) : 0) ||
        Number(a.executor.kind === 'Server') - Number(b.executor.kind === 'Server') ||
        a.index - b.index,
    );
  const best = ranked[0];
  if (best) return { kind: 'place', executor: best.executor };
  const live = executors.filter((executor) => executor.connected && executor.enabled);
  const recent = context.recentlySeen ?? [];
  const hostable =
    live.some((executor) => couldHost(executor, plan)) ||
    recent.some((executor) => couldHostOnceConnected(executor, plan));
  if (live.length > 0 && !hostable && !context.dispatchedBefore)
    return { kind: 'never', reason: `No eligible worker was available for run ${plan.flowRunId}` };
  return { kind: 'wait', reason: waitReasonOf(plan, live) };
};

/** Why a run waits, in words an operator can act on. */
const waitReasonOf = (plan: FlowRunExecutionPlan, live: readonly ExecutorView[]): string => {
  if (live.length === 0) return 'Waiting for an executor: no worker is connected and enabled.';
  const hosts = live.filter((executor) => couldHost(executor, plan));
  if (hosts.length === 0)
    return 'Waiting for an executor: no connected worker can run it; waiting for one that can to connect.';
  if (hosts.every((executor) => executor.drainMode))
    return 'Waiting for an executor: every worker that can run it is draining.';
  return 'Waiting for an executor: every worker that can run it is at its concurrency limit.';
};
