/** The execution-plane worker: settings, the protocol session and its start-up. */
export { type AssignmentContext, assignmentRejection } from './assignment-check.ts';
export { MAX_RECONNECT_DELAY_MS, reconnectDelayMs } from './backoff.ts';
export {
  ArtifactDownloadError,
  type DownloadGrant,
  HttpArtifactPackages,
  type HttpArtifactPackagesOptions,
} from './http-artifact-packages.ts';
export {
  DEFAULT_WORKER_SETTINGS_FILE,
  type LoadedWorkerSettings,
  type LoadWorkerSettingsOptions,
  loadWorkerSettings,
  WORKER_ENV_NAMES,
  workerSettingsPathOf,
} from './load-worker-settings.ts';
export { type StartWorkerOptions, startWorker } from './start-worker.ts';
export {
  MIN_HEARTBEAT_INTERVAL_MS,
  WorkerDaemon,
  type WorkerDaemonOptions,
  type WorkerState,
} from './worker-daemon.ts';
export { artifactDownloadUrlOf, connectUrlOf } from './worker-endpoint.ts';
