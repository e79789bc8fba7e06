import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpLog } from '../mcp-log.ts';
import type { McpHttpSettings } from '../mcp-settings.ts';
import type { ToolEvents } from '../tool-events.ts';
import { accessTokenAccepted, bearerToken } from './access-token.ts';
import { isLoopbackName, loopbackRequestAllowed } from './loopback-guard.ts';
import { parseMessages } from './message-transport.ts';
import { readBody } from './read-body.ts';
import { exchangeMessages } from './rpc-exchange.ts';

/** A running network listener of the MCP server. */
export interface McpListener {
  /** What it serves, for the start-up lines (`http://127.0.0.1:8910/rpc`). */
  readonly urls: readonly string[];
  /** The port it listens on (the chosen one when configured as 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** What the HTTP listener needs. */
export interface HttpListenerOptions {
  readonly settings: McpHttpSettings;
  readonly newServer: () => McpServer;
  readonly events: ToolEvents;
  readonly log: McpLog;
  /** The token every request must bring as `Authorization: Bearer`; null: none asked for. */
  readonly accessToken: string | null;
}

/** Comment lines keep idle event streams open through proxies. */
const KEEP_ALIVE_MS = 15_000;

const sendJson = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

const sendError = (response: ServerResponse, status: number, code: number, message: string): void =>
  sendJson(response, status, { jsonrpc: '2.0', id: null, error: { code, message } });

const isJsonRequest = (request: IncomingMessage): boolean =>
  /^application\/json\b/i.test(request.headers['content-type'] ?? '');

/** POST rpcPath: plain JSON-RPC, one message or a batch, answered as JSON (stateless). */
const serveRpc = async (
  text: string,
  response: ServerResponse,
  newServer: () => McpServer,
): Promise<void> => {
  const parsed = parseMessages(text);
  if ('error' in parsed) return sendJson(response, 400, parsed.error);
  const answers = await exchangeMessages(newServer(), parsed.messages);
  // Notifications alone have no answer (as Streamable HTTP says: 202 Accepted).
  if (answers.length === 0) {
    response.writeHead(202).end();
    return;
  }
  const batch = text.trimStart().startsWith('[');
  sendJson(response, 200, batch ? answers : answers[0]);
};

/** mcpPath: Streamable HTTP through the SDK's own transport, one stateless server per request. */
const serveStreamable = async (
  request: IncomingMessage,
  text: string,
  response: ServerResponse,
  newServer: () => McpServer,
): Promise<void> => {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return sendError(response, 400, -32700, 'Parse error: the message is not JSON.');
  }
  const server = newServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  response.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, body);
};

/** eventsPath: server-sent events, one `tool.call` event per finished tool call. */
const serveEvents = (request: IncomingMessage, response: ServerResponse, events: ToolEvents): void => {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.write(': tempo mcp events\n\n');
  const unsubscribe = events.subscribe((event) => {
    response.write(`event: tool.call\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  request.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
};

/**
 * The HTTP listener: plain JSON-RPC at `rpcPath` (`/rpc`), Streamable HTTP at `mcpPath` (`/mcp`)
 * and the SSE event stream at `eventsPath` (`/events`).
 */
export const listenHttp = async (options: HttpListenerOptions): Promise<McpListener> => {
  const { settings, newServer, events, log, accessToken } = options;
  const guarded = isLoopbackName(settings.hostname);
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (guarded && !loopbackRequestAllowed(request.headers.host, request.headers.origin)) {
      return sendError(response, 403, -32600, 'Forbidden: requests from web pages are not accepted.');
    }
    if (!accessTokenAccepted(accessToken, bearerToken(request.headers.authorization))) {
      response.setHeader('www-authenticate', 'Bearer realm="tempo-mcp"');
      return sendError(response, 401, -32001, 'Unauthorized: send Authorization: Bearer <MCP access token>.');
    }
    const known = [settings.rpcPath, settings.mcpPath, settings.eventsPath];
    if (!known.includes(path)) return sendError(response, 404, -32601, `No MCP endpoint at ${path}.`);
    if (path === settings.eventsPath) {
      if (request.method !== 'GET') return sendError(response, 405, -32600, 'Use GET for the event stream.');
      return serveEvents(request, response, events);
    }
    if (request.method !== 'POST') {
      // Stateless: no server-initiated stream to open and no session to delete.
      response.setHeader('allow', 'POST');
      return sendError(response, 405, -32600, 'Method not allowed: send JSON-RPC messages with POST.');
    }
    // A JSON content type forces a CORS preflight, which this server never grants to a page.
    if (!isJsonRequest(request))
      return sendError(response, 415, -32600, 'Content-Type must be application/json.');
    const text = await readBody(request);
    if (text === null) return sendError(response, 413, -32600, 'The message is too large.');
    if (path === settings.rpcPath) return serveRpc(text, response, newServer);
    return serveStreamable(request, text, response, newServer);
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error({ path: request.url ?? '', error: (error as Error).message }, 'HTTP MCP request failed');
      if (!response.headersSent) sendError(response, 500, -32603, 'Internal error.');
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.hostname, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://${settings.hostname}:${port}`;
  return {
    urls: [`${base}${settings.rpcPath}`, `${base}${settings.mcpPath}`, `${base}${settings.eventsPath}`],
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams stay open until their client leaves: end them so shutdown is bounded.
        server.closeAllConnections();
      }),
  };
};
