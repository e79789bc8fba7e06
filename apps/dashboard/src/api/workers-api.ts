import type { TempoClient } from '@tempo/client';
import {
  pageOf,
  WorkerActivityRecord,
  WorkerFleetSummary,
  type WorkerListQuery,
  WorkerSummary,
  WorkerTokenIssued,
} from '@tempo/contracts';

const WorkerPage = pageOf(WorkerSummary);
const ActivityPage = pageOf(WorkerActivityRecord);

/** The actions of `POST /v1.0/workers/{id}/<action>`. */
export type WorkerAction = 'drain' | 'resume' | 'block' | 'unblock';

/** `GET /v1.0/workers` (global administrators). */
export const listWorkers = (client: TempoClient, query: Partial<WorkerListQuery>) =>
  client.request('GET', '/v1.0/workers', WorkerPage, { query: { ...query } });

/** `GET /v1.0/workers/summary`. */
export const workerFleet = (client: TempoClient) =>
  client.request('GET', '/v1.0/workers/summary', WorkerFleetSummary);

/** `GET /v1.0/workers/{id}/activity`, newest first. */
export const workerActivity = (client: TempoClient, workerId: string, pageSize = 50) =>
  client.request('GET', `/v1.0/workers/${encodeURIComponent(workerId)}/activity`, ActivityPage, {
    query: { pageSize },
  });

/** Drains, resumes, blocks or unblocks a worker; answers the worker as it is now. */
export const workerAction = (client: TempoClient, workerId: string, action: WorkerAction) =>
  client.request('POST', `/v1.0/workers/${encodeURIComponent(workerId)}/${action}`, WorkerSummary);

/** Issues a new token; the answer is the only place it is ever shown. */
export const rotateWorkerToken = (client: TempoClient, workerId: string) =>
  client.request('POST', `/v1.0/workers/${encodeURIComponent(workerId)}/rotate-token`, WorkerTokenIssued);

/** `GET /v1.0/workers/{id}`. */
export const readWorker = (client: TempoClient, workerId: string) =>
  client.request('GET', `/v1.0/workers/${encodeURIComponent(workerId)}`, WorkerSummary);
