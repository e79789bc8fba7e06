import { LOCAL_SERVER_WORKER_ID, TempoError } from '@tempo/contracts';

/** Errors of the worker admin routes and the worker-scoped artifact download. */
export const WorkerErrors = {
  notFound: (workerId: string) =>
    new TempoError('NotFound', 404, `Worker ${workerId} was not found.`, {
      resource: 'Worker',
      id: workerId,
    }),
  /** The pseudo-worker runs inside the server: it has no token to issue and cannot be shut out. */
  localServerProtected: (action: string) =>
    new TempoError(
      'Protected',
      409,
      `${LOCAL_SERVER_WORKER_ID} is the server's own pseudo-worker: it cannot ${action}. Drain it, or set engine.serverCanExecuteWorkload to false.`,
      { resource: 'Worker', id: LOCAL_SERVER_WORKER_ID, action },
    ),
  /** Worker credentials missing or wrong on a worker-scoped HTTP route. */
  unauthenticated: () =>
    new TempoError(
      'Unauthorized',
      401,
      'Worker authentication failed: send x-worker-id and x-worker-token of an enabled worker.',
    ),
  /** The assignment named does not let this worker fetch this package. */
  downloadRefused: () =>
    new TempoError(
      'Forbidden',
      403,
      'This download needs an open assignment of this worker, with its lease token, of a run of this tenant that pins this package.',
    ),
  blobMissing: (sha256: string) =>
    new TempoError('NotFound', 404, `No artifact package with SHA-256 ${sha256} is stored.`, {
      resource: 'ArtifactBlob',
      id: sha256,
    }),
} as const;
