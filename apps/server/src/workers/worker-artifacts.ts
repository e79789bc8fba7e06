import type { ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ArtifactBlobStore } from '@tempo/core/artifacts';
import type { Repositories } from '@tempo/core/store';
import { pinnedPackagesOf } from './snapshot-pins.ts';
import type { WorkerAdmin } from './worker-admin.ts';
import { WorkerErrors } from './worker-errors.ts';
import { sameSecret } from './worker-tokens.ts';

/** What a worker sends to fetch a package (spec §4.6). */
export interface WorkerDownloadRequest {
  readonly workerId: string;
  readonly workerToken: string;
  readonly tenantId: string;
  /** Lowercase hex SHA-256. */
  readonly sha256: string;
  readonly runAssignmentId: string;
  readonly leaseToken: string;
}

/** An authorized package, ready to stream. */
export interface WorkerDownload {
  readonly sha256: string;
  readonly byteLength: number;
  readonly stream: ReadStream;
}

/** What {@link openWorkerDownload} works over. */
export interface WorkerDownloadDependencies {
  readonly repositories: Repositories;
  readonly blobs: ArtifactBlobStore;
  readonly workers: WorkerAdmin;
}

/**
 * Opens a package for a worker, authorized exactly as spec §4.6 says: the worker's token checks
 * out (401 otherwise); the assignment exists, is this worker's, carries this lease token and is
 * still open; its run belongs to `tenantId`; and the run's snapshot pins this hash (403 for any
 * of those, so the answer tells nothing about other tenants' runs). A missing blob is a 404.
 */
export const openWorkerDownload = async (
  deps: WorkerDownloadDependencies,
  request: WorkerDownloadRequest,
): Promise<WorkerDownload> => {
  const worker = await deps.workers.authenticate(request.workerId, request.workerToken);
  if (!worker) throw WorkerErrors.unauthenticated();
  const assignment = await deps.repositories.runAssignments.get(request.runAssignmentId);
  const isOpen =
    assignment !== null &&
    assignment.workerId === worker.id &&
    assignment.state === 'Assigned' &&
    assignment.completedUtc === null &&
    sameSecret(assignment.leaseToken, request.leaseToken);
  if (!isOpen) throw WorkerErrors.downloadRefused();
  const run = await deps.repositories.flowRuns.inTenant(request.tenantId).get(assignment.flowRunId);
  if (!run || !pinnedPackagesOf(run.executionSnapshotJson).has(request.sha256))
    throw WorkerErrors.downloadRefused();
  const version = await deps.repositories.artifactVersions
    .inTenant(request.tenantId)
    .findOne({ sha256: request.sha256 });
  const storageKey = version?.storageKey ?? deps.blobs.storageKeyFor(request.tenantId, request.sha256);
  // Opened before the answer starts, so a missing file is a 404 and not a cut-off 200.
  const handle = await open(deps.blobs.pathOf(storageKey), 'r').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw WorkerErrors.blobMissing(request.sha256);
    throw error;
  });
  const byteLength = await handle.stat().then(
    (stats) => stats.size,
    async (error: unknown) => {
      await handle.close();
      throw error;
    },
  );
  // The stream closes the handle when it ends or is destroyed.
  const stream = handle.createReadStream();
  return { sha256: request.sha256, byteLength, stream };
};
