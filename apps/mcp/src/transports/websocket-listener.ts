import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebSocketServer } from 'ws';
import type { McpWebSocketSettings } from '../mcp-settings.ts';
import {
  accessTokenAccepted,
  bearerToken,
  offeredProtocols,
  webSocketProtocolToken,
} from './access-token.ts';
import type { McpListener } from './http-listener.ts';
import { isLoopbackName, loopbackRequestAllowed } from './loopback-guard.ts';
import { MessageTransport } from './message-transport.ts';
import { MAX_MESSAGE_BYTES } from './read-body.ts';

/** The subprotocol MCP WebSocket clients ask for. */
const SUBPROTOCOL = 'mcp';

/** The WebSocket listener (`ws://127.0.0.1:8912/mcp`): one text frame per JSON-RPC message. */
export const listenWebSocket = async (
  settings: McpWebSocketSettings,
  newServer: () => McpServer,
  accessToken: string | null,
): Promise<McpListener> => {
  const guarded = isLoopbackName(settings.hostname);
  const wss = new WebSocketServer({
    host: settings.hostname,
    port: settings.port,
    path: settings.path,
    maxPayload: MAX_MESSAGE_BYTES,
    // A `tempo-token.<token>` entry only carries the token: the protocol spoken stays `mcp`.
    handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    // Browsers may open WebSockets to any origin: a page must not drive this server. A refused
    // upgrade is answered 401 before any session exists.
    verifyClient: ({ req }: { req: IncomingMessage }) =>
      (!guarded || loopbackRequestAllowed(req.headers.host, req.headers.origin)) &&
      accessTokenAccepted(
        accessToken,
        bearerToken(req.headers.authorization) ??
          webSocketProtocolToken(offeredProtocols(req.headers['sec-websocket-protocol'])),
      ),
  });
  wss.on('connection', (socket) => {
    const server = newServer();
    const transport = new MessageTransport(
      (message) => socket.send(JSON.stringify(message)),
      () => socket.close(1000, 'session closed'),
    );
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        socket.close(1003, 'MCP messages are text frames');
        return;
      }
      transport.receive(data.toString());
    });
    socket.on('close', () => {
      transport.channelClosed();
      void server.close();
    });
    void server.connect(transport);
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => resolve());
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    urls: [`ws://${settings.hostname}:${port}${settings.path}`],
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
};
