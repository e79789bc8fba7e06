import type { TempoSettings } from '@tempo/contracts';
import { ArtifactBlobStore } from '@tempo/core/artifacts';
import type { Logger } from '@tempo/core/logging';
import type { Repositories } from '@tempo/core/store';
import { WorkerAdmin } from './worker-admin.ts';
import { WorkerSessions } from './worker-sessions.ts';

/** The server side of workers: live sessions, the registry, and the package store they fetch from. */
export interface WorkerServices {
  /** Live WebSocket sessions; the dispatch coordinator's seam (see {@link WorkerSessions}). */
  readonly sessions: WorkerSessions;
  /** The registry behind the admin routes, and worker authentication. */
  readonly admin: WorkerAdmin;
  /** Artifact package blobs, for the worker-scoped download. */
  readonly blobs: ArtifactBlobStore;
}

/** What {@link createWorkerServices} is given. */
export interface WorkerServicesOptions {
  readonly settings: TempoSettings;
  readonly repositories: Repositories;
  readonly log: Logger;
  readonly version: string;
}

/** Builds the worker services; nothing runs until `sessions.start()` and the endpoint is attached. */
export const createWorkerServices = (options: WorkerServicesOptions): WorkerServices => {
  const { settings, repositories, log } = options;
  const sessions = new WorkerSessions({ repositories, engine: settings.engine, log });
  const admin = new WorkerAdmin({ repositories, sessions, settings, log, version: options.version });
  return { sessions, admin, blobs: new ArtifactBlobStore(settings.artifacts.rootPath) };
};
