import { type AddressInfo, createServer, type Socket } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpLog } from '../mcp-log.ts';
import type { McpTcpSettings } from '../mcp-settings.ts';
import type { McpListener } from './http-listener.ts';
import { MessageTransport } from './message-transport.ts';
import { MAX_MESSAGE_BYTES } from './read-body.ts';

/** One TCP connection as one MCP session: newline-delimited JSON-RPC, as MCP's stdio framing. */
const serveSocket = (socket: Socket, server: McpServer, log: McpLog): void => {
  const transport = new MessageTransport(
    (message) => socket.write(`${JSON.stringify(message)}\n`),
    () => socket.end(),
  );
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_MESSAGE_BYTES) {
      log.warn({ remote: socket.remoteAddress ?? '' }, 'TCP message too large; connection closed');
      socket.destroy();
      return;
    }
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end).trim();
      buffered = buffered.slice(end + 1);
      if (line !== '') transport.receive(line);
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
export const listenTcp = async (
  settings: McpTcpSettings,
  newServer: () => McpServer,
  log: McpLog,
): Promise<McpListener> => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveSocket(socket, newServer(), log);
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
