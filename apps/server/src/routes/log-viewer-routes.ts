import {
  ErrorBody,
  LogFileContent,
  LogFileContentQuery,
  LogFileDeleteResult,
  LogFileQuery,
  LogFileRecord,
  LogSourceQuery,
  LogSourceRecord,
} from '@tempo/contracts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deleteLogFile,
  LOG_CONTENT_TYPE,
  listLogFiles,
  openLogFileDownload,
  readLogFileContent,
} from '../log-viewer/log-file-access.ts';
import { type LogViewerDependencies, listSources } from '../log-viewer/log-sources.ts';
import type { ServerContext } from '../server-context.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const adminOnly = { access: { kind: 'admin' } } as const;
const describe = (summary: string, description: string) => ({ tags: ['Logs'], summary, description });

/** A header parameter value as RFC 5987 percent-encodes it. */
const rfc5987 = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The admin log viewer (rest-api §18): the server's and the workers' service logs, read as text
 * with bounded tails, downloaded whole, truncated or deleted. Global administrators only.
 */
export const logViewerRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: LogViewerDependencies = {
    settings: () => context.settings,
    settingsFile: context.settingsFile,
    repositories: context.repositories,
  };

  r.get(
    '/v1.0/logs/sources',
    {
      config: adminOnly,
      schema: {
        ...describe(
          'List the service-log sources',
          'The server (`server`) and one source per worker: each folder under `logViewer.workerRootPath` and each registered worker.',
        ),
        response: { 200: z.array(LogSourceRecord), ...errors },
      },
    },
    () => listSources(deps),
  );

  r.get(
    '/v1.0/logs/files',
    {
      config: adminOnly,
      schema: {
        ...describe(
          'List the log files of a source',
          'The current file first (`deleteMode` `Truncate`), then archived ones, newest first (`Delete`).',
        ),
        querystring: LogSourceQuery,
        response: { 200: z.array(LogFileRecord), ...errors },
      },
    },
    (request) => listLogFiles(deps, request.query),
  );

  r.get(
    '/v1.0/logs/files/content',
    {
      config: adminOnly,
      schema: {
        ...describe(
          'Read the tail of a log file',
          'Only the last `maxBytes` bytes are read and the last `tailLines` lines returned, both clamped to the `logViewer` limits; `filter` keeps lines holding a text. The content is text, never parsed.',
        ),
        querystring: LogFileContentQuery,
        response: { 200: LogFileContent, ...errors },
      },
    },
    (request) => readLogFileContent(deps, request.query),
  );

  // Untyped on purpose: the answer is a text stream, which the typed reply (JSON bodies) cannot hold.
  app.get(
    '/v1.0/logs/files/download',
    {
      config: adminOnly,
      schema: {
        ...describe(
          'Download a log file',
          'The whole file as it was when the download began, as `text/plain`.',
        ),
        querystring: LogFileQuery,
        response: errors,
      },
    },
    async (request, reply) => {
      const download = await openLogFileDownload(deps, request.query as LogFileQuery);
      const asciiName = download.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
      void reply
        .header('content-type', LOG_CONTENT_TYPE)
        .header('content-length', download.byteLength)
        .header(
          'content-disposition',
          `attachment; filename="${asciiName}"; filename*=UTF-8''${rfc5987(download.fileName)}`,
        );
      return reply.send(download.stream ?? '');
    },
  );

  r.delete(
    '/v1.0/logs/files/content',
    {
      config: adminOnly,
      schema: {
        ...describe(
          'Truncate or delete a log file',
          'The current file is truncated to 0 bytes (`Truncate`; its process goes on writing into it), an archived file is deleted (`Delete`).',
        ),
        querystring: LogFileQuery,
        response: { 200: LogFileDeleteResult, ...errors, 409: ErrorBody },
      },
    },
    (request) => deleteLogFile(deps, request.query),
  );
};
