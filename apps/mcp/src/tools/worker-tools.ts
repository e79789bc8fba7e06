import { z } from 'zod';
import { seg } from '../tempo-gateway.ts';
import { idArg, pagingArgs } from './tool-args.ts';
import { defineTool, type TempoTool } from './tool-definition.ts';

const workerId = idArg('id', 'Worker id, e.g. "wrk_local_server" or one from listWorkers');

/** A worker action: POST /v1.0/workers/{id}/{action}. */
const workerAction = (name: string, action: string, description: string): TempoTool =>
  defineTool({
    name,
    description: `${description} Administrators only (the server answers 403 otherwise); not tenant-scoped.`,
    input: { id: workerId },
    readOnly: false,
    call: ({ id }, tempo) => tempo.call('POST', `/v1.0/workers/${seg(id)}/${action}`),
  });

/** The fleet of workers: list, read, drain, resume, block, unblock (administrators). */
export const workerTools: readonly TempoTool[] = [
  defineTool({
    name: 'listWorkers',
    description:
      "List the execution workers (GET /v1.0/workers), the server's own pseudo-worker included: state (Online/Offline), enabled (false = blocked), drainMode, capacity, labels, last heartbeat. Filters are optional. Administrators only; not tenant-scoped.",
    input: {
      ...pagingArgs,
      state: z.enum(['Online', 'Offline']).optional().describe('Only workers in this state.'),
      search: z
        .string()
        .max(255)
        .optional()
        .describe('Substring of the id, name or host name (ignores case).'),
      enabled: z.boolean().optional().describe('true: only enabled workers; false: only blocked ones.'),
      drainMode: z
        .boolean()
        .optional()
        .describe('true: only draining workers; false: only non-draining ones.'),
    },
    readOnly: true,
    call: (args, tempo) => tempo.call('GET', '/v1.0/workers', { query: args }),
  }),
  defineTool({
    name: 'readWorker',
    description: 'Read one worker (GET /v1.0/workers/{id}). Administrators only; not tenant-scoped.',
    input: { id: workerId },
    readOnly: true,
    call: ({ id }, tempo) => tempo.call('GET', `/v1.0/workers/${seg(id)}`),
  }),
  workerAction(
    'drainWorker',
    'drain',
    'Put a worker into drain mode: it takes no new runs, running ones finish; the flag survives reconnects.',
  ),
  workerAction('resumeWorker', 'resume', 'Take a worker out of drain mode so it receives runs again.'),
  workerAction(
    'blockWorker',
    'block',
    'Block a worker: its session is closed and its reconnects are refused until unblocked. The server pseudo-worker cannot be blocked (409).',
  ),
  workerAction('unblockWorker', 'unblock', 'Unblock a worker so it may connect again.'),
];
