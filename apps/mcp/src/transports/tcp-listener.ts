import { type AddressInfo, createServer, type Socket } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpLog } from '../mcp-log.ts';
import type { McpTcpSettings } from '../mcp-settings.ts';
import { accessTokenAccepted, TCP_AUTHENTICATE_METHOD } from './access-token.ts';
import type { McpListener } from './http-listener.ts';
import { MessageTransport, parseMessages } from './message-transport.ts';
import { MAX_MESSAGE_BYTES } from './read-body.ts';

/** What the TCP listener needs. */
export interface TcpListenerOptions {
  readonly settings: McpTcpSettings;
  readonly newServer: () => McpServer;
  readonly log: McpLog;
  /** The token the first line must present (`tempo/authenticate`); null: none asked for. */
  readonly accessToken: string | null;
}

/** The answer to a first line that authenticated: a result, with the request's id when it had one. */
const authenticatedAnswer = (message: JSONRPCMessage): string => {
  const id = 'id' in message && message.id !== undefined ? message.id : null;
  return `${JSON.stringify({ jsonrpc: '2.0', id, result: { authenticated: true } })}\n`;
};

/** Whether `message` is `tempo/authenticate` carrying `accessToken`. */
const authenticates = (message: JSONRPCMessage | undefined, accessToken: string | null): boolean => {
  if (message === undefined || !('method' in message) || message.method !== TCP_AUTHENTICATE_METHOD)
    return false;
  const presented = (message.params as { accessToken?: unknown } | undefined)?.accessToken;
  return typeof presented === 'string' && accessTokenAccepted(accessToken, presented);
};

/**
 * One TCP connection as one MCP session: newline-delimited JSON-RPC, as MCP's stdio framing.
 * The first line that is not JSON-RPC ends the connection: another protocol is talking (a
 * browser's `fetch` to this port sends HTTP header lines first, then a body that could be MCP
 * messages), and nothing after it may run.
 */
const serveSocket = (socket: Socket, server: McpServer, options: TcpListenerOptions): void => {
  const { log, accessToken } = options;
  const transport = new MessageTransport(
    (message) => socket.write(`${JSON.stringify(message)}\n`),
    () => socket.end(),
  );
  const remote = { remote: socket.remoteAddress ?? '' };
  let authenticated = accessToken === null;
  let buffered = '';
  const refuse = (reason: string): void => {
    log.warn(remote, reason);
    socket.destroy();
  };
  /** Handles one line; false when the connection was closed. */
  const handleLine = (line: string): boolean => {
    const parsed = parseMessages(line);
    if ('error' in parsed) {
      refuse('TCP line is not JSON-RPC; connection closed');
      return false;
    }
    if (!authenticated) {
      const [first] = parsed.messages;
      if (parsed.messages.length !== 1 || !first || !authenticates(first, accessToken)) {
        refuse('TCP connection did not authenticate first; connection closed');
        return false;
      }
      authenticated = true;
      socket.write(authenticatedAnswer(first));
      return true;
    }
    transport.receiveMessages(parsed.messages);
    return true;
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    if (socket.destroyed) return;
    buffered += chunk;
    if (buffered.length > MAX_MESSAGE_BYTES) {
      refuse('TCP message too large; connection closed');
      return;
    }
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end).trim();
      buffered = buffered.slice(end + 1);
      if (line !== '' && !handleLine(line)) return;
    }
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    transport.channelClosed();
    void server.close();
  });
  void server.connect(transport);
};

/** The TCP listener (`tcp://127.0.0.1:8911`): each connection is its own MCP session. */
export const listenTcp = async (options: TcpListenerOptions): Promise<McpListener> => {
  const { settings, newServer } = options;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveSocket(socket, newServer(), options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.address, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    urls: [`tcp://${settings.address}:${port}`],
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
};
