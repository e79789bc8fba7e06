import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoSettings, WorkerSettings } from '@tempo/contracts';
import { resolveSettingsPaths } from '@tempo/core/settings';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './flags.ts';
import { localWorkerFolder, localWorkerGraceMs, localWorkerSettings } from './local-worker-settings.ts';
import { loadLocalWorkerTemplate } from './local-worker-template.ts';

const root = mkdtempSync(join(tmpdir(), 'tempo-worker-template-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const fileWith = (name: string, text: string): string => {
  const file = join(root, name);
  writeFileSync(file, text);
  return file;
};

const DATA = '/srv/tempo-data';
const server = resolveSettingsPaths(
  TempoSettings.parse({
    auth: { adminApiKey: 'a-random-key' },
    engine: { maxConcurrentRuns: 6, shutdownGracePeriodMs: 9000 },
    telemetry: { prometheusEnabled: true },
  }),
  DATA,
);

describe('the --worker-settings file', () => {
  it('is read with the worker schema, keys in any case, without a token', () => {
    const file = fileWith(
      'tempo.worker.json',
      JSON.stringify({ Labels: ['gpu'], MaxConcurrentRuns: 5000, shutdownGraceMs: 1000 }),
    );
    const template = loadLocalWorkerTemplate(file);
    expect(template.file).toBe(file);
    // Clamped as the worker itself clamps it.
    expect(template.settings).toMatchObject({ labels: ['gpu'], maxConcurrentRuns: 1024, workerToken: '' });
  });

  it.each([
    ['absent.json', null, /absent\.json: the worker settings file does not exist/],
    ['broken.json', '{ labels: ', /broken\.json: cannot be read as JSON/],
    ['list.json', '[]', /list\.json: must hold a JSON object/],
    ['unknown.json', '{"labelz": []}', /unknown\.json: labelz is not a known setting/],
    ['wrong.json', '{"maxConcurrentRuns": "two"}', /wrong\.json: maxConcurrentRuns /],
  ])('refuses %s with a usage error naming the file and the field', (name, text, message) => {
    const file = text === null ? join(root, name) : fileWith(name, text);
    expect(() => loadLocalWorkerTemplate(file)).toThrow(UsageError);
    expect(() => loadLocalWorkerTemplate(file)).toThrow(message);
  });
});

describe('a local worker started from a template', () => {
  const template = loadLocalWorkerTemplate(
    fileWith(
      'compose.worker.json',
      JSON.stringify({
        serverEndpoint: 'http://tempo-server:8901',
        workerId: 'wrk_docker',
        workerToken: 'key_from_file',
        name: 'tempo-worker',
        maxConcurrentRuns: 2,
        maxTaskTimeoutMs: 240000,
        shutdownGraceMs: 4000,
        labels: ['topology'],
        logging: { logDirectory: '/var/lib/tempo-worker/logs', consoleLogging: true },
        runLogs: { rootPath: '/var/lib/tempo/run-logs' },
        runtimes: {
          externalExecution: {
            scratchRoot: '/var/lib/tempo-worker/scratch',
            hiddenHostPaths: ['/opt/secret'],
          },
          outboundRest: { allowedTargets: ['127.0.0.1'] },
        },
        telemetry: { prometheusEnabled: true, serviceName: 'tempo-topology' },
      }),
    ),
  ).settings;
  const folder = localWorkerFolder(DATA, 'wrk_local_3');
  const built = WorkerSettings.parse(
    localWorkerSettings({
      server,
      serverSettingsFile: join(DATA, 'tempo.json'),
      serverEndpoint: 'http://127.0.0.1:8901',
      workerId: 'wrk_local_3',
      workerToken: 'key_issued',
      folder,
      template,
    }),
  );

  it("takes the template's labels, limits, runtimes and telemetry", () => {
    expect(built).toMatchObject({
      maxConcurrentRuns: 2,
      maxTaskTimeoutMs: 240000,
      shutdownGraceMs: 4000,
      labels: ['topology'],
      runtimes: { outboundRest: { allowedTargets: ['127.0.0.1'] } },
      telemetry: { serviceName: 'tempo-topology' },
    });
    expect(localWorkerGraceMs(server, template)).toBe(4000);
    expect(localWorkerGraceMs(server, undefined)).toBe(9000);
  });

  it('gets its id, token, server, folders and run logs from up, and exposes no Prometheus port', () => {
    expect(built).toMatchObject({
      serverEndpoint: 'http://127.0.0.1:8901',
      serverEndpoints: [],
      workerId: 'wrk_local_3',
      workerToken: 'key_issued',
      name: 'wrk_local_3',
      logging: {
        consoleLogging: false,
        fileLogging: true,
        logDirectory: join(server.logViewer.workerRootPath, 'wrk_local_3'),
        logFilename: server.logViewer.workerLogFilename,
      },
      runLogs: { rootPath: server.runLogs.rootPath },
      telemetry: { prometheusEnabled: false },
    });
    expect(built.runtimes.externalExecution.scratchRoot).toBe(join(folder, 'scratch'));
    expect(built.runtimes.externalExecution.cacheRoot).toBe(join(folder, 'cache'));
  });

  it("hides the server's files besides the template's hidden paths", () => {
    const hidden = built.runtimes.externalExecution.hiddenHostPaths;
    for (const path of [
      '/opt/secret',
      join(DATA, 'tempo.json'),
      server.secrets.keyFile,
      join(DATA, 'tempo.db'),
    ])
      expect(hidden).toContain(path);
  });
});
