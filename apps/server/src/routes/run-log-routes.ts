import {
  EntityId,
  ErrorBody,
  type FlowRunRecord,
  RunLogContentQuery,
  RunLogContentResponse,
  RunLogFileEntry,
  RunLogPathQuery,
} from '@tempo/contracts';
import { RunLogErrors, type RunLogRunView } from '@tempo/core/run-logs';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../server-context.ts';

const ItemParams = z.object({ tenantId: EntityId, id: EntityId });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const runAccess = (operation: 'Read' | 'Delete') =>
  ({ access: { kind: 'tenant', resource: 'FlowRun', operation } }) as const;
const describe = (summary: string, description?: string) => ({
  tags: ['Runs'],
  summary,
  ...(description ? { description } : {}),
});

const PATH_RULES =
  '`path` is relative to the run folder, as the list names it; absolute paths, `..`, backslashes, encoded traversal and links leaving the run folder are refused with 400.';

const isLive = (state: string) => state === 'Queued' || state === 'Running';

/** A file name for `content-disposition`: plain ASCII, no quotes (run-log names are ASCII already). */
const asciiFileName = (name: string) => name.replace(/[^\x20-\x7e]|["\\]/g, '_');

/** The run-log routes of rest-api §16: list, tail, download, delete one, delete all. */
export const runLogRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { repositories, runs } = context;

  /** The run as the caller's tenant holds it (404 from another tenant), and the run logs. */
  const runOf = async (tenantId: string, id: string) => {
    const run: FlowRunRecord = await repositories.flowRuns.inTenant(tenantId).require(id, 'FlowRun');
    const view: RunLogRunView = {
      id: run.id,
      state: run.state,
      runAssignmentId: run.runAssignmentId,
      assignedWorkerId: run.assignedWorkerId,
    };
    return { view, logs: runs.runLogs };
  };

  r.get(
    '/v1.0/tenants/:tenantId/runs/:id/logs',
    {
      config: runAccess('Read'),
      schema: {
        ...describe('List the log files of a run (a bare array)'),
        params: ItemParams,
        response: { 200: z.array(RunLogFileEntry), ...errors },
      },
    },
    async (request) => {
      const { view, logs } = await runOf(request.params.tenantId, request.params.id);
      return logs ? logs.reader.list(view) : [];
    },
  );

  r.get(
    '/v1.0/tenants/:tenantId/runs/:id/logs/content',
    {
      config: runAccess('Read'),
      schema: {
        ...describe(
          'Read the end of a run log file',
          `The last \`tailLines\` lines within the last \`maxBytes\` bytes; both are clamped to the runLogs limits. ${PATH_RULES}`,
        ),
        params: ItemParams,
        querystring: RunLogContentQuery,
        response: { 200: RunLogContentResponse, ...errors },
      },
    },
    async (request) => {
      const { view, logs } = await runOf(request.params.tenantId, request.params.id);
      const { path, tailLines, maxBytes } = request.query;
      if (!logs) throw notKept(view.id, path);
      return logs.reader.content(view, path, { tailLines, maxBytes });
    },
  );

  // Untyped on purpose: the answer is the file as text, streamed, which the typed reply cannot hold.
  app.get(
    '/v1.0/tenants/:tenantId/runs/:id/logs/download',
    {
      config: runAccess('Read'),
      schema: {
        ...describe('Download a whole run log file (text/plain)', PATH_RULES),
        params: ItemParams,
        querystring: RunLogPathQuery,
        response: errors,
      },
    },
    async (request, reply) => {
      const params = request.params as z.infer<typeof ItemParams>;
      const { path } = request.query as RunLogPathQuery;
      const { view, logs } = await runOf(params.tenantId, params.id);
      if (!logs) throw notKept(view.id, path);
      const { entry, stream } = await logs.reader.download(view, path);
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${asciiFileName(`${view.id}-${entry.fileName}`)}"`,
        )
        .send(stream);
    },
  );

  r.delete(
    '/v1.0/tenants/:tenantId/runs/:id/logs/content',
    {
      config: runAccess('Delete'),
      schema: {
        ...describe(
          'Delete one log file of a run',
          `A file still being written (its run queued or running) is a 409. ${PATH_RULES}`,
        ),
        params: ItemParams,
        querystring: RunLogPathQuery,
        response: { 204: z.null(), ...errors, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { view, logs } = await runOf(request.params.tenantId, request.params.id);
      if (!logs) throw notKept(view.id, request.query.path);
      // A run that has just ended may still be writing its last lines here.
      if (!isLive(view.state)) await logs.writer?.settled(view.id);
      await logs.reader.deleteFile(view, request.query.path);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/v1.0/tenants/:tenantId/runs/:id/logs',
    {
      config: runAccess('Delete'),
      schema: {
        ...describe('Delete every log file of an ended run', 'A queued or running run is a 409.'),
        params: ItemParams,
        response: { 204: z.null(), ...errors, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { view, logs } = await runOf(request.params.tenantId, request.params.id);
      if (logs) {
        if (!isLive(view.state)) await logs.writer?.settled(view.id);
        await logs.reader.deleteAll(view);
      }
      return reply.code(204).send(null);
    },
  );
};

/** A server built without run logs has no file to name. */
const notKept = (runId: string, path: string) => RunLogErrors.fileNotFound(runId, path);
