import { ErrorBody, WorkerTokenIssued } from '@tempo/contracts';

/** How long `up` waits for its server's health route before giving up, in ms. */
const HEALTH_WAIT_MS = 30_000;
/** Time limit of one request to the server, in ms. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Pause between health probes, in ms. */
const HEALTH_POLL_MS = 200;

/** The server did not answer as `up` needs it to while starting local workers. */
export class LocalWorkerStartError extends Error {
  override readonly name = 'LocalWorkerStartError';
}

/**
 * Waits until `GET /v1.0/api/health` answers 200: the listener is up before `up` is told, but
 * the workers should meet a server that serves requests, not only one that accepts sockets.
 * @throws LocalWorkerStartError when it does not within {@link HEALTH_WAIT_MS}.
 */
export const waitForHealth = async (serverEndpoint: string, signal?: AbortSignal): Promise<void> => {
  const deadline = Date.now() + HEALTH_WAIT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    try {
      const answer = await fetch(`${serverEndpoint}/v1.0/api/health`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (answer.ok) return;
      last = `status ${answer.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((wake) => setTimeout(wake, HEALTH_POLL_MS));
  }
  throw new LocalWorkerStartError(
    `the server at ${serverEndpoint} did not report healthy within ${HEALTH_WAIT_MS / 1000} s (${last}).`,
  );
};

/**
 * Issues a new token for `workerId` through `POST /v1.0/workers/{id}/rotate-token` with the
 * administrator key, which also registers the worker on its first start. A new token on every
 * start keeps the file's token the only valid one and needs no way to test an old token.
 * @throws LocalWorkerStartError with the server's error when it refuses.
 */
export const issueWorkerToken = async (
  serverEndpoint: string,
  adminApiKey: string,
  workerId: string,
): Promise<WorkerTokenIssued> => {
  const answer = await fetch(`${serverEndpoint}/v1.0/workers/${encodeURIComponent(workerId)}/rotate-token`, {
    method: 'POST',
    headers: { 'x-api-key': adminApiKey },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body: unknown = await answer.json().catch(() => null);
  if (answer.status === 200) {
    const issued = WorkerTokenIssued.safeParse(body);
    if (issued.success) return issued.data;
  }
  const error = ErrorBody.safeParse(body);
  const reason = error.success ? `${error.data.error}: ${error.data.message}` : `status ${answer.status}`;
  throw new LocalWorkerStartError(`the server refused a token for worker ${workerId} (${reason}).`);
};
