import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempoSettings, WorkerSettingsInput } from '@tempo/contracts';
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
}

/**
 * The `tempo.worker.json` of a local worker: it behaves like the server's pseudo-worker would
 * (same concurrency, runtimes, run-log folder and grace period) and logs where the server's log
 * viewer looks (`logViewer.workerRootPath/<workerId>/`). Its handlers are kept away from the
 * server's files too, since they share the machine and the data folder: the worker hides its own
 * files, and the server's are added to `hiddenHostPaths`.
 */
export const localWorkerSettings = (options: LocalWorkerSettingsOptions): WorkerSettingsInput => {
  const { server, workerId, folder } = options;
  const { externalExecution } = server.runtimes;
  const hidden = new Set([
    ...externalExecution.hiddenHostPaths,
    ...serverFilePaths(server, options.serverSettingsFile),
  ]);
  return {
    serverEndpoint: options.serverEndpoint,
    workerId,
    workerToken: options.workerToken,
    name: workerId,
    kind: 'Worker',
    maxConcurrentRuns: server.engine.maxConcurrentRuns,
    maxTaskTimeoutMs: 0,
    maxArtifactBytes: server.artifacts.maxUploadBytes,
    shutdownGraceMs: server.engine.shutdownGracePeriodMs,
    labels: [],
    logging: {
      // `up` prints the worker's failures itself; its log lines belong in the log viewer.
      consoleLogging: false,
      fileLogging: true,
      logDirectory: join(server.logViewer.workerRootPath, workerId),
      logFilename: server.logViewer.workerLogFilename,
    },
    runLogs: server.runLogs,
    runtimes: {
      ...server.runtimes,
      externalExecution: {
        ...externalExecution,
        scratchRoot: join(folder, 'scratch'),
        cacheRoot: join(folder, 'cache'),
        hiddenHostPaths: [...hidden],
      },
    },
    // One Prometheus port cannot serve N workers and the server; OTLP export stays as configured.
    telemetry: { ...server.telemetry, serviceName: null, prometheusEnabled: false },
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
