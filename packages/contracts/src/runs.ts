import { z } from 'zod';
import { EntityId, UtcTimestamp } from './common.ts';
import {
  ExecutionNodeKind,
  FlowRunDispatchState,
  FlowRunState,
  RunAssignmentState,
  StepResultType,
  StepRunExecutionState,
} from './enums.ts';

/** One execution of one flow. */
export const FlowRunRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  dataFlowId: EntityId,
  triggeredByUserId: z.string().nullable(),
  triggerId: z.string().nullable(),
  /** Client address at enqueue time. */
  sourceIp: z.string().nullable(),
  state: FlowRunState,
  /** Initial input as JSON text. */
  inputData: z.string().nullable(),
  /** Final step's data as JSON text. */
  outputData: z.string().nullable(),
  errorMessage: z.string().nullable(),
  /** Resolved step definitions and artifact versions at run start, as JSON text. */
  executionSnapshotJson: z.string().nullable(),
  dispatchState: FlowRunDispatchState,
  dispatchAttempt: z.number().int(),
  assignedWorkerId: z.string().nullable(),
  runAssignmentId: z.string().nullable(),
  /** Time spent queued before assignment, in milliseconds. */
  queueWaitMs: z.number().int().nullable(),
  assignedUtc: UtcTimestamp.nullable(),
  leaseExpiresUtc: UtcTimestamp.nullable(),
  executionNodeKind: ExecutionNodeKind.nullable(),
  createdUtc: UtcTimestamp,
  startedUtc: UtcTimestamp.nullable(),
  completedUtc: UtcTimestamp.nullable(),
  lastUpdateUtc: UtcTimestamp,
});
export type FlowRunRecord = z.infer<typeof FlowRunRecord>;

/** One executed node of a run. */
export const StepRunRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  flowRunId: EntityId,
  dataFlowId: EntityId,
  /** The execution key that ran. */
  stepId: z.string(),
  /** Order within the run. */
  sequence: z.number().int(),
  result: StepResultType,
  /** Key chosen next; null ends the run. */
  nextStepId: z.string().nullable(),
  inputData: z.string().nullable(),
  outputData: z.string().nullable(),
  errorMessage: z.string().nullable(),
  artifactId: z.string().nullable(),
  artifactVersionId: z.string().nullable(),
  artifactVersion: z.string().nullable(),
  artifactSha256: z.string().nullable(),
  manifestEntrypoint: z.string().nullable(),
  executionState: StepRunExecutionState,
  /** Normalised step protocol version, e.g. `1.0`. */
  protocolVersion: z.string(),
  startedUtc: UtcTimestamp,
  capacityQueuedUtc: UtcTimestamp.nullable(),
  capacityAcquiredUtc: UtcTimestamp.nullable(),
  /** Time spent waiting for runtime capacity, in milliseconds. */
  capacityWaitMs: z.number().int().nullable(),
  completedUtc: UtcTimestamp.nullable(),
});
export type StepRunRecord = z.infer<typeof StepRunRecord>;

/** One dispatch attempt of a run on a worker. */
export const RunAssignmentRecord = z.object({
  id: EntityId,
  flowRunId: EntityId,
  workerId: EntityId,
  /** Null for execution on the server's pseudo-worker. */
  workerSessionId: z.string().nullable(),
  attemptNumber: z.number().int(),
  state: RunAssignmentState,
  /** Token a completion must echo; stale completions are ignored. */
  leaseToken: z.string(),
  leaseExpiresUtc: UtcTimestamp,
  assignedUtc: UtcTimestamp,
  completedUtc: UtcTimestamp.nullable(),
});
export type RunAssignmentRecord = z.infer<typeof RunAssignmentRecord>;
