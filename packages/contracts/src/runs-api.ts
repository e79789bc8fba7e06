import { z } from 'zod';
import { EntityId, UtcTimestamp } from './common.ts';
import { FlowRunState } from './enums.ts';
import { PageQuery } from './paging.ts';
import { FlowRunRecord, RunAssignmentRecord } from './runs.ts';
import { WorkerActivityRecord } from './workers.ts';

/** `POST .../flows/{id}/runs` body: `data` becomes the run's input (stored as JSON text). */
export const DirectRunRequest = z.object({
  /** Caller's correlation id, kept in the run's metadata. */
  requestId: z.string().max(128).nullish(),
  data: z.unknown().optional(),
  metadata: z.unknown().optional(),
});
export type DirectRunRequest = z.infer<typeof DirectRunRequest>;

/** `GET .../runs` query: paging plus filters. */
export const RunListQuery = PageQuery.extend({
  dataFlowId: EntityId.optional(),
  state: FlowRunState.optional(),
  /** Runs created at or after this instant. */
  fromUtc: UtcTimestamp.optional(),
  /** Runs created before this instant. */
  toUtc: UtcTimestamp.optional(),
});
export type RunListQuery = z.infer<typeof RunListQuery>;

/** Most worker activity events a run's activity answer lists: the newest ones. */
export const RUN_ACTIVITY_LIMIT = 500;

/**
 * One dispatch attempt as the activity answer shows it: the assignment without its lease token,
 * which only the worker holding the lease needs.
 */
export const RunActivityAssignment = RunAssignmentRecord.omit({ leaseToken: true });
export type RunActivityAssignment = z.infer<typeof RunActivityAssignment>;

/** `GET .../runs/{id}/activity` answer. */
export const RunActivityResponse = z.object({
  run: FlowRunRecord,
  /** Every dispatch attempt, in attempt order. */
  assignments: z.array(RunActivityAssignment),
  /** The newest {@link RUN_ACTIVITY_LIMIT} worker activity events of the run, newest first. */
  activity: z.array(WorkerActivityRecord),
  /**
   * How many activity events the run has in all; more than `activity` holds when it was cut.
   * Always sent by this server; optional so that answers of servers without it still parse.
   */
  activityTotalCount: z.number().int().optional(),
});
export type RunActivityResponse = z.infer<typeof RunActivityResponse>;

/** Headers an HTTP trigger answer carries, in the order the spec lists them. */
export const TRIGGER_RESPONSE_HEADERS = [
  'x-tenant-id',
  'x-worker-id',
  'x-run-id',
  'x-dataflow-id',
  'x-trigger-id',
  'x-run-state',
  'x-run-created-utc',
  'x-run-started-utc',
  'x-run-completed-utc',
  'x-run-last-update-utc',
  'x-runtime-ms',
  'x-run-error',
] as const;
