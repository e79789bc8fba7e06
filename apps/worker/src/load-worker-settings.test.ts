import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsError } from '@tempo/core/settings';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWorkerSettings, workerSettingsPathOf } from './load-worker-settings.ts';

const dir = mkdtempSync(join(tmpdir(), 'tempo-worker-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileWith = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('loadWorkerSettings', () => {
  it('reads the file with keys in any case, defaults for the rest, paths from the file folder', () => {
    const file = fileWith('case.json', {
      WorkerToken: 'key_abc',
      ServerEndpoint: 'https://tempo.example:8443/',
      Labels: ['gpu'],
      Logging: { LogDirectory: 'logs' },
      runtimes: { outboundRest: { allowedTargets: ['127.0.0.1'] } },
    });
    const { settings, filePath } = loadWorkerSettings({ configFlag: file, env: {} });
    expect(filePath).toBe(file);
    expect(settings).toMatchObject({
      workerToken: 'key_abc',
      serverEndpoint: 'https://tempo.example:8443',
      workerId: 'wrk_worker_1',
      name: hostname(),
      kind: 'Worker',
      maxConcurrentRuns: 1,
      maxTaskTimeoutMs: 0,
      reconnectDelayMs: 5000,
      requestTimeoutMs: 30_000,
      labels: ['gpu'],
    });
    expect(settings.logging.logDirectory).toBe(join(dir, 'logs'));
    expect(settings.logging.logFilename).toBe('tempo-worker.log');
    expect(settings.runtimes.outboundRest.allowedTargets).toEqual(['127.0.0.1']);
    expect(settings.runLogs.retentionDays).toBe(7);
  });

  it('lets TEMPO_WORKER_* variables override the file, labels comma-separated and trimmed', () => {
    const file = fileWith('env.json', { workerToken: 'from-file', workerId: 'wrk_file', labels: ['x'] });
    const { settings } = loadWorkerSettings({
      configFlag: file,
      env: {
        TEMPO_WORKER_TOKEN: 'from-env',
        TEMPO_WORKER_ID: 'wrk_env',
        TEMPO_WORKER_NAME: 'env name',
        TEMPO_WORKER_SERVER_ENDPOINT: 'http://10.0.0.5:8901/',
        TEMPO_WORKER_SERVER_ENDPOINTS: ' http://10.0.0.6:8901/ ,https://10.0.0.7 ',
        TEMPO_WORKER_MAX_CONCURRENT_RUNS: '3',
        TEMPO_WORKER_MAX_TASK_TIMEOUT_MS: '240000',
        TEMPO_WORKER_REQUEST_TIMEOUT_MS: '5000',
        TEMPO_WORKER_LABELS: ' gpu , default ,,',
        TEMPO_WORKER_LOG_DIRECTORY: '/var/log/tempo-worker',
        TEMPO_WORKER_LOG_FILENAME: 'w.log',
        TEMPO_RUN_LOG_ENABLED: 'false',
        TEMPO_RUN_LOG_ROOT: '/var/lib/tempo/run-logs',
      },
    });
    expect(settings).toMatchObject({
      workerToken: 'from-env',
      workerId: 'wrk_env',
      name: 'env name',
      serverEndpoint: 'http://10.0.0.5:8901',
      serverEndpoints: ['http://10.0.0.6:8901', 'https://10.0.0.7'],
      maxConcurrentRuns: 3,
      maxTaskTimeoutMs: 240_000,
      requestTimeoutMs: 5000,
      labels: ['gpu', 'default'],
      logging: { logDirectory: '/var/log/tempo-worker', logFilename: 'w.log' },
      runLogs: { enabled: false, rootPath: '/var/lib/tempo/run-logs' },
    });
  });

  it('clamps out-of-range numbers and says so', () => {
    const file = fileWith('clamp.json', {
      workerToken: 't',
      maxConcurrentRuns: 0,
      maxTaskTimeoutMs: -5,
      reconnectDelayMs: 10,
      requestTimeoutMs: 10_000_000,
    });
    const { settings, warnings } = loadWorkerSettings({
      configFlag: file,
      env: { TEMPO_WORKER_MAX_CONCURRENT_RUNS: '5000' },
    });
    expect(settings).toMatchObject({
      maxConcurrentRuns: 1024,
      maxTaskTimeoutMs: 0,
      reconnectDelayMs: 1000,
      requestTimeoutMs: 600_000,
    });
    expect(warnings).toContain('maxConcurrentRuns 5000 is out of range; using 1024');
    expect(warnings).toContain('reconnectDelayMs 10 is out of range; using 1000');
  });

  it('refuses to start without a token, naming the file and how to get one', () => {
    const file = fileWith('no-token.json', { workerId: 'wrk_a' });
    expect(() => loadWorkerSettings({ configFlag: file, env: {} })).toThrow(SettingsError);
    expect(() => loadWorkerSettings({ configFlag: file, env: { TEMPO_WORKER_TOKEN: '  ' } })).toThrow(
      /workerToken is required.*TEMPO_WORKER_TOKEN.*\/v1\.0\/workers\/wrk_a\/rotate-token/,
    );
    // The default file missing means defaults, and then the token is still missing.
    expect(() => loadWorkerSettings({ env: {}, cwd: join(dir, 'nowhere') })).toThrow(
      /workerToken is required/,
    );
  });

  it('refuses a named file that is missing, bad JSON, unknown keys and bad values with the source', () => {
    expect(() => loadWorkerSettings({ configFlag: join(dir, 'missing.json'), env: {} })).toThrow(
      /does not exist/,
    );
    const bad = fileWith('bad.json', '{ nope');
    expect(() => loadWorkerSettings({ configFlag: bad, env: {} })).toThrow(/cannot be read as JSON/);
    const unknown = fileWith('unknown.json', { workerToken: 't', colour: 'blue' });
    expect(() => loadWorkerSettings({ configFlag: unknown, env: {} })).toThrow(
      /colour is not a known setting/,
    );
    const endpoint = fileWith('endpoint.json', { workerToken: 't' });
    expect(() =>
      loadWorkerSettings({ configFlag: endpoint, env: { TEMPO_WORKER_SERVER_ENDPOINT: 'ftp://x' } }),
    ).toThrow(/^TEMPO_WORKER_SERVER_ENDPOINT: serverEndpoint must be an http/);
    expect(() =>
      loadWorkerSettings({ configFlag: endpoint, env: { TEMPO_WORKER_MAX_CONCURRENT_RUNS: 'many' } }),
    ).toThrow(/TEMPO_WORKER_MAX_CONCURRENT_RUNS: "many" is not a whole number/);
  });
});

describe('workerSettingsPathOf', () => {
  it('takes --config, else TEMPO_WORKER_SETTINGS_FILE, else ./tempo.worker.json', () => {
    expect(workerSettingsPathOf('a.json', { TEMPO_WORKER_SETTINGS_FILE: 'b.json' }, '/srv')).toEqual({
      path: '/srv/a.json',
      explicit: true,
    });
    expect(workerSettingsPathOf(undefined, { TEMPO_WORKER_SETTINGS_FILE: '/etc/w.json' }, '/srv')).toEqual({
      path: '/etc/w.json',
      explicit: true,
    });
    expect(workerSettingsPathOf(undefined, {}, '/srv')).toEqual({
      path: '/srv/tempo.worker.json',
      explicit: false,
    });
  });
});
