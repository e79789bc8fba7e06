import {
  CommonErrors,
  EntityId,
  ErrorBody,
  MAX_REQUEST_HISTORY_BUCKETS,
  pageOf,
  RequestHistoryDeleteQuery,
  RequestHistoryDeleteResponse,
  RequestHistoryListQuery,
  RequestHistoryRecord,
  RequestHistorySummary,
  RequestHistorySummaryQuery,
} from '@tempo/contracts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deleteInBatches } from '../retention/batched-delete.ts';
import type { ServerContext } from '../server-context.ts';
import { filterOf, inScope, scopeOf, summarize } from './request-history-query.ts';

const ItemParams = z.object({ id: EntityId });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
// Signed-in callers reach the handlers, which scope them (see scopeOf): no AccessRule says
// "a tenant taken from the query, or every tenant for administrators".
const signedIn = { access: { kind: 'authenticated' } } as const;
const describe = (summary: string, description: string) => ({
  tags: ['Request history'],
  summary,
  description,
});
const WHO =
  'Global administrators see every entry and may pass tenantId and userId; tenant administrators see their tenant (userId narrows it); other users see their own requests and need the RequestHistory permission (Read to read, Delete to delete). Naming another tenant, or another user without being a tenant administrator, is a 403.';

/**
 * `/v1.0/api/request-history`: the recorded HTTP trigger calls, listed, summarized in time
 * buckets for charts, read and deleted, each caller inside its own scope.
 */
export const requestHistoryRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (
  app,
  { context },
) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { authorizer } = context;
  const history = context.repositories.requestHistory;

  r.get(
    '/v1.0/api/request-history',
    {
      config: signedIn,
      schema: {
        ...describe(
          'List request history entries, newest first',
          `Filters: method, pathContains (any case), statusCode, fromUtc (inclusive), toUtc (exclusive). ${WHO}`,
        ),
        querystring: RequestHistoryListQuery,
        response: { 200: pageOf(RequestHistoryRecord), ...errors },
      },
    },
    async (request) => {
      const scope = await scopeOf(authorizer, request.principal, 'Read', request.query);
      const { pageNumber, pageSize } = request.query;
      return history.list({ pageNumber, pageSize }, filterOf(request.query, scope));
    },
  );

  r.get(
    '/v1.0/api/request-history/summary',
    {
      config: signedIn,
      schema: {
        ...describe(
          'Summarize request history in time buckets',
          `Counts (success below 400, failure 400 and above) and average durations per bucket of bucketMinutes (default 15) from fromUtc to toUtc (default the last 24 hours), every bucket listed, empty ones too. At most ${MAX_REQUEST_HISTORY_BUCKETS} buckets: a longer window needs larger buckets (400 otherwise). Same filters as the list. ${WHO}`,
        ),
        querystring: RequestHistorySummaryQuery,
        response: { 200: RequestHistorySummary, ...errors },
      },
    },
    async (request) => {
      const scope = await scopeOf(authorizer, request.principal, 'Read', request.query);
      return summarize(history, request.query, scope);
    },
  );

  r.get(
    '/v1.0/api/request-history/:id',
    {
      config: signedIn,
      schema: {
        ...describe('Read a request history entry', `An entry outside the caller's scope is a 404. ${WHO}`),
        params: ItemParams,
        response: { 200: RequestHistoryRecord, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const scope = await scopeOf(authorizer, request.principal, 'Read');
      const row = await history.get(id);
      if (!row || !inScope(scope, row)) throw CommonErrors.notFound('RequestHistory', id);
      return row;
    },
  );

  r.delete(
    '/v1.0/api/request-history/:id',
    {
      config: signedIn,
      schema: {
        ...describe('Delete a request history entry', `An entry outside the caller's scope is a 404. ${WHO}`),
        params: ItemParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const scope = await scopeOf(authorizer, request.principal, 'Delete');
      const row = await history.get(id);
      if (!row || !inScope(scope, row)) throw CommonErrors.notFound('RequestHistory', id);
      await history.delete(id);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/v1.0/api/request-history',
    {
      config: signedIn,
      schema: {
        ...describe(
          'Delete the request history entries matching a filter',
          `Same filters as the list; without any, every entry the caller may see goes (for a global administrator, all of them). Deleted in batches. ${WHO}`,
        ),
        querystring: RequestHistoryDeleteQuery,
        response: { 200: RequestHistoryDeleteResponse, ...errors },
      },
    },
    async (request) => {
      const scope = await scopeOf(authorizer, request.principal, 'Delete', request.query);
      return { deletedCount: await deleteInBatches(history, filterOf(request.query, scope)) };
    },
  );
};
