import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  /** The request target exactly as sent: path and query, still encoded. */
  readonly url: string;
  /** The path part of `url`, still encoded. */
  readonly path: string;
  /** The decoded query values. */
  readonly query: URLSearchParams;
  /** Header names in lower case. */
  readonly headers: IncomingHttpHeaders;
  /** The body as text; empty when none was sent. */
  readonly body: string;
}

/** What the server answers; an object or array `body` is sent as JSON, a string `body` as it is. */
export interface CannedAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Milliseconds to wait before answering; default none. */
  readonly delayMs?: number;
}

/** Decides the answer to each request (null: never answer); the default answers 200 with `{}`. */
export type Responder = (request: RecordedRequest) => CannedAnswer | null;

/**
 * A real HTTP server on 127.0.0.1 with a free port that records every request and answers as
 * its responder says, so client tests see exactly what goes over the wire.
 */
export class RecordingServer {
  readonly #server: Server;
  readonly #requests: RecordedRequest[] = [];
  /** The answer to every following request. */
  respond: Responder = () => ({ body: {} });

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts a server and resolves once it listens. */
  static async start(): Promise<RecordingServer> {
    const server = createServer();
    const recording = new RecordingServer(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = request.url ?? '/';
        const queryStart = url.indexOf('?');
        const recorded: RecordedRequest = {
          method: request.method ?? '',
          url,
          path: queryStart === -1 ? url : url.slice(0, queryStart),
          query: new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1)),
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        recording.#requests.push(recorded);
        const answer = recording.respond(recorded);
        if (answer === null) return;
        const body = answer.body;
        const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
        const isJson = body !== undefined && typeof body !== 'string';
        const send = () => {
          response.writeHead(answer.status ?? 200, {
            ...(isJson ? { 'content-type': 'application/json' } : {}),
            ...answer.headers,
          });
          response.end(text);
        };
        if (answer.delayMs === undefined) send();
        else setTimeout(send, answer.delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return recording;
  }

  /** `http://127.0.0.1:{port}`. */
  get baseUrl(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Every request so far, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** The latest request; throws when there was none, so a test cannot pass on nothing. */
  last(): RecordedRequest {
    const request = this.#requests.at(-1);
    if (!request) throw new Error('the recording server received no request');
    return request;
  }

  /** Stops listening and closes open connections. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
