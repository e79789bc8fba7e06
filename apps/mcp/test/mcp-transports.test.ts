import { connect, type Socket } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from '../../server/test/server-process.ts';
import {
  CATALOG_TOOL_NAMES,
  callTool,
  connectClient,
  httpTransport,
  listedToolNames,
  TokenWebSocketClientTransport,
} from './mcp-clients.ts';
import { MCP_MAIN, type McpProcess, NODE_FLAGS, startMcpProcess } from './mcp-process.ts';

let server: ServerProcess;
let mcp: McpProcess;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startServerProcess();
  mcp = await startMcpProcess(server.baseUrl, { TEMPO_API_KEY: TEST_ADMIN_API_KEY });
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await mcp?.stop();
  await server?.stop();
});

const connected = async (client: Promise<Client>): Promise<Client> => {
  const ready = await client;
  clients.push(ready);
  return ready;
};

/** Lists the tools, checks them against the catalog, and reads `/v1.0/me` through a tool. */
const expectWorkingSession = async (client: Client) => {
  expect(await listedToolNames(client)).toEqual([...CATALOG_TOOL_NAMES]);
  const me = await callTool(client, 'tempo_me');
  expect(me.isError).toBe(false);
  expect(me.envelope).toMatchObject({
    statusCode: 200,
    success: true,
    body: { type: 'administrator' },
    text: null,
  });
  expect(me.envelope?.contentType).toMatch(/^application\/json/);
  expect(JSON.parse(me.text)).toEqual(me.envelope);
};

describe('the SDK client', () => {
  it('works over Streamable HTTP at /mcp', async () => {
    const client = await connected(connectClient(httpTransport(mcp, '/mcp')));
    await expectWorkingSession(client);
    const health = await callTool(client, 'tempo_health');
    expect(health.envelope).toMatchObject({ statusCode: 200, success: true });
  });

  it('works over Streamable HTTP at /rpc, the URL the Claude Code install writes', async () => {
    const client = await connected(connectClient(httpTransport(mcp, '/rpc')));
    await expectWorkingSession(client);
  });

  it('works over WebSocket, the token offered as a tempo-token.<token> subprotocol', async () => {
    const client = await connected(
      connectClient(new TokenWebSocketClientTransport(mcp.webSocketUrl, mcp.accessToken)),
    );
    await expectWorkingSession(client);
  });

  it('works over stdio, started as an agent starts it: --stdio --server-url --api-key', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        ...NODE_FLAGS,
        MCP_MAIN,
        '--stdio',
        '--server-url',
        server.baseUrl,
        '--api-key',
        TEST_ADMIN_API_KEY,
      ],
      env: { PATH: process.env.PATH ?? '' },
      stderr: 'pipe',
    });
    let log = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const client = await connected(connectClient(transport));
    await expectWorkingSession(client);
    await client.close();
    // The log says what happened without ever printing the key it was given.
    expect(log).toContain('"tool":"tempo_me"');
    expect(log).not.toContain(TEST_ADMIN_API_KEY);
  });
});

/** One JSON-RPC POST to the HTTP listener. */
const rpc = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${mcp.httpBase}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...mcp.authHeaders, ...headers },
    body,
  });

describe('raw JSON-RPC', () => {
  it('answers requests and batches on /rpc without a session', async () => {
    const single = await rpc('/rpc', JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }));
    expect(single.status).toBe(200);
    const listed = (await single.json()) as { id: number; result: { tools: { name: string }[] } };
    expect(listed.id).toBe(7);
    expect(listed.result.tools.map((tool) => tool.name)).toEqual([...CATALOG_TOOL_NAMES]);

    const batch = await rpc(
      '/rpc',
      JSON.stringify([
        { jsonrpc: '2.0', id: 'a', method: 'ping' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 'b', method: 'tools/call', params: { name: 'tempo_health', arguments: {} } },
      ]),
    );
    const answers = (await batch.json()) as {
      id: string;
      result: { structuredContent?: { statusCode: number } };
    }[];
    expect(answers.map((answer) => answer.id)).toEqual(['a', 'b']);
    expect(answers[1]?.result.structuredContent?.statusCode).toBe(200);

    const notification = await rpc(
      '/rpc',
      JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    );
    expect(notification.status).toBe(202);
  });

  it('answers malformed input with JSON-RPC errors, never a crash', async () => {
    const notJson = await rpc('/rpc', '{"jsonrpc":');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    const notRpc = await rpc('/rpc', JSON.stringify({ hello: 'world' }));
    expect(await notRpc.json()).toMatchObject({ id: null, error: { code: -32600 } });
    const unknownMethod = await rpc('/rpc', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'no/such' }));
    expect(await unknownMethod.json()).toMatchObject({ id: 1, error: { code: -32601 } });
    expect((await fetch(`${mcp.httpBase}/rpc`, { headers: mcp.authHeaders })).status).toBe(405);
    expect((await rpc('/rpc', '{}', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await rpc('/nowhere', '{}')).status).toBe(404);
  });

  it('refuses web pages: a foreign Origin or Host on HTTP, a foreign Origin on WebSocket', async () => {
    const call = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect((await rpc('/rpc', call, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await rpc('/mcp', call, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await rpc('/rpc', call, { origin: 'http://localhost:3000' })).status).toBe(200);
    const refused = await new Promise<number>((resolveStatus) => {
      const socket = new WebSocket(mcp.webSocketUrl, 'mcp', {
        origin: 'https://evil.example',
        headers: mcp.authHeaders,
      });
      socket.on('unexpected-response', (_request, response) => resolveStatus(response.statusCode ?? 0));
      socket.on('open', () => resolveStatus(101));
    });
    expect(refused).toBe(401);
  });

  it('speaks newline-delimited JSON-RPC over TCP, one session per connection', async () => {
    const socket: Socket = connect(mcp.tcpPort, '127.0.0.1');
    const answers = new Map<number, Record<string, unknown>>();
    let buffered = '';
    const waiting = new Map<number, () => void>();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const message = JSON.parse(buffered.slice(0, end)) as { id: number };
        buffered = buffered.slice(end + 1);
        answers.set(message.id, message);
        waiting.get(message.id)?.();
      }
    });
    const send = (id: number, method: string, params: Record<string, unknown> = {}) =>
      new Promise<Record<string, unknown>>((resolveAnswer) => {
        waiting.set(id, () => resolveAnswer(answers.get(id) ?? {}));
        socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      });
    try {
      const authenticated = await send(0, 'tempo/authenticate', { accessToken: mcp.accessToken });
      expect(authenticated).toEqual({ jsonrpc: '2.0', id: 0, result: { authenticated: true } });
      const init = await send(1, 'initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw-tcp', version: '1' },
      });
      expect(init).toMatchObject({
        id: 1,
        result: { protocolVersion: '2025-06-18', serverInfo: { name: 'tempo' } },
      });
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
      const tools = (await send(2, 'tools/list')) as { result: { tools: unknown[] } };
      expect(tools.result.tools).toHaveLength(CATALOG_TOOL_NAMES.length);
      const tenants = (await send(3, 'tools/call', { name: 'tenant_list', arguments: { pageSize: 5 } })) as {
        result: { structuredContent: { statusCode: number; body: { items: unknown[] } } };
      };
      expect(tenants.result.structuredContent.statusCode).toBe(200);
      expect(tenants.result.structuredContent.body.items.length).toBeGreaterThan(0);
    } finally {
      socket.destroy();
    }
  });
});

/** What a WebSocket upgrade to the listener answers: 101 when it opens, else the refusal's status. */
const upgradeStatus = (protocols: string[], headers: Record<string, string> = {}) =>
  new Promise<{ status: number; protocol: string }>((resolveStatus) => {
    const socket = new WebSocket(mcp.webSocketUrl, protocols, { headers });
    socket.on('unexpected-response', (_request, response) =>
      resolveStatus({ status: response.statusCode ?? 0, protocol: '' }),
    );
    socket.on('open', () => {
      resolveStatus({ status: 101, protocol: socket.protocol });
      socket.close();
    });
  });

/** Writes `text` on a new TCP connection; resolves to what came back once the server closed it. */
const tcpExchange = (text: string) =>
  new Promise<string>((resolveExchange, reject) => {
    const socket = connect(mcp.tcpPort, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the TCP connection stayed open; received: ${received}`));
    }, 5_000);
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

describe('the access token', () => {
  // runtime_list is called nowhere else in this suite: its log line shows whether it ran.
  const probe = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'runtime_list', arguments: {} },
  });
  const ran = () => mcp.output().includes('"tool":"runtime_list"');

  it('HTTP: /rpc, /mcp and /events refuse a missing or wrong token with 401, and run nothing', async () => {
    for (const authorization of [undefined, `Bearer ${mcp.accessToken}x`, mcp.accessToken, 'Bearer ']) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization !== undefined) headers.authorization = authorization;
      for (const path of ['/rpc', '/mcp']) {
        const refused = await fetch(`${mcp.httpBase}${path}`, { method: 'POST', headers, body: probe });
        expect(refused.status, `${path} with ${authorization}`).toBe(401);
        expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(await refused.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001 } });
      }
      const events = await fetch(`${mcp.httpBase}/events`, { headers });
      expect(events.status).toBe(401);
    }
    expect(ran()).toBe(false);
    // The same call with the token runs, so the check above could have seen it.
    const allowed = await rpc('/rpc', probe);
    expect(allowed.status).toBe(200);
    await allowed.json();
    expect(ran()).toBe(true);
  });

  it('WebSocket: the upgrade needs the token as Authorization: Bearer or a tempo-token.<token> subprotocol', async () => {
    expect(await upgradeStatus(['mcp'])).toEqual({ status: 401, protocol: '' });
    expect(await upgradeStatus(['mcp', `tempo-token.${mcp.accessToken}x`])).toEqual({
      status: 401,
      protocol: '',
    });
    expect(await upgradeStatus(['mcp'], { authorization: 'Bearer wrong' })).toEqual({
      status: 401,
      protocol: '',
    });
    expect(await upgradeStatus(['mcp'], mcp.authHeaders)).toEqual({ status: 101, protocol: 'mcp' });
    expect(await upgradeStatus(['mcp', `tempo-token.${mcp.accessToken}`])).toEqual({
      status: 101,
      protocol: 'mcp',
    });
  });

  it('TCP: a connection that does not authenticate first is closed, and runs nothing', async () => {
    const before = mcp.output().split('"tool":"tenant_list"').length;
    const call = `${JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'tenant_list', arguments: {} } })}\n`;
    expect(await tcpExchange(call)).toBe('');
    const wrong = JSON.stringify({
      jsonrpc: '2.0',
      method: 'tempo/authenticate',
      params: { accessToken: 'nope' },
    });
    expect(await tcpExchange(`${wrong}\n${call}`)).toBe('');
    expect(mcp.output().split('"tool":"tenant_list"').length).toBe(before);
  });

  it('TCP: a browser-style HTTP request whose body holds MCP lines is closed at its request line', async () => {
    const before = mcp.output().split('"tool":"tenant_list"').length;
    const body = [
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'tempo/authenticate',
        params: { accessToken: mcp.accessToken },
      }),
      JSON.stringify({
        jsonrpc: '2.0',
        id: 9,
        method: 'tools/call',
        params: { name: 'tenant_list', arguments: {} },
      }),
      '',
    ].join('\n');
    const request = `POST / HTTP/1.1\r\nHost: 127.0.0.1:${mcp.tcpPort}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    expect(await tcpExchange(request)).toBe('');
    expect(mcp.output().split('"tool":"tenant_list"').length).toBe(before);
  });
});

describe('the SSE event stream', () => {
  it('publishes every tool call at /events, without its arguments', async () => {
    const abort = new AbortController();
    const stream = await fetch(`${mcp.httpBase}/events`, { signal: abort.signal, headers: mcp.authHeaders });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const event = (async () => {
      while (!seen.includes('"tool":"tenant_get"')) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(value);
      }
    })();
    await rpc(
      '/rpc',
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'tenant_get', arguments: { id: 'ten_does_not_exist' } },
      }),
    );
    await event;
    abort.abort();
    const line = seen.split('\n').find((text) => text.includes('"tool":"tenant_get"')) ?? '';
    expect(seen).toContain('event: tool.call');
    expect(JSON.parse(line.replace(/^data: /, ''))).toMatchObject({
      tool: 'tenant_get',
      outcome: 'failure',
      statusCode: 404,
    });
    expect(line).not.toContain('ten_does_not_exist');
  });
});

describe('shutdown', () => {
  it('ends on SIGTERM with sessions and event streams still open, exit code 0', async () => {
    const events = await fetch(`${mcp.httpBase}/events`, { headers: mcp.authHeaders });
    const socket = connect(mcp.tcpPort, '127.0.0.1');
    await new Promise((resolveConnect) => socket.once('connect', resolveConnect));
    const webSocket = await connected(
      connectClient(new TokenWebSocketClientTransport(mcp.webSocketUrl, mcp.accessToken)),
    );
    expect(await listedToolNames(webSocket)).toHaveLength(CATALOG_TOOL_NAMES.length);
    const started = Date.now();
    expect(await mcp.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(mcp.output()).toContain('"reason":"SIGTERM"');
    socket.destroy();
    await events.body?.cancel().catch(() => undefined);
  });
});
