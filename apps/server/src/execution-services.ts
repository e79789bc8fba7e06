import { LOCAL_SERVER_WORKER_ID, type TempoSettings } from '@tempo/contracts';
import { ArtifactBlobStore, ExtractionCache, LocalArtifactPackages } from '@tempo/core/artifacts';
import type { Logger } from '@tempo/core/logging';
import { ProcessHandlerHost, serverFilePaths } from '@tempo/core/process-host';
import { createRuntimeProviders } from '@tempo/core/process-runtimes';
import type { BuiltinStepRegistry } from '@tempo/core/runtimes';
import type { Repositories } from '@tempo/core/store';
import type { Telemetry } from '@tempo/core/telemetry';
import { ArtifactService, packageLimitsOf } from './artifacts/artifact-service.ts';
import { createRunLogging } from './runs/run-logging.ts';
import { RunService } from './runs/run-service.ts';

/** What runs flows on this server: the artifact store, the process host and the run service. */
export interface ExecutionServices {
  readonly artifacts: ArtifactService;
  readonly runs: RunService;
  readonly processHost: ProcessHandlerHost;
}

/**
 * Builds the execution side of the server over its settings and database: blobs under
 * `artifacts.rootPath`, unpacked packages under the runtime cache, handler processes under the
 * process limits, and the run service with every provider of this host.
 */
export const createExecutionServices = (
  settings: TempoSettings,
  repositories: Repositories,
  builtins: BuiltinStepRegistry,
  log: Logger,
  settingsFile?: string,
  telemetry?: Telemetry,
): ExecutionServices => {
  const { externalExecution } = settings.runtimes;
  const blobs = new ArtifactBlobStore(settings.artifacts.rootPath);
  const packages = new LocalArtifactPackages(
    blobs,
    new ExtractionCache(externalExecution.cacheRoot, {
      maxConcurrentExtractions: settings.artifacts.maxConcurrentExtractions,
    }),
    packageLimitsOf(settings.artifacts),
  );
  const artifacts = new ArtifactService({ repositories, blobs, packages, settings: settings.artifacts });
  const host = new ProcessHandlerHost({
    settings: externalExecution,
    environment: process.env,
    workerId: LOCAL_SERVER_WORKER_ID,
    serverPaths: serverFilePaths(settings, settingsFile),
  });
  const runs = new RunService({
    repositories,
    providers: createRuntimeProviders({ settings, builtins, host, packages }),
    artifacts,
    log,
    maxConcurrentRuns: settings.engine.maxConcurrentRuns,
    maxConcurrentRunsPerTenant: settings.engine.maxConcurrentRunsPerTenant,
    maxRunInputBytes: settings.engine.maxRunInputBytes,
    maxRunOutputBytes: settings.engine.maxRunOutputBytes,
    runLogs: createRunLogging(settings.runLogs, repositories, log),
    ...(telemetry ? { telemetry } : {}),
  });
  return { artifacts, runs, processHost: host };
};
