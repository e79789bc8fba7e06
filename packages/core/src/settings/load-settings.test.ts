import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoSettings } from '@tempo/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envNameOf, settingsEnvNames } from './env-overrides.ts';
import { loadSettings, resolveSettingsPath, resolveSettingsPaths, saveSettings } from './load-settings.ts';
import { SettingsError } from './settings-error.ts';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tempo-settings-'));
  file = join(dir, 'tempo.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const write = (value: unknown) =>
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));

const errorOf = (run: () => unknown): SettingsError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error('expected a SettingsError');
};

describe('loadSettings', () => {
  it('yields the spec defaults for a missing file and writes them on first start', () => {
    const { settings, warnings } = loadSettings({ filePath: file, writeDefaults: true });
    expect(warnings).toEqual([]);
    expect(settings.rest).toEqual({
      hostname: '127.0.0.1',
      port: 8901,
      ssl: false,
      corsOrigins: ['*'],
      securityHeaders: true,
      trustedProxies: [],
      maxTriggerBodyBytes: 1_048_576,
      publicTriggerRatePerSecond: 5000,
      publicTriggerTenantRatePerSecond: 10_000,
    });
    expect(settings.database).toMatchObject({
      type: 'Sqlite',
      filename: './tempo.db',
      commandTimeoutSeconds: 30,
    });
    expect(settings.auth).toMatchObject({ issuer: 'tempo', tokenExpirationMinutes: 1440, adminApiKey: '' });
    expect(settings.engine).toMatchObject({
      maxConcurrentRuns: 4,
      maxConcurrentRunsPerTenant: 0,
      maxRunInputBytes: 1_048_576,
      loadBalancingStrategy: 'LeastLoaded',
      leaseDurationMs: 300_000,
    });
    expect(settings.hydration).toMatchObject({
      defaultTenantName: 'Default Tenant',
      defaultAdminEmail: 'admin@tempo.local',
    });
    expect(settings.runLogs).toMatchObject({
      rootPath: './run-logs',
      defaultTailLines: 400,
      maxReadBytes: 1_048_576,
    });
    expect(settings.telemetry).toMatchObject({
      otlpProtocol: 'grpc',
      prometheusPort: 9464,
      samplingRatio: 1,
    });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.rest.port).toBe(8901);
    expect(Date.parse(written.createdUtc)).not.toBeNaN();
    expect(TempoSettings.parse(written)).toMatchObject({ ...settings, createdUtc: written.createdUtc });
  });

  it('does not write a missing file unless asked', () => {
    loadSettings({ filePath: file });
    expect(() => readFileSync(file)).toThrow();
  });

  it('matches property names in any case, as .NET writes them', () => {
    write({
      Rest: { Port: 9000, HostName: '0.0.0.0' },
      DATABASE: { type: 'Postgresql', DatabaseName: 'tempo' },
    });
    const { settings } = loadSettings({ filePath: file });
    expect(settings.rest).toMatchObject({ port: 9000, hostname: '0.0.0.0' });
    expect(settings.database).toMatchObject({ type: 'Postgresql', databaseName: 'tempo' });
  });

  it('clamps out-of-range numbers and reports them', () => {
    write({ rest: { port: 70000 }, engine: { maxConcurrentRuns: 0 }, telemetry: { samplingRatio: 2 } });
    const { settings, warnings } = loadSettings({ filePath: file });
    expect(settings.rest.port).toBe(65535);
    expect(settings.engine.maxConcurrentRuns).toBe(1);
    expect(settings.telemetry.samplingRatio).toBe(1);
    expect(warnings).toEqual([
      'rest.port 70000 is out of range; using 65535',
      'engine.maxConcurrentRuns 0 is out of range; using 1',
      'telemetry.samplingRatio 2 is out of range; using 1',
    ]);
  });

  it.each([
    [{ rest: { port: 'eighty' } }, 'rest.port'],
    [{ rest: { port: 80.5 } }, 'rest.port'],
    [{ database: { type: 'Oracle' } }, 'database.type'],
    [{ logging: { logDirectory: '  ' } }, 'logging.logDirectory'],
    [{ auth: { tokenLifetime: 5 } }, 'auth.tokenLifetime'],
    [
      { runtimes: { hostExecutables: { allowList: [{ key: 'ls' }] } } },
      'runtimes.hostExecutables.allowList.0.executablePath',
    ],
    [{ rest: [] }, 'rest'],
  ])('refuses %j with one line naming %s', (content, field) => {
    write(content);
    const error = errorOf(() => loadSettings({ filePath: file }));
    expect(error.field).toBe(field);
    expect(error.message).toContain(file);
    expect(error.message).toContain(field);
    expect(error.message).not.toContain('\n');
  });

  it('refuses invalid JSON and a non-object file in one line', () => {
    write('{ "rest": ');
    expect(errorOf(() => loadSettings({ filePath: file })).message).toMatch(/is not valid JSON/);
    write('[1, 2]');
    expect(errorOf(() => loadSettings({ filePath: file })).message).toMatch(/must hold a JSON object/);
  });

  it('applies TEMPO_* overrides over the file, derived names and the spec aliases alike', () => {
    write({ rest: { port: 9000 }, database: { type: 'Sqlite' } });
    const { settings } = loadSettings({
      filePath: file,
      env: {
        TEMPO_REST_PORT: '9100',
        TEMPO_DB_TYPE: 'postgresql',
        TEMPO_DB_DATABASE: 'tempo_prod',
        TEMPO_DATABASE_SERVER: 'db.internal',
        TEMPO_AUTH_ADMIN_API_KEY: 'k',
        TEMPO_ARTIFACT_ROOT: '/srv/artifacts',
        TEMPO_EXTERNAL_EXECUTION_PYTHON_EXECUTABLE: '/usr/bin/python3.11',
        TEMPO_RUNTIMES_EXTERNAL_EXECUTION_ENVIRONMENT_ALLOW_LIST: 'PATH, LANG',
        TEMPO_RUN_LOG_ENABLED: '0',
        TEMPO_RUN_LOG_ROOT: '/srv/run-logs',
        TEMPO_TELEMETRY_OTLP_PROTOCOL: 'httpprotobuf',
        TEMPO_UNRELATED: 'ignored',
      },
    });
    expect(settings.rest.port).toBe(9100);
    expect(settings.database).toMatchObject({
      type: 'Postgresql',
      databaseName: 'tempo_prod',
      server: 'db.internal',
    });
    expect(settings.auth.adminApiKey).toBe('k');
    expect(settings.artifacts.rootPath).toBe('/srv/artifacts');
    expect(settings.runtimes.externalExecution.pythonExecutable).toBe('/usr/bin/python3.11');
    expect(settings.runtimes.externalExecution.environmentAllowList).toEqual(['PATH', 'LANG']);
    expect(settings.runLogs).toMatchObject({ enabled: false, rootPath: '/srv/run-logs' });
    expect(settings.telemetry.otlpProtocol).toBe('httpprotobuf');
  });

  it('names the variable of a bad environment value', () => {
    const error = errorOf(() => loadSettings({ filePath: file, env: { TEMPO_REST_PORT: 'eighty' } }));
    expect(error.source).toBe('TEMPO_REST_PORT');
    expect(error.message).toContain('TEMPO_REST_PORT');
    expect(errorOf(() => loadSettings({ filePath: file, env: { TEMPO_DB_TYPE: 'Oracle' } })).field).toBe(
      'database.type',
    );
    expect(
      errorOf(() => loadSettings({ filePath: file, env: { TEMPO_LOGGING_FILE_LOGGING: 'maybe' } })).field,
    ).toBe('logging.fileLogging');
  });

  it('gives every field a variable', () => {
    const names = settingsEnvNames();
    expect(envNameOf(['runtimes', 'externalExecution', 'maxStdoutBytes'])).toBe(
      'TEMPO_RUNTIMES_EXTERNAL_EXECUTION_MAX_STDOUT_BYTES',
    );
    for (const name of [
      'TEMPO_REST_HOSTNAME',
      'TEMPO_HYDRATION_HYDRATION_FILE',
      'TEMPO_LOG_VIEWER_MAX_READ_BYTES',
    ]) {
      expect(names).toContain(name);
    }
  });
});

describe('settings files', () => {
  it('round-trips through saveSettings', () => {
    const settings = TempoSettings.parse({ rest: { port: 9999 }, auth: { adminApiKey: 'x' } });
    saveSettings(file, settings);
    expect(loadSettings({ filePath: file }).settings).toEqual(settings);
  });

  it('resolves relative paths against the settings folder and keeps absolute ones', () => {
    const settings = TempoSettings.parse({
      artifacts: { rootPath: '/abs/artifacts' },
      hydration: { hydrationFile: 'seed.json' },
    });
    const resolved = resolveSettingsPaths(settings, '/data');
    expect(resolved.database.filename).toBe('/data/tempo.db');
    expect(resolved.logging.logDirectory).toBe('/data/logs');
    expect(resolved.artifacts.rootPath).toBe('/abs/artifacts');
    expect(resolved.hydration.hydrationFile).toBe('/data/seed.json');
    expect(resolved.runtimes.externalExecution.scratchRoot).toBe('/data/scratch');
  });

  it('takes the file from TEMPO_SETTINGS_FILE when set', () => {
    expect(resolveSettingsPath({ TEMPO_SETTINGS_FILE: '/etc/tempo.json' }, './tempo.json')).toBe(
      '/etc/tempo.json',
    );
    expect(resolveSettingsPath({}, './tempo.json')).toBe('./tempo.json');
  });
});
