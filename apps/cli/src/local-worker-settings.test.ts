import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoSettings, WorkerSettings } from '@tempo/contracts';
import { resolveSettingsPaths } from '@tempo/core/settings';
import { afterEach, describe, expect, it } from 'vitest';
import {
  localWorkerFolder,
  localWorkerIds,
  localWorkerSettings,
  writeLocalWorkerSettings,
} from './local-worker-settings.ts';
import { loopbackEndpoint, withoutServerExecution } from './local-workers.ts';

const DATA = '/srv/tempo-data';
const server = resolveSettingsPaths(
  TempoSettings.parse({
    auth: { adminApiKey: 'a-random-key' },
    engine: { maxConcurrentRuns: 6, shutdownGracePeriodMs: 9000 },
    telemetry: { prometheusEnabled: true },
  }),
  DATA,
);
const folder = localWorkerFolder(DATA, 'wrk_local_2');
const built = localWorkerSettings({
  server,
  serverSettingsFile: join(DATA, 'tempo.json'),
  serverEndpoint: 'http://127.0.0.1:8901',
  workerId: 'wrk_local_2',
  workerToken: 'key_abc',
  folder,
});

const folders: string[] = [];
afterEach(() => {
  for (const path of folders.splice(0)) rmSync(path, { recursive: true, force: true });
});

describe('local worker settings', () => {
  it('numbers the workers wrk_local_1..N and keeps each in workers/<id>', () => {
    expect(localWorkerIds(3)).toEqual(['wrk_local_1', 'wrk_local_2', 'wrk_local_3']);
    expect(folder).toBe(join(DATA, 'workers', 'wrk_local_2'));
  });

  it('is a valid tempo.worker.json that logs where the log viewer looks and works in its own folder', () => {
    const parsed = WorkerSettings.parse(built);
    expect(parsed).toMatchObject({
      workerId: 'wrk_local_2',
      workerToken: 'key_abc',
      maxConcurrentRuns: 6,
      shutdownGraceMs: 9000,
      logging: {
        consoleLogging: false,
        fileLogging: true,
        logDirectory: join(server.logViewer.workerRootPath, 'wrk_local_2'),
        logFilename: server.logViewer.workerLogFilename,
      },
      runLogs: { rootPath: server.runLogs.rootPath },
      telemetry: { prometheusEnabled: false },
    });
    expect(parsed.runtimes.externalExecution.scratchRoot).toBe(join(folder, 'scratch'));
    expect(parsed.runtimes.externalExecution.cacheRoot).toBe(join(folder, 'cache'));
  });

  it("hides the server's files from the worker's handlers, besides the host paths already hidden", () => {
    const hidden = built.runtimes?.externalExecution?.hiddenHostPaths ?? [];
    for (const path of [
      join(DATA, 'tempo.json'),
      server.secrets.keyFile,
      server.artifacts.rootPath,
      join(DATA, 'tempo.db'),
      ...server.runtimes.externalExecution.hiddenHostPaths,
    ])
      expect(hidden).toContain(path);
    expect(new Set(hidden).size).toBe(hidden.length);
  });

  it('is written owner-only, replacing an older file', () => {
    const root = mkdtempSync(join(tmpdir(), 'tempo-local-worker-'));
    folders.push(root);
    const target = join(root, 'wrk_local_1');
    writeLocalWorkerSettings(target, { ...built, workerToken: 'key_old' });
    const file = writeLocalWorkerSettings(target, built);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).workerToken).toBe('key_abc');
  });
});

describe('the server of an up --workers start', () => {
  it('runs no flows itself, and refuses a blank administrator key', () => {
    expect(withoutServerExecution(server, 'tempo.json').engine.serverCanExecuteWorkload).toBe(false);
    const keyless = { ...server, auth: { ...server.auth, adminApiKey: '' } };
    expect(() => withoutServerExecution(keyless, 'tempo.json')).toThrow(/auth\.adminApiKey is blank/);
  });

  it('is reached on loopback when it listens on every interface', () => {
    expect(loopbackEndpoint('0.0.0.0', 8901)).toBe('http://127.0.0.1:8901');
    expect(loopbackEndpoint('::', 8901)).toBe('http://[::1]:8901');
    expect(loopbackEndpoint('127.0.0.1', 9000)).toBe('http://127.0.0.1:9000');
  });
});
