import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { MCP_MAIN, NODE_FLAGS } from './mcp-process.ts';

/** `./tempo mcp` as an operator types it: settings shown without secrets, clients installed. */
const TEMPO = resolve(import.meta.dirname, '..', '..', '..', 'tempo');
const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'tempo-mcp-cli-'));

afterAll(() => rmSync(home, { recursive: true, force: true }));

const tempo = (args: readonly string[], env: Record<string, string> = {}) =>
  run(TEMPO, ['mcp', ...args], {
    cwd: home,
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
  });

describe('./tempo mcp', () => {
  it('--showconfig prints the resolved settings with credentials masked', async () => {
    writeFileSync(
      join(home, 'tempo.mcp.json'),
      JSON.stringify({ tempo: { token: 'file-token' }, tcp: { port: 9911 } }),
    );
    const { stdout } = await tempo(['--showconfig', '--tenant-id', 'ten_flag'], {
      TEMPO_API_KEY: 'env-key',
      TEMPO_MCP_WS_PORT: '9912',
      TEMPO_MCP_ACCESS_TOKEN: 'env-access-token',
    });
    const shown = JSON.parse(stdout) as {
      accessToken: string | null;
      tempo: Record<string, unknown>;
      tcp: { port: number };
      webSocket: { port: number };
    };
    expect(shown.tempo).toMatchObject({ token: '****', apiKey: '****', defaultTenantId: 'ten_flag' });
    expect(shown.tcp.port).toBe(9911);
    expect(shown.webSocket.port).toBe(9912);
    expect(shown.accessToken).toBe('****');
    expect(stdout).not.toMatch(/file-token|env-key|env-access-token/);
    rmSync(join(home, 'tempo.mcp.json'));
  });

  it('install --dry-run shows the files and writes none', async () => {
    const { stdout } = await tempo(['install', '--client', 'claude-code', '--dry-run']);
    expect(stdout).toContain(`--- ${join(home, '.claude.json')} (new file)`);
    expect(stdout).toContain('"url": "http://127.0.0.1:8910/rpc"');
    // The install writes no secret: it says where the header goes instead.
    expect(stdout).toContain('add the header "Authorization: Bearer <token>"');
    expect(stdout).toContain('Dry run: nothing was written.');
    expect(existsSync(join(home, '.claude.json'))).toBe(false);
    expect(existsSync(join(home, '.claude'))).toBe(false);
  });

  it("install writes each client's configuration", async () => {
    await tempo(['install', '--client', 'claude-code']);
    await tempo(['install', '--client', 'cursor']);
    await tempo(['install', '--client', 'codex']);
    expect(JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8')).mcpServers.tempo).toEqual({
      type: 'http',
      url: 'http://127.0.0.1:8910/rpc',
    });
    expect(readFileSync(join(home, '.claude', 'agents', 'tempo.md'), 'utf8')).toContain(
      'step_create_from_source',
    );
    expect(JSON.parse(readFileSync(join(home, '.cursor', 'mcp.json'), 'utf8')).mcpServers.tempo.url).toBe(
      'http://127.0.0.1:8910/mcp',
    );
    expect(readFileSync(join(home, '.codex', 'config.toml'), 'utf8')).toContain(
      `command = ${JSON.stringify(TEMPO)}`,
    );
  });

  it('refuses an unknown client with exit code 2', async () => {
    await expect(tempo(['install', '--client', 'notepad'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--client must be one of claude-code, cursor, codex'),
    });
  });
});

/** Starts the network server with `env`, returns its log up to "listening", and stops it. */
const startupLog = async (env: Record<string, string>): Promise<string> => {
  const child = spawn(process.execPath, [...NODE_FLAGS, MCP_MAIN, '--exit-with-stdin'], {
    cwd: home,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      TEMPO_MCP_HTTP_PORT: '0',
      TEMPO_MCP_TCP_PORT: '0',
      TEMPO_MCP_WS_PORT: '0',
      ...env,
    },
  });
  let log = '';
  const exited = new Promise<void>((resolveExit) => child.on('exit', () => resolveExit()));
  await new Promise<void>((resolveReady) =>
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('MCP server listening')) resolveReady();
    }),
  );
  child.stdin.end();
  await exited;
  return log;
};

describe('the start-up warning', () => {
  it('is logged when the server holds Tempo credentials and asks network callers for none', async () => {
    const warned = await startupLog({ TEMPO_API_KEY: 'admin-key-of-the-test' });
    expect(warned).toMatch(/"level":"warn".*SECURITY WARNING.*TEMPO_MCP_ACCESS_TOKEN/);
    expect(warned).not.toContain('admin-key-of-the-test');
    const withToken = await startupLog({
      TEMPO_API_KEY: 'admin-key-of-the-test',
      TEMPO_MCP_ACCESS_TOKEN: 'tok-123',
    });
    expect(withToken).not.toContain('SECURITY WARNING');
    expect(withToken).not.toContain('tok-123');
    expect(await startupLog({})).not.toContain('SECURITY WARNING');
  });
});

describe('--exit-with-stdin', () => {
  it("stops the server when its supervisor's end of stdin closes, as when ./tempo up dies", async () => {
    const child = spawn(process.execPath, [...NODE_FLAGS, MCP_MAIN, '--exit-with-stdin'], {
      cwd: home,
      stdio: ['pipe', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        TEMPO_MCP_HTTP_PORT: '0',
        TEMPO_MCP_TCP_PORT: '0',
        TEMPO_MCP_WS_PORT: '0',
      },
    });
    let log = '';
    const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
    await new Promise<void>((resolveReady) =>
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('MCP server listening')) resolveReady();
      }),
    );
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(log).toContain('"reason":"stdin closed"');
  });
});
