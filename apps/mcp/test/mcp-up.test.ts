import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningTempo, startTempo } from '../../cli/test/run-tempo.ts';

/**
 * The MCP server `./tempo up` starts holds the administrator key: every network caller must
 * bring the data folder's access token, which a tenant's handler (sharing this loopback) has not.
 */

let dir: string;
const running: RunningTempo[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tempo-mcp-up-'));
});

afterEach(() => {
  for (const up of running.splice(0)) up.child.kill('SIGKILL');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Stack {
  readonly up: RunningTempo;
  readonly rpcUrl: string;
  readonly tcpPort: number;
}

/** `./tempo up` on free ports (MCP ports moved by TEMPO_MCP_*_PORT), ready once the dashboard line is out. */
const startUp = async (dataDir: string): Promise<Stack> => {
  const [port, httpPort, tcpPort, wsPort, dashboardPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const up = await startTempo(
    ['up', '--data-dir', dataDir, '--port', String(port), '--dashboard-port', String(dashboardPort)],
    /tempo: up: dashboard /,
    180_000,
    {
      TEMPO_TELEMETRY_ENABLED: 'false',
      TEMPO_MCP_HTTP_PORT: String(httpPort),
      TEMPO_MCP_TCP_PORT: String(tcpPort),
      TEMPO_MCP_WS_PORT: String(wsPort),
    },
  );
  running.push(up);
  return { up, rpcUrl: `http://127.0.0.1:${httpPort}/rpc`, tcpPort };
};

const stopUp = async (stack: Stack) => {
  running.splice(running.indexOf(stack.up), 1);
  return stack.up.stop();
};

/** What a tenant's handler sent to get administrator rights: `tools/call tempo_me` on `/rpc`. */
const callMe = (rpcUrl: string, headers: Record<string, string> = {}) =>
  fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'tempo_me', arguments: {} },
    }),
  });

describe("./tempo up's MCP server", () => {
  it('refuses callers without the per-folder access token, and serves those with it', async () => {
    const dataDir = join(dir, 'stack');
    const first = await startUp(dataDir);
    const tokenFile = join(dataDir, 'mcp-access-token');
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(first.up.output()).toContain(`MCP access token: send Authorization: Bearer ${token}`);
    expect(first.up.output()).toContain(tokenFile);

    const anonymous = await callMe(first.rpcUrl);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: -32001 } });
    expect((await callMe(first.rpcUrl, { authorization: 'Bearer not-the-token' })).status).toBe(401);

    const tcpAnswer = await new Promise<string>((resolveAnswer) => {
      const socket = connect(first.tcpPort, '127.0.0.1');
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        received += chunk;
      });
      socket.on('close', () => resolveAnswer(received));
      socket.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'tempo_me', arguments: {} } })}\n`,
      );
    });
    expect(tcpAnswer).toBe('');

    const allowed = await callMe(first.rpcUrl, { authorization: `Bearer ${token}` });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({
      result: { structuredContent: { statusCode: 200, body: { type: 'administrator' } } },
    });
    // The MCP process's log reaches the file through `up`, a moment after the answer.
    const logFile = join(dataDir, 'logs', 'tempo-mcp.log');
    let log = '';
    for (let tries = 0; tries < 50 && !log.includes('"tool":"tempo_me"'); tries++) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      log = readFileSync(logFile, 'utf8');
    }
    expect(log).toContain('"tool":"tempo_me"');
    expect(log).not.toContain(token);
    expect(await stopUp(first)).toBe(0);

    // A later start of the same folder keeps the token and no longer prints it.
    const second = await startUp(dataDir);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    expect(second.up.output()).toContain(
      `MCP access token: send Authorization: Bearer <the token in ${tokenFile}>`,
    );
    expect(second.up.output()).not.toContain(token);
    expect((await callMe(second.rpcUrl)).status).toBe(401);
    expect((await callMe(second.rpcUrl, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect(await stopUp(second)).toBe(0);
  }, 420_000);
});
