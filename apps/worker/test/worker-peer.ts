import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WORKER_CONNECT_PATH } from '@tempo/contracts';
import { type WebSocket, WebSocketServer } from 'ws';

/** One worker connection as the test's server side sees it. */
export interface PeerConnection {
  readonly socket: WebSocket;
  readonly headers: IncomingHttpHeaders;
  /** Every frame received so far, parsed, in order. */
  readonly frames: Record<string, unknown>[];
  /** The next frame of `type` not yet taken (waits up to `timeoutMs`). */
  next(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  send(frame: object): void;
  readonly closed: Promise<void>;
}

/**
 * A loopback HTTP server playing the control plane's side of the worker protocol for the test:
 * it accepts WebSocket upgrades on the connect path and serves the REST endpoints the test's
 * steps call (`/rest/fast`, `/rest/slow?ms=N`).
 */
export class WorkerPeer {
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly connections: PeerConnection[] = [];
  #waiters: ((connection: PeerConnection) => void)[] = [];

  constructor() {
    this.#http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://peer');
      req.resume();
      const answer = () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: url.pathname }));
      };
      if (url.pathname === '/rest/slow') setTimeout(answer, Number(url.searchParams.get('ms') ?? '1000'));
      else answer();
    });
    this.#http.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://peer').pathname !== WORKER_CONNECT_PATH) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req.headers));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  #accept(socket: WebSocket, headers: IncomingHttpHeaders): void {
    const frames: Record<string, unknown>[] = [];
    const pending: (() => void)[] = [];
    socket.on('message', (data) => {
      frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const wake of pending.splice(0)) wake();
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const used = new Set<number>();
    const connection: PeerConnection = {
      socket,
      headers,
      frames,
      closed,
      send: (frame) => socket.send(JSON.stringify(frame)),
      next: async (type, timeoutMs = 10_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const index = frames.findIndex((frame, i) => !used.has(i) && frame.type === type);
          if (index >= 0) {
            used.add(index);
            return frames[index] as Record<string, unknown>;
          }
          const left = deadline - Date.now();
          if (left <= 0)
            throw new Error(
              `no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.type))}`,
            );
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, left);
            pending.push(() => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
      },
    };
    this.connections.push(connection);
    for (const wake of this.#waiters.splice(0)) wake(connection);
  }

  /** The connection after the `count` already seen (waits up to `timeoutMs`). */
  nextConnection(count: number, timeoutMs = 20_000): Promise<PeerConnection> {
    const known = this.connections[count];
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no connection #${count + 1} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = () => {
        const connection = this.connections[count];
        if (!connection) {
          this.#waiters.push(check);
          return;
        }
        clearTimeout(timer);
        resolve(connection);
      };
      this.#waiters.push(check);
    });
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    await new Promise((resolve) => this.#http.close(resolve));
  }
}
