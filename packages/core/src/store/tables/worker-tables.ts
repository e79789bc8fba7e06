import { type WorkerCapability, WorkerKind, WorkerState } from '@tempo/contracts';
import { col, table } from '../table-model.ts';
import { nowUtc } from './common-columns.ts';

/**
 * `workers`: global; `tokenHash` is the keyed hash (HMAC-SHA-256 under `auth.credentialHashKey`)
 * of the issued token, never the token.
 */
export const workers = table(
  'workers',
  {
    id: col.id(),
    name: col.text().default('worker'),
    kind: col.enumText(WorkerKind.options).default('Worker'),
    state: col.enumText(WorkerState.options).default('Offline'),
    enabled: col.bool().default(true),
    drainMode: col.bool().default(false),
    version: col.text(64).nullable(),
    hostName: col.text().nullable(),
    labelsJson: col.json<string[]>().default(() => []),
    capabilitiesJson: col.json<WorkerCapability[]>().default(() => []),
    maxConcurrentRuns: col.int().default(1),
    maxTaskTimeoutMs: col.bigint().default(0),
    tokenHash: col.text(64).nullable(),
    tokenLastRotatedUtc: col.timestamp().nullable(),
    lastHeartbeatUtc: col.timestamp().nullable(),
    createdUtc: col.timestamp().default(nowUtc),
  },
  { indexes: [['enabled', 'drainMode', 'state', 'lastHeartbeatUtc'], ['tokenHash']] },
);

/** `worker_sessions`: one row per worker connection. */
export const workerSessions = table(
  'worker_sessions',
  {
    id: col.id(),
    workerId: col.id(),
    connectedUtc: col.timestamp().default(nowUtc),
    disconnectedUtc: col.timestamp().nullable(),
    disconnectReason: col.text(1000).nullable(),
    protocolVersion: col.text(16).nullable(),
  },
  { indexes: [['workerId', 'disconnectedUtc', 'connectedUtc']] },
);

/** `worker_activity`: the activity trail of workers and runs. */
export const workerActivity = table(
  'worker_activity',
  {
    id: col.id(),
    workerId: col.id(),
    workerSessionId: col.id().nullable(),
    flowRunId: col.id().nullable(),
    runAssignmentId: col.id().nullable(),
    eventType: col.text(64),
    severity: col.text(16).nullable(),
    message: col.longText().nullable(),
    payloadJson: col.longText().nullable(),
    createdUtc: col.timestamp().default(nowUtc),
  },
  {
    indexes: [
      ['workerId', 'createdUtc'],
      ['flowRunId', 'createdUtc'],
    ],
  },
);

/** `server_instances`: running server replicas. */
export const serverInstances = table(
  'server_instances',
  {
    id: col.id(),
    startedUtc: col.timestamp().default(nowUtc),
    lastHeartbeatUtc: col.timestamp().default(nowUtc),
    version: col.text(64).nullable(),
    hostName: col.text().nullable(),
  },
  { indexes: [['lastHeartbeatUtc']] },
);
