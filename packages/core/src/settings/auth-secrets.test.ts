import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUBLISHED_DEVELOPMENT_SIGNING_KEY, PUBLISHED_LOCAL_ADMIN_API_KEY } from './auth-secrets.ts';
import { loadSettings } from './load-settings.ts';
import { SettingsError } from './settings-error.ts';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tempo-auth-secrets-'));
  file = join(dir, 'tempo.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const fileAuth = () => JSON.parse(readFileSync(file, 'utf8')).auth;

describe('auth secrets at server start', () => {
  it('has no usable default: a plain load leaves both keys blank', () => {
    const { settings } = loadSettings({ filePath: file });
    expect(settings.auth.signingKey).toBe('');
    expect(settings.auth.credentialHashKey).toBe('');
  });

  it('generates missing keys into a new file, owner-only, and keeps them on the next start', () => {
    const first = loadSettings({ filePath: file, writeDefaults: true, prepareAuthSecrets: true }).settings;
    expect(first.auth.signingKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.auth.credentialHashKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.auth.signingKey).not.toBe(first.auth.credentialHashKey);
    expect(fileAuth()).toMatchObject({
      signingKey: first.auth.signingKey,
      credentialHashKey: first.auth.credentialHashKey,
    });
    expect(JSON.parse(readFileSync(file, 'utf8')).rest.port).toBe(8901);
    expect(statSync(file).mode & 0o077).toBe(0);
    const second = loadSettings({ filePath: file, prepareAuthSecrets: true }).settings;
    expect(second.auth).toEqual(first.auth);
  });

  it('adds missing keys to an existing file without touching the rest of it', () => {
    writeFileSync(file, JSON.stringify({ Rest: { Port: 9100 }, auth: { adminApiKey: 'k', signingKey: '' } }));
    const { settings } = loadSettings({ filePath: file, prepareAuthSecrets: true });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written).toEqual({
      rest: { port: 9100 },
      auth: {
        adminApiKey: 'k',
        signingKey: settings.auth.signingKey,
        credentialHashKey: settings.auth.credentialHashKey,
      },
    });
  });

  it('writes nothing for a key set by its variable', () => {
    writeFileSync(file, JSON.stringify({ auth: { credentialHashKey: 'h'.repeat(40) } }));
    const { settings } = loadSettings({
      filePath: file,
      env: { TEMPO_AUTH_SIGNING_KEY: 's'.repeat(40) },
      prepareAuthSecrets: true,
    });
    expect(settings.auth.signingKey).toBe('s'.repeat(40));
    expect(fileAuth()).toEqual({ credentialHashKey: 'h'.repeat(40) });
  });

  it('refuses the published development key, saying how to set one', () => {
    writeFileSync(file, JSON.stringify({ auth: { signingKey: PUBLISHED_DEVELOPMENT_SIGNING_KEY } }));
    const attempt = () => loadSettings({ filePath: file, prepareAuthSecrets: true });
    expect(attempt).toThrow(SettingsError);
    expect(attempt).toThrow(/auth\.signingKey is the development key published/);
    expect(attempt).toThrow(/TEMPO_AUTH_SIGNING_KEY/);
    expect(fileAuth()).toEqual({ signingKey: PUBLISHED_DEVELOPMENT_SIGNING_KEY });
  });

  it('refuses the published local administrator key, from the file or a variable', () => {
    writeFileSync(file, JSON.stringify({ auth: { adminApiKey: PUBLISHED_LOCAL_ADMIN_API_KEY } }));
    const fromFile = () => loadSettings({ filePath: file, prepareAuthSecrets: true });
    expect(fromFile).toThrow(/auth\.adminApiKey is the key published/);
    writeFileSync(file, JSON.stringify({}));
    const fromVariable = () =>
      loadSettings({
        filePath: file,
        env: { TEMPO_AUTH_ADMIN_API_KEY: PUBLISHED_LOCAL_ADMIN_API_KEY },
        prepareAuthSecrets: true,
      });
    expect(fromVariable).toThrow(/^TEMPO_AUTH_ADMIN_API_KEY: auth\.adminApiKey is the key published/);
  });

  it('refuses a key blanked by its variable, naming the variable', () => {
    const attempt = () =>
      loadSettings({ filePath: file, env: { TEMPO_AUTH_SIGNING_KEY: ' ' }, prepareAuthSecrets: true });
    expect(attempt).toThrow(/^TEMPO_AUTH_SIGNING_KEY: auth\.signingKey is empty/);
  });
});
