import {
  EntityId,
  ErrorBody,
  PageQuery,
  pageOf,
  WorkerActivityRecord,
  WorkerArtifactDownloadParams,
  WorkerArtifactDownloadQuery,
  WorkerAuthHeaders,
  WorkerFleetSummary,
  WorkerListQuery,
  WorkerSessionRecord,
  WorkerSummary,
  WorkerTokenIssued,
} from '@tempo/contracts';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../server-context.ts';
import { openWorkerDownload } from '../workers/worker-artifacts.ts';
import { WorkerErrors } from '../workers/worker-errors.ts';

const ItemParams = z.object({ id: EntityId });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const admin = { access: { kind: 'admin' } } as const;
const describe = (summary: string, description?: string) => ({
  tags: ['Workers'],
  summary,
  ...(description ? { description } : {}),
});

const headerOf = (request: FastifyRequest, name: string): string => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
};

/**
 * Workers (spec §5, rest-api §17): the admin routes (global administrators only) and the
 * worker-scoped package download (spec §4.6), which workers call with their own token rather
 * than user credentials. The WebSocket endpoint is not a route: see workers/worker-endpoint.ts.
 */
export const workerRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { admin: workers, blobs } = context.workers;

  r.get(
    '/v1.0/workers',
    {
      config: admin,
      schema: {
        ...describe('List workers', 'In creation order; `search` matches the id, name or host name.'),
        querystring: WorkerListQuery,
        response: { 200: pageOf(WorkerSummary), ...errors },
      },
    },
    (request) => workers.list(request.query),
  );

  r.get(
    '/v1.0/workers/summary',
    {
      config: admin,
      schema: {
        ...describe(
          'Count workers by condition',
          'Totals by state, enabled (blocked) and drain flags, live sessions on this server and open assignments.',
        ),
        response: { 200: WorkerFleetSummary, ...errors },
      },
    },
    () => workers.fleet(),
  );

  r.get(
    '/v1.0/workers/:id',
    {
      config: admin,
      schema: {
        ...describe('Read a worker'),
        params: ItemParams,
        response: { 200: WorkerSummary, ...errors },
      },
    },
    (request) => workers.read(request.params.id),
  );

  r.get(
    '/v1.0/workers/:id/sessions',
    {
      config: admin,
      schema: {
        ...describe("List a worker's sessions, newest first"),
        params: ItemParams,
        querystring: PageQuery,
        response: { 200: pageOf(WorkerSessionRecord), ...errors },
      },
    },
    (request) => workers.sessionsOf(request.params.id, request.query),
  );

  r.get(
    '/v1.0/workers/:id/activity',
    {
      config: admin,
      schema: {
        ...describe("List a worker's activity, newest first"),
        params: ItemParams,
        querystring: PageQuery,
        response: { 200: pageOf(WorkerActivityRecord), ...errors },
      },
    },
    (request) => workers.activityOf(request.params.id, request.query),
  );

  const action = (
    path: string,
    summary: string,
    description: string,
    run: (workerId: string) => Promise<WorkerSummary>,
  ) =>
    r.post(
      `/v1.0/workers/:id/${path}`,
      {
        config: admin,
        schema: {
          ...describe(summary, description),
          params: ItemParams,
          response: { 200: WorkerSummary, ...errors, 409: ErrorBody },
        },
      },
      (request) => run(request.params.id),
    );
  action(
    'drain',
    'Drain a worker',
    'No new runs go to it; running ones finish. A live session is sent `drain` (`operator_request`); the flag persists across reconnects.',
    (id) => workers.setDrainMode(id, true),
  );
  action('resume', 'Resume a worker', 'Leaves drain mode; a live session is sent `resume`.', (id) =>
    workers.setDrainMode(id, false),
  );
  action(
    'block',
    'Block a worker',
    'Disables it: its live session is closed (`worker_blocked`) and reconnects are refused. The pseudo-worker cannot be blocked (409 `Protected`).',
    (id) => workers.block(id),
  );
  action('unblock', 'Unblock a worker', 'Enables it again; it may reconnect.', (id) => workers.unblock(id));

  r.post(
    '/v1.0/workers/:id/rotate-token',
    {
      config: admin,
      schema: {
        ...describe(
          'Issue a worker token',
          'Registers the worker when unknown, then issues a new token (shown only in this answer; only a keyed hash is stored). The old token stops working for new connections; a live session keeps running. The pseudo-worker takes no token (409 `Protected`).',
        ),
        params: ItemParams,
        response: { 200: WorkerTokenIssued, ...errors, 409: ErrorBody },
      },
    },
    (request) => workers.rotateToken(request.params.id),
  );

  // Untyped on purpose: the answer is raw bytes, which the typed reply (JSON bodies only) cannot hold.
  app.get(
    '/v1.0/workers/artifacts/:tenantId/blobs/:sha256/download',
    {
      // Worker credentials are checked before the request is validated, as user credentials are.
      preValidation: async (request) => {
        if (
          !headerOf(request, WorkerAuthHeaders.workerId) ||
          !headerOf(request, WorkerAuthHeaders.workerToken)
        )
          throw WorkerErrors.unauthenticated();
      },
      schema: {
        ...describe(
          'Download a package for an assignment (workers)',
          'For workers, with x-worker-id and x-worker-token: the package of an artifact version pinned by the run of an open assignment of this worker, named with its lease token.',
        ),
        params: WorkerArtifactDownloadParams,
        querystring: WorkerArtifactDownloadQuery,
        response: errors,
      },
    },
    async (request, reply) => {
      const params = request.params as WorkerArtifactDownloadParams;
      const query = request.query as WorkerArtifactDownloadQuery;
      const download = await openWorkerDownload(
        { repositories: context.repositories, blobs, workers },
        {
          workerId: headerOf(request, WorkerAuthHeaders.workerId),
          workerToken: headerOf(request, WorkerAuthHeaders.workerToken),
          tenantId: params.tenantId,
          sha256: params.sha256,
          runAssignmentId: query.runAssignmentId,
          leaseToken: query.leaseToken,
        },
      );
      return reply
        .header('content-type', 'application/zip')
        .header('content-length', String(download.byteLength))
        .header('x-tempo-sha256', download.sha256)
        .send(download.stream);
    },
  );
};
