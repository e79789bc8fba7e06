import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WORKER_AUTH_FAILED, WORKER_CONNECT_PATH, WorkerAuthHeaders } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import { WebSocketServer } from 'ws';
import type { WorkerAdmin } from './worker-admin.ts';
import type { WorkerSessions } from './worker-sessions.ts';

/** Largest frame a worker may send, in bytes (a completion carries its step runs): 16 MiB. */
export const WORKER_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Upgrades being authenticated at once; more are answered 503 before any database read. */
export const WORKER_MAX_PENDING_UPGRADES = 64;

/** What {@link attachWorkerEndpoint} is given. */
export interface WorkerEndpointOptions {
  readonly server: Server;
  readonly sessions: WorkerSessions;
  readonly workers: WorkerAdmin;
  readonly log: Logger;
}

/** The attached endpoint. */
export interface WorkerEndpoint {
  /** Answers further upgrades 503 (live sessions are ended by {@link WorkerSessions.stop}). */
  close(): void;
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 404: 'Not Found', 503: 'Service Unavailable' };

/** Answers an upgrade with a plain HTTP error and the API's one error body, then drops it. */
const refuseUpgrade = (socket: Duplex, status: 404 | 503, message: string): void => {
  const body = JSON.stringify({ error: status === 404 ? 'NotFound' : 'Unavailable', message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};

const headerOf = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
};

/**
 * The worker WebSocket endpoint `GET /v1.0/workers/connect` on the server's `upgrade` event.
 * The worker is authenticated from `x-worker-id` and `x-worker-token` before the handshake is
 * completed. A worker that fails (unknown, blocked, without a token, wrong token) gets the
 * handshake and then at once a close with 1008 (policy violation) and reason
 * `worker authentication failed`, as spec §3 says, so a worker can tell a refusal from a network
 * failure; it never reaches the session hub. Upgrades to any other path are answered 404.
 */
export const attachWorkerEndpoint = (options: WorkerEndpointOptions): WorkerEndpoint => {
  const { server, sessions, workers, log } = options;
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: WORKER_MAX_FRAME_BYTES,
    perMessageDeflate: false,
  });
  let pending = 0;
  let closed = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (path !== WORKER_CONNECT_PATH) {
      refuseUpgrade(socket, 404, 'No WebSocket endpoint here.');
      return;
    }
    if (closed) {
      refuseUpgrade(socket, 503, 'The server is stopping.');
      return;
    }
    if (pending >= WORKER_MAX_PENDING_UPGRADES) {
      log.warn({ pending }, 'worker connection refused: too many pending upgrades');
      refuseUpgrade(socket, 503, 'Too many worker connections are being opened; retry later.');
      return;
    }
    pending += 1;
    const workerId = headerOf(request, WorkerAuthHeaders.workerId);
    const address = request.socket.remoteAddress ?? 'unknown';
    workers
      .authenticate(workerId, headerOf(request, WorkerAuthHeaders.workerToken))
      .catch((error: unknown) => {
        log.error({ err: error, workerId }, 'worker authentication failed unexpectedly');
        return null;
      })
      .then((worker) => {
        pending -= 1;
        if (socket.destroyed) return;
        // Invalid handshakes (no Sec-WebSocket-Key, ...) are answered 400 by the ws library.
        sockets.handleUpgrade(request, socket, head, (ws) => {
          if (!worker || closed) {
            log.warn(
              { workerId: workerId.slice(0, 64), address },
              'worker connection refused: authentication failed',
            );
            ws.close(1008, WORKER_AUTH_FAILED);
            return;
          }
          sessions.accept(ws, socket, worker.id, address);
        });
      });
  };
  server.on('upgrade', onUpgrade);
  return {
    close: () => {
      closed = true;
      sockets.close();
    },
  };
};
