import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { McpLog } from './mcp-log.ts';
import { createMcpServer } from './mcp-server-factory.ts';
import { holdsTempoCredentials, type McpSettings } from './mcp-settings.ts';
import { TempoGateway } from './tempo-gateway.ts';
import { ToolEvents } from './tool-events.ts';
import { listenHttp, type McpListener } from './transports/http-listener.ts';
import { listenTcp } from './transports/tcp-listener.ts';
import { listenWebSocket } from './transports/websocket-listener.ts';

/** Options of {@link startMcpService}. */
export interface McpServiceOptions {
  readonly settings: McpSettings;
  readonly log: McpLog;
  /** Version the server reports in `initialize`. */
  readonly version: string;
  /** Serve one session on this process's stdin/stdout instead of the network listeners. */
  readonly stdio: boolean;
}

/** A running MCP server. */
export interface McpService {
  /** Every endpoint it serves (empty over stdio). */
  readonly urls: readonly string[];
  /** The listeners by transport, for tests that bind port 0. */
  readonly listeners: Readonly<Partial<Record<'http' | 'tcp' | 'webSocket', McpListener>>>;
  /** Closes every listener and session. */
  stop(): Promise<void>;
}

/** A problem that stops the MCP server from starting (no transport, a port in use). */
export class McpStartError extends Error {
  override readonly name = 'McpStartError';
}

/**
 * Starts the MCP server: over stdio, or on every enabled network transport (HTTP JSON-RPC +
 * Streamable HTTP + SSE, TCP, WebSocket). Each session gets its own MCP server object; all of
 * them share one gateway to Tempo.
 */
export const startMcpService = async (options: McpServiceOptions): Promise<McpService> => {
  const { settings, log } = options;
  const events = new ToolEvents();
  const deps = {
    gateway: new TempoGateway(settings.tempo),
    events,
    log,
    version: options.version,
    schemaValidator: new AjvJsonSchemaValidator(),
  };
  const newServer = () => createMcpServer(deps);
  if (options.stdio) {
    const server = newServer();
    await server.connect(new StdioServerTransport());
    return { urls: [], listeners: {}, stop: () => server.close() };
  }
  const { http, tcp, webSocket } = settings;
  if (!http.enabled && !tcp.enabled && !webSocket.enabled) {
    throw new McpStartError(
      'no transport is enabled: enable http, tcp or webSocket in tempo.mcp.json, or use --stdio.',
    );
  }
  const { accessToken } = settings;
  if (accessToken === null && holdsTempoCredentials(settings)) {
    // Kept as the reference behaves for explicit configurations, but said loudly: every local
    // process (another OS account, a tenant's handler sharing this loopback) can act as these
    // credentials.
    log.warn(
      { setting: 'accessToken', environment: 'TEMPO_MCP_ACCESS_TOKEN' },
      'SECURITY WARNING: the MCP server holds Tempo credentials and its network listeners ask callers for no credential; anyone who can reach them acts as that identity. Set accessToken (TEMPO_MCP_ACCESS_TOKEN).',
    );
  }
  const listeners: Partial<Record<'http' | 'tcp' | 'webSocket', McpListener>> = {};
  try {
    if (http.enabled)
      listeners.http = await listenHttp({ settings: http, newServer, events, log, accessToken });
    if (tcp.enabled) listeners.tcp = await listenTcp({ settings: tcp, newServer, log, accessToken });
    if (webSocket.enabled) listeners.webSocket = await listenWebSocket(webSocket, newServer, accessToken);
  } catch (error) {
    await Promise.all(Object.values(listeners).map((listener) => listener.close()));
    throw new McpStartError(`cannot listen: ${(error as Error).message}`);
  }
  return {
    urls: Object.values(listeners).flatMap((listener) => listener.urls),
    listeners,
    stop: async () => {
      await Promise.all(Object.values(listeners).map((listener) => listener.close()));
    },
  };
};
