import { seg } from '../tempo-gateway.ts';
import { collectionTools, tenantPath } from './collection-tools.ts';
import { idArg, logPathArg, requiredText, tailArgs, tenantIdArg } from './tool-args.ts';
import { defineTool, type TempoTool } from './tool-definition.ts';

const runId = idArg('id', 'The run id (e.g. "run_...", from x-run-id or run_list)');
const runPath = (id: string, rest = '') => `runs/${seg(id)}${rest}`;
const logFile = logPathArg('attempt-001-ras_x/worker.log');

/** A read of one run: `GET .../runs/{id}{rest}`. */
const runRead = (name: string, rest: string, description: string): TempoTool =>
  defineTool({
    name,
    description,
    input: { tenantId: tenantIdArg, id: runId },
    readOnly: true,
    call: ({ tenantId, id }, tempo) => tempo.call('GET', tenantPath(tempo, tenantId, runPath(id, rest))),
  });

/** Runs: history, step runs, placement activity and per-run log files. */
export const runTools: readonly TempoTool[] = [
  ...collectionTools({
    prefix: 'run',
    path: 'runs',
    noun: 'run',
    idExample: 'run_...',
    listNote:
      'Newest first. state is Queued, Running, Succeeded, Failed, Exception or Cancelled. Cancel or delete a run with tempo_request (POST .../runs/{id}/cancel, DELETE .../runs/{id}).',
  }),
  runRead(
    'run_steps',
    '/steps',
    'List the step runs of a run in order (GET .../runs/{id}/steps): sequence, step, result (Success, Timeout, Error, Exception, MaxIterationsExceeded), input and output, errorMessage, timings.',
  ),
  runRead(
    'run_activity',
    '/activity',
    'Read a run with its assignment attempts and the activity of the workers that ran it (GET .../runs/{id}/activity): where it was placed and why.',
  ),
  runRead(
    'run_logs_list',
    '/logs',
    'List the log files kept for one run (GET .../runs/{id}/logs), e.g. "attempt-001-ras_.../worker.log" and handler logs.',
  ),
  defineTool({
    name: 'run_logs_read',
    description:
      'Read a bounded tail of one run-log file (GET .../runs/{id}/logs/content): the last lines in body.content, never more than maxBytes.',
    input: { tenantId: tenantIdArg, id: runId, path: logFile, ...tailArgs },
    readOnly: true,
    call: ({ tenantId, id, ...query }, tempo) =>
      tempo.call('GET', tenantPath(tempo, tenantId, runPath(id, '/logs/content')), { query }),
  }),
  defineTool({
    name: 'run_logs_download',
    description:
      "Download a whole run-log file (GET .../runs/{id}/logs/download); it comes back as plain text in the envelope's text field.",
    input: { tenantId: tenantIdArg, id: runId, path: logFile },
    readOnly: true,
    call: ({ tenantId, id, path }, tempo) =>
      tempo.call('GET', tenantPath(tempo, tenantId, runPath(id, '/logs/download')), { query: { path } }),
  }),
  defineTool({
    name: 'run_logs_delete',
    description: 'Delete one run-log file of a run that has ended (DELETE .../runs/{id}/logs/content?path=).',
    input: { tenantId: tenantIdArg, id: runId, path: logFile },
    readOnly: false,
    call: ({ tenantId, id, path }, tempo) =>
      tempo.call('DELETE', tenantPath(tempo, tenantId, runPath(id, '/logs/content')), { query: { path } }),
  }),
  defineTool({
    name: 'run_logs_delete_all',
    description: 'Delete every log file of a run that has ended (DELETE .../runs/{id}/logs).',
    input: { tenantId: tenantIdArg, id: runId },
    readOnly: false,
    call: ({ tenantId, id }, tempo) =>
      tempo.call('DELETE', tenantPath(tempo, tenantId, runPath(id, '/logs'))),
  }),
];

/** The server's runtime catalog. */
export const runtimeTools: readonly TempoTool[] = [
  defineTool({
    name: 'runtime_list',
    description:
      'List the step runtimes and whether each is available on this server (GET /v1.0/runtimes), e.g. Artifact.Python needs a Python interpreter.',
    input: {},
    readOnly: true,
    call: (_args, tempo) => tempo.call('GET', '/v1.0/runtimes'),
  }),
  defineTool({
    name: 'runtime_get',
    description: 'Read one runtime by key (GET /v1.0/runtimes/{runtimeKey}), with its configuration schema.',
    input: {
      runtimeKey: requiredText('runtimeKey', 'e.g. "Artifact.Python".')
        .min(1)
        .max(64)
        .describe(
          'Runtime key: Builtin.Class, Builtin.Method, External.Rest, Artifact.Process, Artifact.Python, Artifact.JavaScript, Artifact.DotnetProcess, Host.Executable, ...',
        ),
    },
    readOnly: true,
    call: ({ runtimeKey }, tempo) => tempo.call('GET', `/v1.0/runtimes/${seg(runtimeKey)}`),
  }),
  defineTool({
    name: 'runtime_external_execution',
    description:
      'Process-runtime availability and capacity (GET /v1.0/runtimes/external-execution): interpreters found, process slots in use.',
    input: {},
    readOnly: true,
    call: (_args, tempo) => tempo.call('GET', '/v1.0/runtimes/external-execution'),
  }),
];
