import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accessTokenNote, applyInstall, InstallError, planInstall, withTomlTable } from './client-install.ts';
import { McpSettings } from './mcp-settings.ts';

const homes: string[] = [];
const newHome = (): string => {
  const home = mkdtempSync(join(tmpdir(), 'tempo-mcp-home-'));
  homes.push(home);
  return home;
};

afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

const settings = McpSettings.parse({ http: { port: 9910 }, tempo: { apiKey: 'secret-admin-key' } });
const context = (
  home: string,
  client: 'claude-code' | 'cursor' | 'codex',
  settingsFile: string | null = null,
) => ({
  client,
  settings,
  settingsFile,
  home,
  launcher: '/opt/tempo/tempo',
});

describe('planInstall', () => {
  it('claude-code: adds mcpServers.tempo to ~/.claude.json, keeping the rest, and writes the agent', () => {
    const home = newHome();
    writeFileSync(
      join(home, '.claude.json'),
      JSON.stringify({ theme: 'dark', mcpServers: { other: { url: 'x' } } }),
    );
    const files = planInstall(context(home, 'claude-code'));
    expect(files.map((file) => file.path)).toEqual([
      join(home, '.claude.json'),
      join(home, '.claude', 'agents', 'tempo.md'),
    ]);
    expect(JSON.parse(files[0]?.after ?? '')).toEqual({
      theme: 'dark',
      mcpServers: { other: { url: 'x' }, tempo: { type: 'http', url: 'http://127.0.0.1:9910/rpc' } },
    });
    expect(files[1]).toMatchObject({ before: null });
    expect(files[1]?.after).toMatch(/^---\nname: tempo\n/);
  });

  it('cursor: points ~/.cursor/mcp.json at the Streamable HTTP endpoint', () => {
    const [file] = planInstall(context(newHome(), 'cursor'));
    expect(JSON.parse(file?.after ?? '')).toEqual({
      mcpServers: { tempo: { url: 'http://127.0.0.1:9910/mcp' } },
    });
  });

  it('codex: a stdio entry in ~/.codex/config.toml that reads the settings file', () => {
    const home = newHome();
    mkdirSync(join(home, '.codex'));
    writeFileSync(
      join(home, '.codex', 'config.toml'),
      'model = "o4"\n\n[mcp_servers.tempo]\ncommand = "old"\n\n[mcp_servers.tempo.env]\nA = "b"\n\n[mcp_servers.other]\ncommand = "x"\n',
    );
    const [file] = planInstall(context(home, 'codex', '/etc/tempo/tempo.mcp.json'));
    expect(file?.after).toBe(
      'model = "o4"\n\n[mcp_servers.other]\ncommand = "x"\n\n[mcp_servers.tempo]\ncommand = "/opt/tempo/tempo"\nargs = ["mcp", "--stdio", "--config", "/etc/tempo/tempo.mcp.json"]\n',
    );
  });

  it('never copies a credential into a client configuration', () => {
    for (const client of ['claude-code', 'cursor', 'codex'] as const) {
      for (const file of planInstall(context(newHome(), client)))
        expect(file.after).not.toContain('secret-admin-key');
    }
  });

  it('refuses to rewrite a configuration it cannot read', () => {
    const home = newHome();
    writeFileSync(join(home, '.claude.json'), '{ broken');
    expect(() => planInstall(context(home, 'claude-code'))).toThrow(InstallError);
  });
});

describe('applyInstall', () => {
  it('writes the planned files, creating folders', () => {
    const home = newHome();
    applyInstall(planInstall(context(home, 'cursor')));
    expect(JSON.parse(readFileSync(join(home, '.cursor', 'mcp.json'), 'utf8')).mcpServers.tempo.url).toBe(
      'http://127.0.0.1:9910/mcp',
    );
  });
});

describe('withTomlTable', () => {
  it('appends to an empty or missing file', () => {
    expect(withTomlTable(null, '[a]', '[a]\nx = 1\n')).toBe('[a]\nx = 1\n');
  });
});

describe('accessTokenNote', () => {
  it('tells HTTP clients to add the Authorization header themselves, and stdio clients nothing', () => {
    expect(accessTokenNote('claude-code')).toMatch(/add the header "Authorization: Bearer <token>"/);
    expect(accessTokenNote('cursor')).toMatch(/mcp-access-token/);
    expect(accessTokenNote('codex')).toBeNull();
  });

  it('is not a reason to copy a secret: planned files hold no Authorization header', () => {
    const tokenSettings = McpSettings.parse({ accessToken: 'the-access-token', tempo: { apiKey: 'k' } });
    for (const client of ['claude-code', 'cursor', 'codex'] as const) {
      const files = planInstall({ ...context(newHome(), client), settings: tokenSettings });
      for (const file of files) expect(file.after).not.toMatch(/the-access-token|authorization/i);
    }
  });
});
