import type { WorkerRecord, WorkerSessionRecord, WorkerSummary } from '@tempo/contracts';
import type { Repositories, RowOf, Tables } from '@tempo/core/store';

/** A stored `workers` row. */
export type WorkerRow = RowOf<typeof Tables.workers>;

/** The record of a worker row: its JSON columns as lists, the token hash left out. */
export const workerRecordOf = (row: WorkerRow): WorkerRecord => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  state: row.state,
  enabled: row.enabled,
  drainMode: row.drainMode,
  version: row.version,
  hostName: row.hostName,
  labels: [...row.labelsJson],
  capabilities: [...row.capabilitiesJson],
  maxConcurrentRuns: row.maxConcurrentRuns,
  maxTaskTimeoutMs: row.maxTaskTimeoutMs,
  tokenLastRotatedUtc: row.tokenLastRotatedUtc,
  lastHeartbeatUtc: row.lastHeartbeatUtc,
  createdUtc: row.createdUtc,
});

/** Filter of a worker's open assignments (spec §5.1 `activeAssignmentCount`). */
export const openAssignmentsOf = (workerId: string) =>
  ({ workerId, state: 'Assigned', completedUtc: null }) as const;

/** The newest session of a worker, live or ended, or null. */
export const latestSessionOf = async (
  repositories: Repositories,
  workerId: string,
): Promise<WorkerSessionRecord | null> => {
  const [row] = await repositories.workerSessions.find({ workerId }, { limit: 1 });
  return row ?? null;
};

/** The admin summary of a worker row (rest-api §17). */
export const workerSummaryOf = async (repositories: Repositories, row: WorkerRow): Promise<WorkerSummary> => {
  const [activeAssignmentCount, latestSession] = await Promise.all([
    repositories.runAssignments.count(openAssignmentsOf(row.id)),
    latestSessionOf(repositories, row.id),
  ]);
  return { ...workerRecordOf(row), activeAssignmentCount, latestSession };
};
