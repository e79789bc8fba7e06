import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TempoClient } from '@tempo/client';
import type {
  LogFileContent,
  LogFileRecord,
  SettingsMetaResponse,
  SettingsReadResponse,
  SettingsSaveResponse,
} from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** Set for the server this suite starts: a value the environment gives, which the file must never get. */
const ENV_NAME = 'TEMPO_LOG_VIEWER_WORKER_LOG_FILENAME';
const ENV_VALUE = 'from-environment.log';

let f: ApiFixture;
let settingsFile: string;
let restarted: ServerProcess | undefined;

beforeAll(async () => {
  process.env[ENV_NAME] = ENV_VALUE;
  try {
    f = await startApiFixture();
  } finally {
    delete process.env[ENV_NAME];
  }
  settingsFile = join(f.server.dataDir, 'tempo.json');
});

afterAll(async () => {
  await restarted?.stop();
  await f?.stop();
});

type FileSettings = Record<string, Record<string, unknown>>;
const fileSettings = (): FileSettings => JSON.parse(readFileSync(settingsFile, 'utf8')) as FileSettings;
const secretsOf = (file: FileSettings) => ({
  signingKey: file.auth?.signingKey,
  credentialHashKey: file.auth?.credentialHashKey,
  adminApiKey: file.auth?.adminApiKey,
});

const read = async () => {
  const answer = await f.admin.raw('GET', '/v1.0/settings');
  expect(answer.status).toBe(200);
  return answer.body as SettingsReadResponse;
};

const save = async (settings: unknown) => f.admin.raw('PUT', '/v1.0/settings', { body: settings });

/** The settings of a read, with one section's fields replaced. */
const edited = (settings: Record<string, unknown>, section: string, fields: Record<string, unknown>) => ({
  ...settings,
  [section]: { ...(settings[section] as Record<string, unknown>), ...fields },
});

describe('settings routes', () => {
  it('reads the settings file with every secret masked and names the sections that need a restart', async () => {
    const answer = await f.admin.raw('GET', '/v1.0/settings');
    expect(answer.status).toBe(200);
    const body = answer.body as SettingsReadResponse;
    expect(body.path).toBe(settingsFile);
    const auth = body.settings.auth as Record<string, unknown>;
    expect(auth).toMatchObject({
      signingKey: '****',
      credentialHashKey: '****',
      adminApiKey: '****',
      issuer: 'tempo',
    });
    expect(body.settings.hydration).toMatchObject({
      defaultAdminPassword: '****',
      defaultUserPassword: '****',
    });
    const text = JSON.stringify(answer.body);
    for (const secret of Object.values(secretsOf(fileSettings()))) expect(text).not.toContain(String(secret));
    expect(text).not.toContain(TEST_ADMIN_API_KEY);
    expect(body.rebootRequiredSections).toEqual(
      expect.arrayContaining(['engine', 'database', 'rest', 'auth', 'secrets']),
    );
    expect(body.hotReloadSections).toEqual(['logViewer']);
    expect(body.rebootRequiredSections).not.toContain('logViewer');
    // The variable's value runs, the file's is shown, and the variable is named.
    expect(body.environmentOverrides).toContainEqual({
      field: 'logViewer.workerLogFilename',
      variable: ENV_NAME,
    });
    expect((body.settings.logViewer as Record<string, unknown>).workerLogFilename).toBe('tempo-worker.log');

    const meta = await f.admin.raw('GET', '/v1.0/settings/meta');
    expect(meta.status).toBe(200);
    expect(meta.body as SettingsMetaResponse).toMatchObject({
      rebootRequiredSections: body.rebootRequiredSections,
      pendingRebootSections: [],
    });
  });

  it('saves what it read unchanged: secrets sent back as **** keep their values, no variable is written', async () => {
    const before = fileSettings();
    const { settings } = await read();
    const answer = await save(settings);
    expect(answer.status).toBe(200);
    expect(answer.body as SettingsSaveResponse).toMatchObject({
      saved: true,
      rebootRequired: [],
      changedFields: [],
    });
    const after = fileSettings();
    expect(secretsOf(after)).toEqual(secretsOf(before));
    expect(JSON.stringify(after)).not.toContain('****');
    expect(JSON.stringify(after)).not.toContain(ENV_VALUE);
    // Owner-only: the file holds the server's keys.
    expect(statSync(settingsFile).mode & 0o777).toBe(0o600);
    // The server still accepts the same admin key.
    expect((await f.admin.raw('GET', '/v1.0/settings/meta')).status).toBe(200);
  });

  it('refuses a bad body with a 400 naming the field, and leaves the file alone', async () => {
    const before = readFileSync(settingsFile, 'utf8');
    const { settings } = await read();
    const cases: [unknown, string][] = [
      [edited(settings, 'rest', { port: 'eighty' }), 'rest.port'],
      [edited(settings, 'engine', { noSuchSetting: 1 }), 'engine'],
      [edited(settings, 'logViewer', { workerRootPath: '  ' }), 'logViewer.workerRootPath'],
      // The mask of a secret that is not stored would be saved as the secret itself.
      [edited(settings, 'database', { password: '****' }), 'database.password'],
      // What start-up refuses, a save refuses too, so the server is never left unable to start.
      [edited(settings, 'auth', { signingKey: '' }), 'auth.signingKey'],
      [edited(settings, 'auth', { adminApiKey: 'tempo-local-admin-api-key' }), 'auth.adminApiKey'],
    ];
    for (const [body, field] of cases) {
      const answer = await save(body);
      expect(answer.status, field).toBe(400);
      const error = answer.body as { error: string; message: string };
      expect(error.error).toBe('BadRequest');
      expect(error.message, field).toContain(field);
    }
    expect(readFileSync(settingsFile, 'utf8')).toBe(before);
  });

  it('applies a hot section at once, without a restart', async () => {
    const files = (await f.admin.raw('GET', '/v1.0/logs/files?sourceKind=server&sourceId=server'))
      .body as LogFileRecord[];
    const path = files[0]?.path ?? '';
    const contentOf = async () =>
      (await f.admin.raw('GET', `/v1.0/logs/files/content?sourceKind=server&sourceId=server&path=${path}`))
        .body as LogFileContent;
    expect((await contentOf()).tailLines).toBe(200);

    const { settings } = await read();
    const answer = await save(edited(settings, 'logViewer', { defaultTailLines: 3 }));
    expect(answer.status).toBe(200);
    expect(answer.body as SettingsSaveResponse).toMatchObject({
      applied: ['logViewer'],
      rebootRequired: [],
      changedFields: ['logViewer.defaultTailLines'],
    });
    const after = await contentOf();
    expect(after.tailLines).toBe(3);
    expect(after.content.trimEnd().split('\n').length).toBeLessThanOrEqual(3);
    expect(fileSettings().logViewer?.defaultTailLines).toBe(3);
  });

  it('names a changed section that needs a restart, warns about weakened protections and audits the save', async () => {
    const { settings } = await read();
    const body = edited(edited(settings, 'engine', { maxConcurrentRuns: 7 }), 'rest', {
      securityHeaders: false,
    });
    const answer = await save(body);
    expect(answer.status).toBe(200);
    const result = answer.body as SettingsSaveResponse;
    expect([...result.rebootRequired].sort()).toEqual(['engine', 'rest']);
    expect(result.changedFields.sort()).toEqual(['engine.maxConcurrentRuns', 'rest.securityHeaders']);
    expect(result.warnings.join(' ')).toContain('rest.securityHeaders');
    expect(fileSettings().engine?.maxConcurrentRuns).toBe(7);
    const meta = (await f.admin.raw('GET', '/v1.0/settings/meta')).body as SettingsMetaResponse;
    expect(meta.pendingRebootSections.sort()).toEqual(['engine', 'rest']);
    // Not yet in force: security headers are still sent until the restart.
    const headers = (await f.admin.raw('GET', '/v1.0/settings/meta')).headers;
    expect(headers['x-content-type-options']).toBe('nosniff');

    const audit = (await f.admin.raw('GET', '/v1.0/audit?action=SettingsUpdated')).body as {
      items: { detail: Record<string, unknown>; actorName: string }[];
    };
    const event = audit.items.find((item) =>
      JSON.stringify(item.detail).includes('engine.maxConcurrentRuns'),
    );
    expect(event?.detail).toMatchObject({ rebootRequired: result.rebootRequired });
    expect(JSON.stringify(audit.items)).not.toContain(String(fileSettings().auth?.signingKey));
  });

  it('is for global administrators only', async () => {
    const before = readFileSync(settingsFile, 'utf8');
    const { settings } = await read();
    for (const client of [f.as.Administrator, f.as.Editor, f.tenantBUser]) {
      expect((await client.raw('GET', '/v1.0/settings')).status).toBe(403);
      expect((await client.raw('GET', '/v1.0/settings/meta')).status).toBe(403);
      expect((await client.raw('PUT', '/v1.0/settings', { body: settings })).status).toBe(403);
    }
    expect((await f.anonymous.raw('GET', '/v1.0/settings')).status).toBe(401);
    expect((await f.anonymous.raw('PUT', '/v1.0/settings', { body: settings })).status).toBe(401);
    expect(readFileSync(settingsFile, 'utf8')).toBe(before);
  });

  it('refuses log file names that are no .log name, and moves no log folder before a restart', async () => {
    const before = readFileSync(settingsFile, 'utf8');
    const { settings } = await read();
    const parent = dirname(f.server.dataDir);
    // The attack: the worker root at the data folder's parent and the settings file as the log.
    const refused: [string, Record<string, unknown>, string][] = [
      [
        'logViewer',
        { workerRootPath: parent, workerLogFilename: 'tempo.json' },
        'logViewer.workerLogFilename',
      ],
      ['logViewer', { workerLogFilename: 'secrets.keys' }, 'logViewer.workerLogFilename'],
      ['logViewer', { workerLogFilename: '../tempo.log' }, 'logViewer.workerLogFilename'],
      ['logging', { logFilename: 'tempo.db' }, 'logging.logFilename'],
      ['logging', { logFilename: 'logs/tempo.log' }, 'logging.logFilename'],
    ];
    for (const [section, fields, field] of refused) {
      const answer = await save(edited(settings, section, fields));
      expect(answer.status, field).toBe(400);
      expect((answer.body as { message: string }).message, field).toContain(field);
    }
    expect(readFileSync(settingsFile, 'utf8')).toBe(before);

    // A root that is a valid folder is saved, but waits for a restart, with a warning.
    writeFileSync(join(f.server.dataDir, 'tempo-worker.log'), 'beside the settings file\n');
    const moved = await save(edited(settings, 'logViewer', { workerRootPath: parent }));
    expect(moved.status).toBe(200);
    const result = moved.body as SettingsSaveResponse;
    expect(result).toMatchObject({ rebootRequired: ['logViewer'], applied: [] });
    expect(result.warnings.join(' ')).toContain('logViewer.workerRootPath');
    const meta = (await f.admin.raw('GET', '/v1.0/settings/meta')).body as SettingsMetaResponse;
    expect(meta.pendingRebootSections).toContain('logViewer');
    const sourceId = basename(f.server.dataDir);
    for (const route of ['/v1.0/logs/files', '/v1.0/logs/files/content']) {
      const answer = await f.admin.raw(
        'GET',
        `${route}?sourceKind=worker&sourceId=${sourceId}&path=tempo-worker.log`,
      );
      expect(answer.status, route).toBe(404);
    }
    // Put back, so the restart below runs with the usual root.
    expect((await save(settings)).status).toBe(200);
  });

  it('masks the password of URL settings and keeps it when the masked URL is sent back', async () => {
    const { settings } = await read();
    const otlp = 'http://otel-user:otel-secret-pw@127.0.0.1:4318/v1/traces';
    const loki = 'https://loki-user:loki-secret-pw@127.0.0.1:3100/otlp';
    expect(
      (await save(edited(settings, 'telemetry', { otlpEndpoint: otlp, lokiEndpoint: loki }))).status,
    ).toBe(200);
    const answer = await f.admin.raw('GET', '/v1.0/settings');
    expect(JSON.stringify(answer.body)).not.toContain('secret-pw');
    const masked = (answer.body as SettingsReadResponse).settings;
    expect(masked.telemetry).toMatchObject({
      otlpEndpoint: 'http://otel-user:****@127.0.0.1:4318/v1/traces',
      lokiEndpoint: 'https://loki-user:****@127.0.0.1:3100/otlp',
    });
    // Sent back masked: the stored URLs stay, nothing is reported as changed.
    const same = await save(masked);
    expect(same.status).toBe(200);
    expect((same.body as SettingsSaveResponse).changedFields).toEqual([]);
    expect(fileSettings().telemetry).toMatchObject({ otlpEndpoint: otlp, lokiEndpoint: loki });
    // Another URL is taken as sent, even with a mask in it.
    const elsewhere = 'http://otel-user:****@127.0.0.2:4318/v1/traces';
    expect((await save(edited(masked, 'telemetry', { otlpEndpoint: elsewhere }))).status).toBe(200);
    expect(fileSettings().telemetry?.otlpEndpoint).toBe(elsewhere);
    expect((await save(settings)).status).toBe(200);
  });

  it('refuses a kept database password in a save that changes where the database is', async () => {
    const { settings } = await read();
    expect((await save(edited(settings, 'database', { password: 'db-secret-pw' }))).status).toBe(200);
    const before = readFileSync(settingsFile, 'utf8');
    const masked = (await read()).settings;
    for (const fields of [
      { server: 'db.attacker.example' },
      { port: 15432 },
      { username: 'other' },
      { databaseName: 'other' },
      { type: 'Postgresql' },
    ]) {
      const answer = await save(edited(masked, 'database', { ...fields, password: '****' }));
      expect(answer.status, JSON.stringify(fields)).toBe(400);
      expect((answer.body as { message: string }).message).toContain('database.password');
    }
    expect(readFileSync(settingsFile, 'utf8')).toBe(before);
    // Unchanged target: the kept password stays.
    expect((await save(masked)).status).toBe(200);
    expect(fileSettings().database?.password).toBe('db-secret-pw');
    expect((await save(edited(settings, 'database', { password: null }))).status).toBe(200);
  });

  it('keeps what was saved across a restart', async () => {
    const secrets = secretsOf(fileSettings());
    await f.server.stop({ keepDataDir: true });
    restarted = await startServerProcess({}, f.server.dataDir);
    const admin = new TempoClient({
      baseUrl: restarted.baseUrl,
      credentials: { apiKey: TEST_ADMIN_API_KEY },
    });
    const body = (await admin.raw('GET', '/v1.0/settings')).body as SettingsReadResponse;
    expect(body.settings.engine).toMatchObject({ maxConcurrentRuns: 7 });
    expect(body.settings.logViewer).toMatchObject({ defaultTailLines: 3 });
    expect(body.pendingRebootSections).toEqual([]);
    expect(secretsOf(fileSettings())).toEqual(secrets);
    // The saved section now runs: the security headers are off.
    const headers = (await admin.raw('GET', '/v1.0/settings/meta')).headers;
    expect(headers['x-content-type-options']).toBeUndefined();
  });
});
