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

/** `GET .../runs/{id}/activity` answer. */
export const RunActivityResponse = z.object({
  run: FlowRunRecord,
  assignments: z.array(RunAssignmentRecord),
  activity: z.array(WorkerActivityRecord),
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
