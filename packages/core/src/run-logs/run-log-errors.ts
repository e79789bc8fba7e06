import { TempoError } from '@tempo/contracts';

/** The run-log errors a client can get; each with the spec's code and what to do about it. */
export const RunLogErrors = {
  badPath: (path: string, why: string) =>
    new TempoError(
      'BadRequest',
      400,
      `path ${why}: give a path relative to the run's folder as the log list names it (e.g. "run.log").`,
      { path: path.slice(0, 512) },
    ),
  fileNotFound: (runId: string, path: string) =>
    new TempoError('NotFound', 404, `Run ${runId} has no log file "${path}".`, {
      resource: 'RunLogFile',
      id: path,
    }),
  activeFile: (runId: string, path: string) =>
    new TempoError(
      'Conflict',
      409,
      `Log file "${path}" of run ${runId} is still being written; wait for the run to end.`,
      { runId, path },
    ),
  runNotEnded: (runId: string, state: string) =>
    new TempoError('Conflict', 409, `Run ${runId} is ${state}; its logs can be deleted once it has ended.`, {
      runId,
      state,
    }),
} as const;
