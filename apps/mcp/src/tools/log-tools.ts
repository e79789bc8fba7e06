import { z } from 'zod';
import { logPathArg, requiredText, tailArgs } from './tool-args.ts';
import { defineTool, type TempoTool } from './tool-definition.ts';

const source = {
  sourceKind: z
    .enum(['server', 'worker'], { error: 'sourceKind must be "server" or "worker".' })
    .describe('"server" for the Tempo server\'s logs, "worker" for a worker\'s.'),
  sourceId: requiredText('sourceId', '"server", or a worker id such as "wrk_docker_1".')
    .min(1, 'sourceId must not be empty.')
    .max(128)
    .describe('"server" for the server, else the worker id (see listLogSources).'),
} as const;

const file = { ...source, path: logPathArg('tempo.log') } as const;

const adminNote = 'Administrators only (the server answers 403 otherwise); not tenant-scoped.';

/** The admin log viewer over MCP: service logs of the server and of workers. */
export const logTools: readonly TempoTool[] = [
  defineTool({
    name: 'listLogSources',
    description: `List the sources whose service logs can be read: the server and each worker (GET /v1.0/logs/sources). ${adminNote}`,
    input: {},
    readOnly: true,
    call: (_args, tempo) => tempo.call('GET', '/v1.0/logs/sources'),
  }),
  defineTool({
    name: 'listLogFiles',
    description: `List the log files of one source, current and archived, with sizes (GET /v1.0/logs/files). ${adminNote}`,
    input: source,
    readOnly: true,
    call: (args, tempo) => tempo.call('GET', '/v1.0/logs/files', { query: args }),
  }),
  defineTool({
    name: 'readLogFile',
    description: `Read a bounded tail of one log file (GET /v1.0/logs/files/content): the last lines, never more than maxBytes. Prefer this over downloadLogFile. ${adminNote}`,
    input: { ...file, ...tailArgs },
    readOnly: true,
    call: (args, tempo) => tempo.call('GET', '/v1.0/logs/files/content', { query: args }),
  }),
  defineTool({
    name: 'downloadLogFile',
    description: `Download a whole log file (GET /v1.0/logs/files/download); the file comes back as plain text in the envelope's "text" field. ${adminNote}`,
    input: file,
    readOnly: true,
    call: (args, tempo) => tempo.call('GET', '/v1.0/logs/files/download', { query: args }),
  }),
  defineTool({
    name: 'deleteLogFile',
    description: `Delete a log file (DELETE /v1.0/logs/files/content): the current file is cleared (truncated), an archived one is removed. ${adminNote}`,
    input: file,
    readOnly: false,
    call: (args, tempo) => tempo.call('DELETE', '/v1.0/logs/files/content', { query: args }),
  }),
];
