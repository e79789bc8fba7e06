import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkerSettings } from '@tempo/contracts';
import { advertisedCapabilities } from '@tempo/core/execution-plan';
import type { Logger } from '@tempo/core/logging';
import { ProcessHandlerHost } from '@tempo/core/process-host';
import { createRuntimeProviders } from '@tempo/core/process-runtimes';
import { RunLogWriter } from '@tempo/core/run-logs';
import { probeRuntimeCatalog } from '@tempo/core/runtimes';
import { instrumentProviders, startTelemetry } from '@tempo/core/telemetry';
import { HttpArtifactPackages } from './http-artifact-packages.ts';
import { WorkerDaemon } from './worker-daemon.ts';

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  readonly settings: WorkerSettings;
  readonly settingsFile: string;
  readonly log: Logger;
  readonly version: string;
  /** Environment handler processes draw their allowed variables from; default the process's. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/**
 * The worker's own files, hidden from namespaced handler calls like the server's are: the
 * settings file holds the worker token.
 */
const workerFilePaths = (settings: WorkerSettings, settingsFile: string): string[] => {
  const { logging, runLogs, runtimes } = settings;
  return [
    settingsFile,
    logging.logDirectory,
    runLogs.rootPath,
    runtimes.externalExecution.cacheRoot,
    runtimes.externalExecution.scratchRoot,
    ...runtimes.externalExecution.hiddenHostPaths,
  ].map((path) => resolve(path));
};

/**
 * Builds a worker over its settings (runtime catalog probed, capabilities derived, handler host,
 * artifact downloads into `{cacheRoot}/blobs`, telemetry from its `telemetry` section, stopped
 * with the daemon) and opens its first session.
 */
export const startWorker = async (options: StartWorkerOptions): Promise<WorkerDaemon> => {
  const { settings, log } = options;
  const { externalExecution } = settings.runtimes;
  const catalog = await probeRuntimeCatalog(settings);
  const capabilities = advertisedCapabilities(catalog);
  log.info(
    { capabilities: capabilities.map((capability) => capability.runtimeKey) },
    'runtime catalog probed',
  );
  const host = new ProcessHandlerHost({
    settings: externalExecution,
    environment: options.environment ?? process.env,
    workerId: settings.workerId,
    serverPaths: workerFilePaths(settings, options.settingsFile),
  });
  const leftovers = await host.clearLeftovers();
  log.info({ leftovers }, 'handler leftovers of an earlier worker cleared');
  const packages = new HttpArtifactPackages({
    serverEndpoint: settings.serverEndpoint,
    workerId: settings.workerId,
    workerToken: settings.workerToken,
    requestTimeoutMs: settings.requestTimeoutMs,
    maxPackageBytes: settings.maxArtifactBytes,
    // Beside the unpacked packages, which live under `{cacheRoot}/packages`.
    blobRoot: join(externalExecution.cacheRoot, 'blobs'),
    cacheRoot: externalExecution.cacheRoot,
  });
  const { runLogs } = settings;
  // Every run and step of this worker is traced and measured like the server's (spec §3.1).
  const telemetry = await startTelemetry({
    settings: settings.telemetry,
    component: 'worker',
    version: options.version,
    log,
  });
  const daemon = new WorkerDaemon({
    settings,
    log,
    // Retention stays with the server, which knows when a run completed.
    runLogs: runLogs.enabled
      ? new RunLogWriter({ rootPath: runLogs.rootPath, maxBytesPerRun: runLogs.maxBytesPerRun, log })
      : null,
    capabilities,
    version: options.version,
    hostName: hostname(),
    providersFor: (grant) =>
      instrumentProviders(
        createRuntimeProviders({ settings, host, packages: packages.forAssignment(grant) }),
        telemetry,
      ),
    telemetry,
    handlerHost: host,
  });
  daemon.start();
  return daemon;
};
