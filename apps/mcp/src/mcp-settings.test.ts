import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  holdsTempoCredentials,
  loadMcpSettings,
  McpSettingsError,
  redactedSettings,
} from './mcp-settings.ts';

const folders: string[] = [];
const folder = (file?: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'tempo-mcp-settings-'));
  folders.push(dir);
  if (file !== undefined)
    writeFileSync(join(dir, 'tempo.mcp.json'), typeof file === 'string' ? file : JSON.stringify(file));
  return dir;
};

afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadMcpSettings', () => {
  it('gives the reference defaults when there is no file', () => {
    const { settings, filePath } = loadMcpSettings({ env: {}, cwd: folder() });
    expect(filePath).toBeNull();
    expect(settings).toEqual({
      softwareVersion: '0.3.0',
      accessToken: null,
      tempo: {
        endpoint: 'http://localhost:8901',
        timeoutMs: 30000,
        defaultTenantId: null,
        token: null,
        apiKey: null,
        accessKey: null,
      },
      http: {
        enabled: true,
        hostname: '127.0.0.1',
        port: 8910,
        rpcPath: '/rpc',
        eventsPath: '/events',
        mcpPath: '/mcp',
      },
      tcp: { enabled: true, address: '127.0.0.1', port: 8911 },
      webSocket: { enabled: true, hostname: '127.0.0.1', port: 8912, path: '/mcp' },
    });
  });

  it('reads ./tempo.mcp.json, and the environment wins over it', () => {
    const cwd = folder({
      tempo: { endpoint: 'http://10.0.0.5:8901', apiKey: 'from-file', defaultTenantId: 'ten_file' },
      tcp: { enabled: false, port: 9911 },
    });
    const { settings, filePath } = loadMcpSettings({
      env: {
        TEMPO_API_KEY: 'from-env',
        TEMPO_TENANT_ID: 'ten_env',
        TEMPO_MCP_HTTP_PORT: '0',
        TEMPO_MCP_WS_HOSTNAME: '0.0.0.0',
        TEMPO_TOKEN: '   ',
      },
      cwd,
    });
    expect(filePath).toBe(join(cwd, 'tempo.mcp.json'));
    expect(settings.tempo).toMatchObject({
      endpoint: 'http://10.0.0.5:8901',
      apiKey: 'from-env',
      defaultTenantId: 'ten_env',
      token: null,
    });
    expect(settings.tcp).toEqual({ enabled: false, address: '127.0.0.1', port: 9911 });
    expect(settings.http.port).toBe(0);
    expect(settings.webSocket.hostname).toBe('0.0.0.0');
  });

  it('refuses what it cannot use, saying where', () => {
    expect(() => loadMcpSettings({ configFile: 'missing.json', env: {}, cwd: folder() })).toThrow(
      /does not exist/,
    );
    expect(() => loadMcpSettings({ env: {}, cwd: folder('{ nope') })).toThrow(/not valid JSON/);
    expect(() => loadMcpSettings({ env: {}, cwd: folder({ tempo: { timeoutMs: -1 } }) })).toThrow(
      /tempo\.timeoutMs/,
    );
    expect(() => loadMcpSettings({ env: {}, cwd: folder({ htp: {} }) })).toThrow(McpSettingsError);
    expect(() => loadMcpSettings({ env: { TEMPO_MCP_TCP_PORT: '70000' }, cwd: folder() })).toThrow(
      /TEMPO_MCP_TCP_PORT/,
    );
    expect(() => loadMcpSettings({ env: { TEMPO_ENDPOINT: 'not a url' }, cwd: folder() })).toThrow(
      /tempo\.endpoint/,
    );
    // It may travel in Sec-WebSocket-Protocol, which allows no spaces, commas or slashes.
    expect(() => loadMcpSettings({ env: {}, cwd: folder({ accessToken: 'a b,c' }) })).toThrow(/accessToken/);
  });

  it('reads accessToken from the file, and TEMPO_MCP_ACCESS_TOKEN wins over it', () => {
    const cwd = folder({ accessToken: 'from-file' });
    expect(loadMcpSettings({ env: {}, cwd }).settings.accessToken).toBe('from-file');
    expect(loadMcpSettings({ env: { TEMPO_MCP_ACCESS_TOKEN: 'from-env' }, cwd }).settings.accessToken).toBe(
      'from-env',
    );
    expect(loadMcpSettings({ env: {}, cwd: folder({ accessToken: '' }) }).settings.accessToken).toBeNull();
  });
});

describe('holdsTempoCredentials', () => {
  it('is true when a token, API key or access key is configured', () => {
    const load = (env: Record<string, string>) => loadMcpSettings({ env, cwd: folder() }).settings;
    expect(holdsTempoCredentials(load({}))).toBe(false);
    expect(holdsTempoCredentials(load({ TEMPO_TENANT_ID: 'ten_1' }))).toBe(false);
    expect(holdsTempoCredentials(load({ TEMPO_API_KEY: 'k' }))).toBe(true);
    expect(holdsTempoCredentials(load({ TEMPO_TOKEN: 't' }))).toBe(true);
    expect(holdsTempoCredentials(load({ TEMPO_ACCESS_KEY: 'a' }))).toBe(true);
  });
});

describe('redactedSettings', () => {
  it('masks every credential and nothing else', () => {
    const { settings } = loadMcpSettings({
      env: { TEMPO_API_KEY: 'k', TEMPO_TOKEN: 't', TEMPO_TENANT_ID: 'ten_1', TEMPO_MCP_ACCESS_TOKEN: 'a' },
      cwd: folder(),
    });
    const shown = redactedSettings(settings);
    expect(shown.tempo).toMatchObject({
      apiKey: '****',
      token: '****',
      accessKey: null,
      defaultTenantId: 'ten_1',
    });
    expect(shown.accessToken).toBe('****');
    expect(JSON.stringify(shown)).not.toMatch(/"k"|"t"|"a"/);
  });
});
