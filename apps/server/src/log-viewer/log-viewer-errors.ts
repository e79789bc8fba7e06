import { TempoError } from '@tempo/contracts';

/** Failures of the admin log viewer that reach a client. */
export const LogViewerErrors = {
  unsafePath: (path: string, reason: string) =>
    new TempoError(
      'BadRequest',
      400,
      `path "${path}" is refused: ${reason}. Give a file name as GET /v1.0/logs/files lists it.`,
      { path, reason },
    ),
  badWorkerId: (sourceId: string) =>
    new TempoError(
      'BadRequest',
      400,
      `sourceId "${sourceId}" is not a worker id: letters, digits, "_", "-" and "." only, starting with a letter or digit.`,
      { sourceId },
    ),
  unknownSource: (sourceKind: string, sourceId: string) =>
    new TempoError(
      'NotFound',
      404,
      `No log source ${sourceKind}/${sourceId}; GET /v1.0/logs/sources lists them.`,
      { sourceKind, sourceId },
    ),
  unknownFile: (sourceKind: string, sourceId: string, path: string) =>
    new TempoError(
      'NotFound',
      404,
      `No log file "${path}" in source ${sourceKind}/${sourceId}; GET /v1.0/logs/files lists them.`,
      { sourceKind, sourceId, path },
    ),
  readOnly: (path: string) =>
    new TempoError(
      'Conflict',
      409,
      `Log file "${path}" cannot be changed by the server (a read-only folder or file).`,
      { path },
    ),
} as const;
