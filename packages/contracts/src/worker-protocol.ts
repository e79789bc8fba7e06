import { z } from 'zod';
import { EntityId, UtcTimestamp } from './common.ts';
import { StepTransition } from './definitions.ts';
import { FlowRunState, RunAssignmentState, RuntimeKey, StepContractType, WorkerKind } from './enums.ts';
import { StepRunRecord } from './runs.ts';
import { RuntimeConfig } from './runtime-configs.ts';

/**
 * The worker protocol (v1.0): one WebSocket per worker at `/v1.0/workers/connect`, text frames
 * holding one JSON object each, told apart by `type`. The server is the only writer of run state;
 * a worker executes whole runs from the plan an `assign` frame carries and reports them back.
 */
export const WORKER_PROTOCOL_VERSION = '1.0';

/** Path of the worker WebSocket endpoint. */
export const WORKER_CONNECT_PATH = '/v1.0/workers/connect';

/** Longest lease token a frame may carry; the server's are far shorter (an id's length). */
export const MAX_LEASE_TOKEN_LENGTH = 256;

/** Longest reason an `assign-ack` may give for refusing its assignment. */
export const MAX_ACK_MESSAGE_LENGTH = 1024;

/** Upgrade headers a worker authenticates with. */
export const WorkerAuthHeaders = { workerId: 'x-worker-id', workerToken: 'x-worker-token' } as const;

/** Close reason sent when the upgrade's worker id or token does not check out. */
export const WORKER_AUTH_FAILED = 'worker authentication failed';

/**
 * Close of a session by a server that does not hold the scheduler role among the servers sharing
 * its database (beyond v0.3.0): code 1013 (try again later) with this reason. A worker moves on
 * to its next server endpoint at once.
 */
export const WORKER_NOT_SCHEDULER = { code: 1013, reason: 'not the scheduler' } as const;

/** Why the server asks a worker to stop taking runs. */
export const DrainReason = z.enum([
  'operator_request',
  'heartbeat_timeout',
  'superseded_session',
  'server_stopped',
]);
export type DrainReason = z.infer<typeof DrainReason>;

/**
 * What a worker can execute, or what a step needs. `*` (or empty) on the worker's side matches
 * anything; `executionKey` is carried but not compared (as in v0.3.0).
 */
export const WorkerCapability = z.object({
  executionKey: z.string().default('*'),
  tenantScope: z.string().default('*'),
  /** `Artifact`, `Registry` or `Inline`. */
  sourceKind: z.string(),
  runtimeKey: z.string(),
  signatureHash: z.string().default('*'),
});
export type WorkerCapability = z.infer<typeof WorkerCapability>;

/** An artifact version pinned at run start; the worker fetches its package by `sha256`. */
export const PlanArtifactPin = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pinned'),
    artifact: z.object({
      artifactId: z.string(),
      artifactVersionId: z.string(),
      version: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  }),
  z.object({ kind: z.literal('unresolved'), message: z.string() }),
]);
export type PlanArtifactPin = z.infer<typeof PlanArtifactPin>;

/** A step as the engine runs it: the stored definition resolved when the run was enqueued. */
export const PlanStepDefinition = z.object({
  id: z.string().nullable(),
  tenantId: z.string(),
  executionKey: z.string(),
  name: z.string(),
  runtimeKey: RuntimeKey,
  runtimeConfig: RuntimeConfig.nullable(),
  contractType: StepContractType,
  inputSchema: z.string().nullable(),
  outputSchema: z.string().nullable(),
  validateInput: z.boolean(),
  validateOutput: z.boolean(),
  /** Per-step time limit in milliseconds; 0 = none. */
  maxRuntimeMs: z.number().int().min(0),
  /** For artifact runtimes: the version pinned at run start (never the package bytes). */
  artifact: PlanArtifactPin.nullable().default(null),
});
export type PlanStepDefinition = z.infer<typeof PlanStepDefinition>;

/** One resolved step of a plan, with the capability fields placement matches on. */
export const PlanStep = z.object({
  executionKey: z.string(),
  tenantScope: z.string(),
  sourceKind: z.string(),
  signatureHash: z.string(),
  runtimeKey: RuntimeKey,
  step: PlanStepDefinition,
});
export type PlanStep = z.infer<typeof PlanStep>;

/** The flow graph a plan runs. */
export const PlanFlow = z.object({
  id: z.string(),
  tenantId: z.string(),
  startStepId: z.string(),
  /** Whole-flow time limit in milliseconds; 0 = none. */
  maxRuntimeMs: z.number().int().min(0),
  transitions: z.record(z.string(), StepTransition),
});
export type PlanFlow = z.infer<typeof PlanFlow>;

/** Who started the run, and the trigger's request metadata handed to every step. */
export const PlanTriggerContext = z.object({
  triggerId: z.string().nullable().default(null),
  triggeredByUserId: z.string().nullable().default(null),
  /** The run's request metadata (`StepRequest.metadata`); null when none. */
  metadata: z.unknown().default(null),
});
export type PlanTriggerContext = z.infer<typeof PlanTriggerContext>;

/** The attempt and its lease, stamped on the plan when it is assigned. */
export const PlanBudget = z.object({
  maxRuntimeMs: z.number().int().min(0),
  dispatchAttempt: z.number().int().min(0),
  runAssignmentId: z.string().nullable(),
  leaseToken: z.string().nullable(),
  assignedUtc: UtcTimestamp.nullable(),
  leaseExpiresUtc: UtcTimestamp.nullable(),
  leaseDurationMs: z.number().int().min(0),
});
export type PlanBudget = z.infer<typeof PlanBudget>;

/** Everything a worker needs to execute one whole run without reading the database. */
export const FlowRunExecutionPlan = z.object({
  flowRunId: EntityId,
  tenantId: EntityId,
  dataFlowId: EntityId,
  triggerContext: PlanTriggerContext,
  flow: PlanFlow,
  /** Resolved steps by execution key. */
  steps: z.record(z.string(), PlanStep),
  requiredCapabilities: z.array(WorkerCapability),
  /** The run's input as JSON text, or null. */
  initialInputData: z.string().nullable(),
  budget: PlanBudget,
  /** The flow's `routingHintLabel`; null or empty = any worker. */
  placementLabel: z.string().nullable().default(null),
  /** The run's execution snapshot as stored on the run (JSON text). */
  executionSnapshot: z.string(),
});
export type FlowRunExecutionPlan = z.infer<typeof FlowRunExecutionPlan>;

/** The assignment an `assign` frame carries. */
export const WireAssignment = z.object({
  id: EntityId,
  flowRunId: EntityId,
  workerId: EntityId,
  workerSessionId: EntityId,
  attemptNumber: z.number().int().min(1),
  state: RunAssignmentState,
  leaseToken: z.string().min(1).max(MAX_LEASE_TOKEN_LENGTH),
  leaseExpiresUtc: UtcTimestamp,
  assignedUtc: UtcTimestamp,
  completedUtc: UtcTimestamp.nullable().default(null),
});
export type WireAssignment = z.infer<typeof WireAssignment>;

/** A finished attempt as the worker reports it. */
export const WireCompletion = z.object({
  flowRunId: EntityId,
  runAssignmentId: EntityId,
  workerId: EntityId,
  workerSessionId: EntityId,
  leaseToken: z.string().min(1).max(MAX_LEASE_TOKEN_LENGTH),
  finalState: FlowRunState.exclude(['Queued', 'Running']),
  outputData: z.string().nullable().default(null),
  errorMessage: z.string().nullable().default(null),
  executionSnapshotJson: z.string().nullable().default(null),
  stepRuns: z.array(StepRunRecord).default([]),
  completedUtc: UtcTimestamp,
});
export type WireCompletion = z.infer<typeof WireCompletion>;

/** Worker → server: the first frame of a session. */
export const HelloFrame = z.object({
  type: z.literal('hello'),
  protocolVersion: z.string(),
  workerId: EntityId,
  name: z.string().max(255),
  kind: WorkerKind.default('Worker'),
  version: z.string().max(64).nullable().default(null),
  hostName: z.string().max(255).nullable().default(null),
  maxConcurrentRuns: z.number().int(),
  maxTaskTimeoutMs: z.number().int(),
  labels: z.array(z.string().max(128)).max(64).default([]),
  capabilities: z.array(WorkerCapability).max(256).default([]),
});
export type HelloFrame = z.infer<typeof HelloFrame>;

/** Server → worker: the session is open. */
export const HelloAckFrame = z.object({
  type: z.literal('hello-ack'),
  protocolVersion: z.string(),
  workerId: EntityId,
  workerSessionId: EntityId,
  heartbeatIntervalMs: z.number().int(),
  heartbeatTimeoutMs: z.number().int(),
  leaseDurationMs: z.number().int(),
  drainMode: z.boolean(),
});
export type HelloAckFrame = z.infer<typeof HelloAckFrame>;

/** Worker → server, every `heartbeatIntervalMs`. */
export const HeartbeatFrame = z.object({
  type: z.literal('heartbeat'),
  workerId: EntityId,
  workerSessionId: EntityId,
  activeRuns: z.number().int().min(0),
  sentUtc: UtcTimestamp,
});
export type HeartbeatFrame = z.infer<typeof HeartbeatFrame>;

/** Server → worker: execute this run. */
export const AssignFrame = z.object({
  type: z.literal('assign'),
  assignment: WireAssignment,
  plan: FlowRunExecutionPlan,
  /** W3C `traceparent` of the run's trace (spec §3.1); absent when the server traces nothing. */
  traceParent: z.string().max(512).optional(),
  /** W3C `tracestate` that goes with `traceParent`. */
  traceState: z.string().max(512).optional(),
});
export type AssignFrame = z.infer<typeof AssignFrame>;

/** Worker → server: took the assignment, or why not. */
export const AssignAckFrame = z.object({
  type: z.literal('assign-ack'),
  workerId: EntityId,
  workerSessionId: EntityId,
  runAssignmentId: EntityId,
  leaseToken: z.string().max(MAX_LEASE_TOKEN_LENGTH),
  accepted: z.boolean(),
  /** Why the worker refused; a reason, not a report, so its length is bounded. */
  message: z.string().max(MAX_ACK_MESSAGE_LENGTH).nullable().default(null),
});
export type AssignAckFrame = z.infer<typeof AssignAckFrame>;

/** Worker → server: the attempt ended. */
export const RunCompletedFrame = z.object({
  type: z.literal('run-completed'),
  completion: WireCompletion,
  /** W3C `traceparent` of the worker's run span, to link the completion to it (spec §3.1). */
  traceParent: z.string().max(512).optional(),
  /** W3C `tracestate` that goes with `traceParent`. */
  traceState: z.string().max(512).optional(),
});
export type RunCompletedFrame = z.infer<typeof RunCompletedFrame>;

/** Server → worker: take no new runs (running ones finish). */
export const DrainFrame = z.object({ type: z.literal('drain'), workerId: EntityId, message: z.string() });
export type DrainFrame = z.infer<typeof DrainFrame>;

/** Server → worker: take runs again. */
export const ResumeFrame = z.object({ type: z.literal('resume'), workerId: EntityId, message: z.string() });
export type ResumeFrame = z.infer<typeof ResumeFrame>;

/** Every frame a worker may send. */
export const WorkerFrame = z.discriminatedUnion('type', [
  HelloFrame,
  HeartbeatFrame,
  AssignAckFrame,
  RunCompletedFrame,
]);
export type WorkerFrame = z.infer<typeof WorkerFrame>;

/** Every frame the server may send. */
export const ServerFrame = z.discriminatedUnion('type', [
  HelloAckFrame,
  AssignFrame,
  DrainFrame,
  ResumeFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Messages a worker answers a refused `assign` with, in the order it checks them. */
export const AssignRejection = {
  wrongSession: 'Assignment was issued for a different worker session',
  draining: 'Worker is draining',
  missingCapability: 'Worker capabilities do not satisfy the execution plan',
  atCapacity: 'Worker is at max concurrency',
} as const;

/** Response of `POST /v1.0/workers/{id}/rotate-token`: the token is shown this once. */
export const WorkerTokenIssued = z.object({
  workerId: EntityId,
  token: z.string(),
  issuedUtc: UtcTimestamp,
});
export type WorkerTokenIssued = z.infer<typeof WorkerTokenIssued>;
