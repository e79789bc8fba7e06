import { z } from 'zod';
import { EntityId, UtcTimestamp } from './common.ts';
import { WorkerKind, WorkerState } from './enums.ts';
import { PageQuery, QueryBoolean } from './paging.ts';
import { WorkerCapability } from './worker-protocol.ts';

/** A process that executes runs: a remote worker or the server's pseudo-worker. */
export const WorkerRecord = z.object({
  id: EntityId,
  name: z.string(),
  kind: WorkerKind,
  /** `Online` while a session is live (always for the pseudo-worker when enabled), else `Offline`. */
  state: WorkerState,
  /** False = blocked: no assignments, reconnects refused. */
  enabled: z.boolean(),
  /** True = no new assignments; running ones finish. Persists across reconnects. */
  drainMode: z.boolean(),
  version: z.string().nullable(),
  hostName: z.string().nullable(),
  /** Labels the worker advertised in its last `hello` (placement by `routingHintLabel`). */
  labels: z.array(z.string()),
  /** What the worker advertised in its last `hello` it can execute. */
  capabilities: z.array(WorkerCapability),
  /** Runs the worker executes at once, at least 1. */
  maxConcurrentRuns: z.number().int(),
  /** Per-run time limit in milliseconds; 0 = none. */
  maxTaskTimeoutMs: z.number().int(),
  /** When the worker's token was last issued; null = never (it cannot connect). */
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
  /** Null while the session is live. */
  disconnectedUtc: UtcTimestamp.nullable(),
  /**
   * Why it ended: `heartbeat_timeout`, `superseded_session`, `server_stopped`, `worker_blocked`, `server_error`,
   * a protocol failure (`invalid worker frame`, ...), the socket's close reason or code, or
   * `socket_closed`.
   */
  disconnectReason: z.string().nullable(),
  protocolVersion: z.string().nullable(),
});
export type WorkerSessionRecord = z.infer<typeof WorkerSessionRecord>;

/**
 * A worker as the admin routes answer (rest-api §17): the stored record, its open assignments and
 * its newest session. The token and its hash are never part of it.
 */
export const WorkerSummary = WorkerRecord.extend({
  /** Assignments of this worker in state `Assigned` and not completed. */
  activeAssignmentCount: z.number().int().min(0),
  /** The newest session (live or ended), or null when the worker never connected. */
  latestSession: WorkerSessionRecord.nullable(),
});
export type WorkerSummary = z.infer<typeof WorkerSummary>;

/** Query of `GET /v1.0/workers`: paging plus the spec's filters. */
export const WorkerListQuery = PageQuery.extend({
  state: WorkerState.optional(),
  /** `true`/`false`/`1`/`0`. */
  enabled: QueryBoolean.optional(),
  /** `true`/`false`/`1`/`0`. */
  drainMode: QueryBoolean.optional(),
  /** Substring, ignoring case, of the id, name or host name. */
  search: z.string().max(255).optional(),
});
export type WorkerListQuery = z.infer<typeof WorkerListQuery>;

/** Path of `GET /v1.0/workers/artifacts/{tenantId}/blobs/{sha256}/download`. */
export const WorkerArtifactDownloadParams = z.object({
  tenantId: EntityId,
  /** The package's SHA-256, hex, any case. */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'sha256 is 64 hexadecimal characters')
    .transform((value) => value.toLowerCase()),
});
export type WorkerArtifactDownloadParams = z.infer<typeof WorkerArtifactDownloadParams>;

/** Query of the worker download: the open attempt that authorises it (spec §4.6). */
export const WorkerArtifactDownloadQuery = z.object({
  runAssignmentId: EntityId,
  leaseToken: z.string().min(1).max(64),
});
export type WorkerArtifactDownloadQuery = z.infer<typeof WorkerArtifactDownloadQuery>;

/** Answer of `GET /v1.0/workers/summary`: how many workers are in each condition. */
export const WorkerFleetSummary = z.object({
  /** Every worker row, the pseudo-worker included. */
  totalCount: z.number().int().min(0),
  /** Workers by `state`. */
  byState: z.object({ Online: z.number().int().min(0), Offline: z.number().int().min(0) }),
  /** Workers with `enabled = true`. */
  enabledCount: z.number().int().min(0),
  /** Workers with `enabled = false` (refused at connect). */
  blockedCount: z.number().int().min(0),
  /** Workers with `drainMode = true`. */
  drainingCount: z.number().int().min(0),
  /** Remote workers with a live WebSocket session on this server. */
  liveSessionCount: z.number().int().min(0),
  /** Open assignments (`Assigned`, not completed) across every worker. */
  activeAssignmentCount: z.number().int().min(0),
});
export type WorkerFleetSummary = z.infer<typeof WorkerFleetSummary>;

/** One event in a worker's or a run's activity trail. */
export const WorkerActivityRecord = z.object({
  id: EntityId,
  workerId: EntityId,
  workerSessionId: z.string().nullable(),
  flowRunId: z.string().nullable(),
  runAssignmentId: z.string().nullable(),
  /** `hello`, `assigned`, `assign-ack`, `execution_completed`, `worker_disconnected`, `lease_expired`, `orphan_completion`, ... */
  eventType: z.string(),
  /** `Info` or `Warning`. */
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
