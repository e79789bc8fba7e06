import { z } from 'zod';
import { EntityId, UtcTimestamp } from './common.ts';
import { WorkerKind, WorkerState } from './enums.ts';

/** A process that executes runs: a remote worker or the server's pseudo-worker. */
export const WorkerRecord = z.object({
  id: EntityId,
  name: z.string(),
  kind: WorkerKind,
  state: WorkerState,
  /** False = blocked: no assignments, reconnects refused. */
  enabled: z.boolean(),
  /** True = no new assignments; running ones finish. */
  drainMode: z.boolean(),
  version: z.string().nullable(),
  hostName: z.string().nullable(),
  labels: z.array(z.string()),
  capabilities: z.array(z.string()),
  maxConcurrentRuns: z.number().int(),
  /** Per-run time limit in milliseconds; 0 = none. */
  maxTaskTimeoutMs: z.number().int(),
  tokenLastRotatedUtc: UtcTimestamp.nullable(),
  lastHeartbeatUtc: UtcTimestamp.nullable(),
  createdUtc: UtcTimestamp,
});
export type WorkerRecord = z.infer<typeof WorkerRecord>;

/** One connection of a worker to the server. */
export const WorkerSessionRecord = z.object({
  id: EntityId,
  workerId: EntityId,
  connectedUtc: UtcTimestamp,
  disconnectedUtc: UtcTimestamp.nullable(),
  disconnectReason: z.string().nullable(),
  protocolVersion: z.string().nullable(),
});
export type WorkerSessionRecord = z.infer<typeof WorkerSessionRecord>;

/** One event in a worker's or a run's activity trail. */
export const WorkerActivityRecord = z.object({
  id: EntityId,
  workerId: EntityId,
  workerSessionId: z.string().nullable(),
  flowRunId: z.string().nullable(),
  runAssignmentId: z.string().nullable(),
  eventType: z.string(),
  severity: z.string().nullable(),
  message: z.string().nullable(),
  payloadJson: z.string().nullable(),
  createdUtc: UtcTimestamp,
});
export type WorkerActivityRecord = z.infer<typeof WorkerActivityRecord>;

/** A running server replica, for the scheduler lease and the admin views. */
export const ServerInstanceRecord = z.object({
  id: EntityId,
  startedUtc: UtcTimestamp,
  lastHeartbeatUtc: UtcTimestamp,
  version: z.string().nullable(),
  hostName: z.string().nullable(),
});
export type ServerInstanceRecord = z.infer<typeof ServerInstanceRecord>;
