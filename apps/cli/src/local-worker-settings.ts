import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempoSettings, WorkerSettings, WorkerSettingsInput } from '@tempo/contracts';
import { serverFilePaths } from '@tempo/core/process-host';

/** The folder of the data folder that holds one folder per local worker. */
export const LOCAL_WORKERS_FOLDER = 'workers';

/** The settings file of a local worker, in its folder. */
export const LOCAL_WORKER_SETTINGS_FILENAME = 'tempo.worker.json';

/** The ids of `count` local workers: `wrk_local_1` to `wrk_local_<count>`. */
export const localWorkerIds = (count: number): readonly string[] =>
  Array.from({ length: count }, (_, index) => `wrk_local_${index + 1}`);

/** Where one local worker keeps its files: `<data folder>/workers/<workerId>`. */
export const localWorkerFolder = (dataDir: string, workerId: string): string =>
  join(dataDir, LOCAL_WORKERS_FOLDER, workerId);

/** What {@link localWorkerSettings} builds one worker's settings from. */
export interface LocalWorkerSettingsOptions {
  /** The server's running settings, every path absolute. */
  readonly server: TempoSettings;
  /** The server's settings file, hidden from the worker's handlers like the server's own files. */
  readonly serverSettingsFile: string;
  /** Base URL the worker reaches the server at (loopback). */
  readonly serverEndpoint: string;
  readonly workerId: string;
  readonly workerToken: string;
  /** The worker's own folder ({@link localWorkerFolder}): scratch and cache go below it. */
  readonly folder: string;
  /**
   * The `--worker-settings` file every local worker starts from ({@link loadLocalWorkerTemplate});
   * without one a worker is shaped after the server's pseudo-worker.
   */
  readonly template?: WorkerSettings | undefined;
}

/** What a local worker takes from the server's settings when no `--worker-settings` file is given. */
const shapedAfterServer = (server: TempoSettings): WorkerSettingsInput => ({
  kind: 'Worker',
  maxConcurrentRuns: server.engine.maxConcurrentRuns,
  maxTaskTimeoutMs: 0,
  maxArtifactBytes: server.artifacts.maxUploadBytes,
  shutdownGraceMs: server.engine.shutdownGracePeriodMs,
  labels: [],
  runtimes: server.runtimes,
  telemetry: { ...server.telemetry, serviceName: null },
});

/** How long `up` lets a local worker finish its runs on stop, in ms, before it is cancelled. */
export const localWorkerGraceMs = (server: TempoSettings, template: WorkerSettings | undefined): number =>
  template?.shutdownGraceMs ?? server.engine.shutdownGracePeriodMs;

/**
 * The `tempo.worker.json` of a local worker. Without a template it behaves like the server's
 * pseudo-worker would (same concurrency, runtimes and grace period); with one it takes the
 * template's labels, limits, runtimes and telemetry. Either way `up` sets what is per worker and
 * local (`PER_WORKER_FIELDS`): it logs where the server's log viewer looks
 * (`logViewer.workerRootPath/<workerId>/`), writes run logs where the server reads them, and works
 * in its own folder. Its handlers are kept away from the server's files too, since they share the
 * machine and the data folder: the worker hides its own files, and the server's are added to
 * `hiddenHostPaths`.
 */
export const localWorkerSettings = (options: LocalWorkerSettingsOptions): WorkerSettingsInput => {
  const { server, workerId, folder, template } = options;
  const shared = template ?? shapedAfterServer(server);
  const externalExecution = template?.runtimes.externalExecution ?? server.runtimes.externalExecution;
  const hidden = new Set([
    ...externalExecution.hiddenHostPaths,
    ...serverFilePaths(server, options.serverSettingsFile),
  ]);
  return {
    ...shared,
    serverEndpoint: options.serverEndpoint,
    serverEndpoints: [],
    workerId,
    workerToken: options.workerToken,
    name: workerId,
    logging: {
      // `up` prints the worker's failures itself; its log lines belong in the log viewer.
      consoleLogging: false,
      fileLogging: true,
      logDirectory: join(server.logViewer.workerRootPath, workerId),
      logFilename: server.logViewer.workerLogFilename,
    },
    runLogs: server.runLogs,
    runtimes: {
      ...shared.runtimes,
      externalExecution: {
        ...externalExecution,
        scratchRoot: join(folder, 'scratch'),
        cacheRoot: join(folder, 'cache'),
        hiddenHostPaths: [...hidden],
      },
    },
    // One Prometheus port cannot serve N workers and the server; OTLP export stays as configured.
    telemetry: { ...shared.telemetry, prometheusEnabled: false },
  };
};

/**
 * Writes a worker's settings file owner-only (0600: it holds the token), through a new file
 * renamed into place so a worker never reads half of it. Returns the file's path.
 */
export const writeLocalWorkerSettings = (folder: string, settings: WorkerSettingsInput): string => {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = join(folder, LOCAL_WORKER_SETTINGS_FILENAME);
  const pending = `${file}.${process.pid}.tmp`;
  writeFileSync(pending, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  // The mode of `writeFileSync` applies to new files only; an older pending file keeps its own.
  chmodSync(pending, 0o600);
  renameSync(pending, file);
  return file;
};
