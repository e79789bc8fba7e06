import {
  BulkDeleteRequest,
  BulkDeleteResponse,
  DirectRunRequest,
  EntityId,
  ErrorBody,
  FlowRunRecord,
  pageOf,
  RUN_ACTIVITY_LIMIT,
  RunActivityResponse,
  RunListQuery,
  StepRunRecord,
  TempoError,
} from '@tempo/contracts';
import { op } from '@tempo/core/store';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runAnswerWithoutSecrets } from '../resources/secret-views.ts';
import type { ServerContext } from '../server-context.ts';

const TenantParams = z.object({ tenantId: EntityId });
const ItemParams = z.object({ tenantId: EntityId, id: EntityId });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const runAccess = (operation: 'Read' | 'Delete' | 'Execute') =>
  ({ access: { kind: 'tenant', resource: 'FlowRun', operation } }) as const;
const describe = (summary: string) => ({ tags: ['Runs'], summary });

/** The run input as JSON text; a value too deeply nested to serialise is the caller's error. */
const inputText = (data: unknown): string => {
  try {
    return JSON.stringify(data);
  } catch {
    throw new TempoError('BadRequest', 400, 'data is nested too deeply to store as a run input.');
  }
};

/** Direct runs and the run history: enqueue, list, read, step runs, activity, cancel, delete. */
export const runRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { repositories, runs } = context;
  // Every answer here may hold runs, whose snapshots copy the credentials of their REST calls.
  app.addHook('preSerialization', async (_request, _reply, payload) => runAnswerWithoutSecrets(payload));

  r.post(
    '/v1.0/tenants/:tenantId/flows/:id/runs',
    {
      config: { access: { kind: 'tenant', resource: 'DataFlow', operation: 'Execute' } },
      schema: {
        ...describe('Start a run of a flow (answers at once with the queued run)'),
        tags: ['Flows'],
        params: ItemParams,
        body: DirectRunRequest,
        response: { 201: FlowRunRecord, ...errors, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { tenantId, id } = request.params;
      const flow = await repositories.dataFlows.inTenant(tenantId).require(id, 'DataFlow');
      if (!flow.active)
        throw new TempoError('Inactive', 409, `Flow ${id} is inactive; activate it to run it.`);
      const { data, metadata, requestId } = request.body;
      const principal = request.principal;
      const run = await runs.enqueue(flow, data === undefined ? null : inputText(data), {
        triggeredByUserId: principal.kind === 'user' ? principal.userId : null,
        sourceIp: request.ip,
        metadata: requestId ? { requestId, metadata: metadata ?? null } : (metadata ?? null),
      });
      return reply.code(201).send(run);
    },
  );

  r.get(
    '/v1.0/tenants/:tenantId/runs',
    {
      config: runAccess('Read'),
      schema: {
        ...describe('List runs, newest first'),
        params: TenantParams,
        querystring: RunListQuery,
        response: { 200: pageOf(FlowRunRecord), ...errors },
      },
    },
    async (request) => {
      const { dataFlowId, state, fromUtc, toUtc, pageNumber, pageSize } = request.query;
      return repositories.flowRuns.inTenant(request.params.tenantId).list(
        { pageNumber, pageSize },
        {
          ...(dataFlowId ? { dataFlowId } : {}),
          ...(state ? { state } : {}),
          ...(fromUtc || toUtc
            ? {
                createdUtc: op.range({
                  ...(fromUtc ? { gte: fromUtc } : {}),
                  ...(toUtc ? { lt: toUtc } : {}),
                }),
              }
            : {}),
        },
      );
    },
  );

  r.get(
    '/v1.0/tenants/:tenantId/runs/:id',
    {
      config: runAccess('Read'),
      schema: { ...describe('Read a run'), params: ItemParams, response: { 200: FlowRunRecord, ...errors } },
    },
    async (request) =>
      repositories.flowRuns.inTenant(request.params.tenantId).require(request.params.id, 'FlowRun'),
  );

  r.get(
    '/v1.0/tenants/:tenantId/runs/:id/steps',
    {
      config: runAccess('Read'),
      schema: {
        ...describe('The step runs of a run, in order'),
        params: ItemParams,
        response: { 200: z.array(StepRunRecord), ...errors },
      },
    },
    async (request) => {
      const { tenantId, id } = request.params;
      await repositories.flowRuns.inTenant(tenantId).require(id, 'FlowRun');
      return repositories.stepRuns.inTenant(tenantId).find({ flowRunId: id });
    },
  );

  r.get(
    '/v1.0/tenants/:tenantId/runs/:id/activity',
    {
      config: runAccess('Read'),
      schema: {
        ...describe('A run with its assignments and worker activity'),
        description: `The run, every dispatch attempt in attempt order (without lease tokens), and the newest ${RUN_ACTIVITY_LIMIT} worker activity events, newest first; activityTotalCount says how many there are in all.`,
        params: ItemParams,
        response: { 200: RunActivityResponse, ...errors },
      },
    },
    async (request) => {
      const { tenantId, id } = request.params;
      const run = await repositories.flowRuns.inTenant(tenantId).require(id, 'FlowRun');
      // Assignments and activity carry no tenant: the run, read inside the tenant, scopes them.
      // Attempts are bounded by engine.maxAssignmentAttempts; a long-lived run's activity is not,
      // so only its newest events are read.
      const [assignments, activity, activityTotalCount] = await Promise.all([
        repositories.runAssignments.find(
          { flowRunId: id },
          { orderBy: [{ column: 'attemptNumber', direction: 'asc' }] },
        ),
        repositories.workerActivity.find({ flowRunId: id }, { limit: RUN_ACTIVITY_LIMIT }),
        repositories.workerActivity.count({ flowRunId: id }),
      ]);
      return {
        run,
        assignments: assignments.map(({ leaseToken: _leaseToken, ...assignment }) => assignment),
        activity,
        activityTotalCount,
      };
    },
  );

  r.post(
    '/v1.0/tenants/:tenantId/runs/:id/cancel',
    {
      config: runAccess('Execute'),
      schema: {
        ...describe('Cancel a queued or running run'),
        description:
          'A queued run ends Cancelled at once. A running run is stopped before its next step, its handler processes are killed, and it ends Cancelled; the answer is the run once it has stopped (or still Running if it has not stopped within 10 s). A finished run, or one executing on another server, is a 409.',
        params: ItemParams,
        response: { 200: FlowRunRecord, ...errors, 409: ErrorBody },
      },
    },
    async (request) => runs.cancel(request.params.tenantId, request.params.id),
  );

  r.delete(
    '/v1.0/tenants/:tenantId/runs/:id',
    {
      config: runAccess('Delete'),
      schema: {
        ...describe('Delete a finished run and its step runs'),
        params: ItemParams,
        response: { 204: z.null(), ...errors, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      await runs.delete(request.params.tenantId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/v1.0/tenants/:tenantId/runs/bulk-delete',
    {
      config: runAccess('Delete'),
      schema: {
        ...describe('Delete several finished runs'),
        description:
          'Queued and running runs are skipped and listed in skippedInUse; unknown ids are ignored.',
        params: TenantParams,
        body: BulkDeleteRequest,
        response: { 200: BulkDeleteResponse, ...errors },
      },
    },
    async (request) => {
      const { tenantId } = request.params;
      const result = { deletedCount: 0, skippedProtected: [] as string[], skippedInUse: [] as string[] };
      for (const id of new Set(request.body.ids)) {
        if (!(await repositories.flowRuns.inTenant(tenantId).get(id))) continue;
        try {
          await runs.delete(tenantId, id);
          result.deletedCount += 1;
        } catch (error) {
          if (!(error instanceof TempoError && error.statusCode === 409)) throw error;
          result.skippedInUse.push(id);
        }
      }
      return result;
    },
  );
};
