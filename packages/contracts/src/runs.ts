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

/** Largest value of a 32-bit signed integer column. */
const INT32_MAX = 2_147_483_647;

/**
 * One executed node of a run. Text bounds are the stored columns' widths: step runs also arrive
 * in workers' completion frames, and a value the column cannot hold must be refused there.
 */
export const StepRunRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  flowRunId: EntityId,
  dataFlowId: EntityId,
  /** The execution key that ran. */
  stepId: z.string().max(255),
  /** Order within the run. */
  sequence: z.number().int().min(0).max(INT32_MAX),
  result: StepResultType,
  /** Key chosen next; null ends the run. */
  nextStepId: z.string().max(255).nullable(),
  inputData: z.string().nullable(),
  outputData: z.string().nullable(),
  errorMessage: z.string().nullable(),
  artifactId: z.string().max(64).nullable(),
  artifactVersionId: z.string().max(64).nullable(),
  artifactVersion: z.string().max(255).nullable(),
  artifactSha256: z.string().max(64).nullable(),
  manifestEntrypoint: z.string().max(255).nullable(),
  executionState: StepRunExecutionState,
  /** Normalised step protocol version, e.g. `1.0`. */
  protocolVersion: z.string().max(16),
  startedUtc: UtcTimestamp,
  capacityQueuedUtc: UtcTimestamp.nullable(),
  capacityAcquiredUtc: UtcTimestamp.nullable(),
  /** Time spent waiting for runtime capacity, in milliseconds. */
  capacityWaitMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
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
