import { WORKER_CONNECT_PATH, type WorkerArtifactDownloadQuery } from '@tempo/contracts';

/**
 * The WebSocket URL of a server endpoint (spec §4.1): `ws://` for `http://`, `wss://` for
 * `https://`, the path always `/v1.0/workers/connect` whatever the endpoint's own path.
 */
export const connectUrlOf = (serverEndpoint: string): string => {
  const url = new URL(serverEndpoint);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = WORKER_CONNECT_PATH;
  url.search = '';
  url.hash = '';
  return url.toString();
};

/** Where a worker downloads a pinned package of its assignment (spec §4.6). */
export const artifactDownloadUrlOf = (
  serverEndpoint: string,
  tenantId: string,
  sha256: string,
  assignment: WorkerArtifactDownloadQuery,
): string => {
  const url = new URL(serverEndpoint);
  url.pathname = `/v1.0/workers/artifacts/${encodeURIComponent(tenantId)}/blobs/${encodeURIComponent(sha256)}/download`;
  const query: WorkerArtifactDownloadQuery = {
    runAssignmentId: assignment.runAssignmentId,
    leaseToken: assignment.leaseToken,
  };
  url.search = new URLSearchParams(query).toString();
  url.hash = '';
  return url.toString();
};
