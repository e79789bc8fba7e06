import { connect } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createMcpLog } from '../mcp-log.ts';
import { McpTcpSettings } from '../mcp-settings.ts';
import type { McpListener } from './http-listener.ts';
import { listenTcp } from './tcp-listener.ts';

/** A listener on a free port whose one tool counts its calls. */
const listen = async (
  accessToken: string | null = null,
): Promise<{ listener: McpListener; calls: () => number }> => {
  let calls = 0;
  const newServer = () => {
    const server = new McpServer({ name: 'probe', version: '1' });
    server.registerTool('probe', { description: 'counts calls' }, () => {
      calls++;
      return { content: [{ type: 'text', text: 'called' }] };
    });
    return server;
  };
  const listener = await listenTcp({
    settings: McpTcpSettings.parse({ port: 0 }),
    newServer,
    log: createMcpLog(() => {}),
    accessToken,
  });
  return { listener, calls: () => calls };
};

/** Writes `text` on a new connection; resolves to what came back once the server closed it, or null. */
const exchange = (port: number, text: string, waitMs = 1_500): Promise<string | null> =>
  new Promise((resolveExchange) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolveExchange(null);
    }, waitMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolveExchange(received);
    });
    socket.write(text);
  });

const call = (id: number) =>
  `${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'probe', arguments: {} } })}\n`;

const listeners: McpListener[] = [];
afterEach(async () => {
  for (const listener of listeners.splice(0)) await listener.close();
});

describe('the TCP listener', () => {
  it('closes a connection whose first line is an HTTP request line, and runs nothing after it', async () => {
    const { listener, calls } = await listen();
    listeners.push(listener);
    // What a browser's no-cors fetch to the TCP port sends: HTTP header lines, then the body lines.
    const request = `POST / HTTP/1.1\r\nHost: 127.0.0.1:${listener.port}\r\nContent-Type: text/plain\r\n\r\n${call(1)}`;
    const answered = await exchange(listener.port, request);
    expect(answered).not.toBeNull();
    expect(answered).not.toContain('"result"');
    expect(calls()).toBe(0);
  });

  it('closes the connection at a line that is JSON but not JSON-RPC', async () => {
    const { listener, calls } = await listen();
    listeners.push(listener);
    expect(await exchange(listener.port, `{"hello":"world"}\n${call(1)}`)).not.toContain('"result"');
    expect(calls()).toBe(0);
  });

  it('runs tools for JSON-RPC lines when no token is configured', async () => {
    const { listener, calls } = await listen();
    listeners.push(listener);
    expect(await exchange(listener.port, call(1), 800)).toBeNull();
    expect(calls()).toBe(1);
  });

  describe('with an access token', () => {
    const authenticate = (accessToken: string, id?: number) =>
      `${JSON.stringify({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method: 'tempo/authenticate', params: { accessToken } })}\n`;

    it('closes a connection whose first line is not tempo/authenticate with the token', async () => {
      const { listener, calls } = await listen('right-token');
      listeners.push(listener);
      expect(await exchange(listener.port, call(1))).toBe('');
      expect(await exchange(listener.port, `${authenticate('wrong-token')}${call(2)}`)).toBe('');
      expect(await exchange(listener.port, `${authenticate('right-tokenX')}${call(3)}`)).toBe('');
      expect(calls()).toBe(0);
    });

    it('answers tempo/authenticate with a result, then serves the session', async () => {
      const { listener, calls } = await listen('right-token');
      listeners.push(listener);
      const socket = connect(listener.port, '127.0.0.1');
      socket.setEncoding('utf8');
      let received = '';
      const lines = (count: number) =>
        new Promise<string[]>((resolveLines) => {
          const check = () => {
            const got = received.split('\n').filter((line) => line !== '');
            if (got.length >= count) resolveLines(got);
          };
          socket.on('data', (chunk: string) => {
            received += chunk;
            check();
          });
          check();
        });
      socket.write(`${authenticate('right-token', 0)}${call(1)}`);
      const [answer, result] = await lines(2);
      socket.destroy();
      expect(JSON.parse(answer ?? '')).toEqual({ jsonrpc: '2.0', id: 0, result: { authenticated: true } });
      expect(JSON.parse(result ?? '')).toMatchObject({ id: 1, result: { content: [{ text: 'called' }] } });
      expect(calls()).toBe(1);
    });
  });
});
