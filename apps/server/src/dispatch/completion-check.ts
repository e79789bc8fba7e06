import type { StepRunRecord, WireCompletion } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { LiveWorkerSession } from '../workers/worker-sessions.ts';

/** Most step runs one completion may carry; a longer report is refused as a whole. */
export const MAX_COMPLETION_STEP_RUNS = 10_000;

/** An open remote attempt as the coordinator issued it. */
export interface IssuedAssignment {
  readonly id: string;
  readonly flowRunId: string;
  readonly tenantId: string;
  readonly dataFlowId: string;
  readonly workerId: string;
  readonly workerSessionId: string;
  readonly leaseToken: string;
  readonly attemptNumber: number;
  readonly leaseExpiresMs: number;
}

/** The stored assignment fields a completion is checked against. */
export interface StoredAssignment {
  readonly id: string;
  readonly flowRunId: string;
  readonly workerId: string;
  readonly workerSessionId: string | null;
  readonly leaseToken: string;
  readonly state: string;
  readonly completedUtc: string | null;
}

/**
 * Why a completion may not be applied (spec §7 idempotency), or null when it may: the assignment
 * must exist and be open, and the run, worker, lease token and session must all be the ones it
 * was issued to, and the reporting session the live one of that worker.
 */
export const completionMismatch = (
  completion: WireCompletion,
  session: Pick<LiveWorkerSession, 'workerId' | 'workerSessionId'>,
  stored: StoredAssignment | null,
): string | null => {
  if (!stored) return 'no such assignment';
  if (stored.state !== 'Assigned' || stored.completedUtc !== null) return 'the assignment has already ended';
  if (stored.flowRunId !== completion.flowRunId) return 'the assignment is for another run';
  if (stored.workerId !== completion.workerId || stored.workerId !== session.workerId)
    return 'the assignment was issued to another worker';
  if (
    stored.workerSessionId !== completion.workerSessionId ||
    stored.workerSessionId !== session.workerSessionId
  )
    return 'the assignment was issued to another session';
  if (stored.leaseToken !== completion.leaseToken) return 'the lease token does not match';
  return null;
};

/** A reported step run as it is stored: under the run's tenant, run and flow, with a fresh id. */
export type StepRunInsert = Omit<StepRunRecord, 'tenantId'>;

/**
 * The step runs of a completion as the server stores them. Ids, tenant, run and flow come from
 * the server's own record of the assignment, never from the frame, so a report can neither write
 * into another tenant or run nor overwrite an existing row; a report naming another run is
 * refused as a whole (null).
 */
export const stepRunsToStore = (
  completion: WireCompletion,
  assignment: Pick<IssuedAssignment, 'flowRunId' | 'dataFlowId'>,
): StepRunInsert[] | null => {
  if (completion.stepRuns.length > MAX_COMPLETION_STEP_RUNS) return null;
  if (completion.stepRuns.some((stepRun) => stepRun.flowRunId !== assignment.flowRunId)) return null;
  return completion.stepRuns.map(({ tenantId: _ignored, ...stepRun }) => ({
    ...stepRun,
    id: newId('stepRun'),
    flowRunId: assignment.flowRunId,
    dataFlowId: assignment.dataFlowId,
  }));
};
