import { createHash } from 'node:crypto';
import { WorkerAuthHeaders } from '@tempo/contracts';
import { ArtifactBlobStore, ExtractionCache, LocalArtifactPackages } from '@tempo/core/artifacts';
import type { PinnedArtifact } from '@tempo/core/engine';
import type { ArtifactPackageSource, OpenedArtifactPackage } from '@tempo/core/process-runtimes';
import { artifactDownloadUrlOf } from './worker-endpoint.ts';

/** Most entries a package may list: the server's own limit for uploads. */
const MAX_PACKAGE_ENTRIES = 10_000;

/** Options of {@link HttpArtifactPackages}. */
export interface HttpArtifactPackagesOptions {
  readonly serverEndpoint: string;
  readonly workerId: string;
  readonly workerToken: string;
  /** Time limit of one download, in ms (`requestTimeoutMs`). */
  readonly requestTimeoutMs: number;
  /** Largest package downloaded, in bytes (`maxArtifactBytes`). */
  readonly maxPackageBytes: number;
  /** Folder of the downloaded packages (the local blob cache). */
  readonly blobRoot: string;
  /** Folder packages are unpacked under (`runtimes.externalExecution.cacheRoot`). */
  readonly cacheRoot: string;
}

/** The attempt a download is authorised by (spec §4.6). */
export interface DownloadGrant {
  readonly runAssignmentId: string;
  readonly leaseToken: string;
  /** The server whose session issued the attempt; default the configured `serverEndpoint`. */
  readonly serverEndpoint?: string;
}

/** Why a package could not be fetched; the step fails with this message. */
export class ArtifactDownloadError extends Error {
  override readonly name = 'ArtifactDownloadError';
}

/**
 * Artifact packages fetched from the server over the worker-scoped download route, checked
 * (size cap, SHA-256) before anything uses them, kept in a local blob cache and unpacked through
 * the extraction cache. A package already cached is never downloaded again; concurrent runs
 * needing the same package share one download.
 */
export class HttpArtifactPackages {
  readonly #options: HttpArtifactPackagesOptions;
  readonly #blobs: ArtifactBlobStore;
  readonly #local: LocalArtifactPackages;
  readonly #downloads = new Map<string, Promise<void>>();

  constructor(options: HttpArtifactPackagesOptions) {
    this.#options = options;
    this.#blobs = new ArtifactBlobStore(options.blobRoot);
    this.#local = new LocalArtifactPackages(this.#blobs, new ExtractionCache(options.cacheRoot), {
      maxEntries: MAX_PACKAGE_ENTRIES,
      maxTotalBytes: options.maxPackageBytes * 4,
    });
  }

  /** The package source of one attempt: downloads are authorised by its assignment and lease. */
  forAssignment(grant: DownloadGrant): ArtifactPackageSource {
    return {
      open: async (tenantId: string, artifact: PinnedArtifact): Promise<OpenedArtifactPackage> => {
        await this.#ensureCached(tenantId, artifact.sha256, grant);
        return this.#local.open(tenantId, artifact);
      },
    };
  }

  #ensureCached(tenantId: string, sha256: string, grant: DownloadGrant): Promise<void> {
    const key = this.#blobs.storageKeyFor(tenantId, sha256);
    const running = this.#downloads.get(key);
    if (running) return running;
    const download = (async () => {
      if (await this.#blobs.exists(key)) return;
      const bytes = await this.#download(tenantId, sha256, grant);
      await this.#blobs.put(tenantId, bytes);
    })().finally(() => this.#downloads.delete(key));
    this.#downloads.set(key, download);
    return download;
  }

  async #download(tenantId: string, sha256: string, grant: DownloadGrant): Promise<Buffer> {
    const { serverEndpoint, workerId, workerToken, requestTimeoutMs, maxPackageBytes } = this.#options;
    const what = `Artifact package ${sha256}`;
    let response: Response;
    const signal = AbortSignal.timeout(requestTimeoutMs);
    try {
      response = await fetch(
        artifactDownloadUrlOf(grant.serverEndpoint ?? serverEndpoint, tenantId, sha256, grant),
        {
          headers: { [WorkerAuthHeaders.workerId]: workerId, [WorkerAuthHeaders.workerToken]: workerToken },
          signal,
          redirect: 'error',
        },
      );
    } catch (error) {
      throw new ArtifactDownloadError(
        `${what} could not be downloaded from the server: ${(error as Error).message}`,
      );
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      const missing =
        response.status === 404 ? ' (the server does not have it, or this attempt may not read it)' : '';
      throw new ArtifactDownloadError(
        `${what} could not be downloaded: the server answered ${response.status}${missing}.`,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxPackageBytes) {
      await response.body?.cancel();
      throw new ArtifactDownloadError(
        `${what} is ${declared} bytes, more than maxArtifactBytes (${maxPackageBytes}).`,
      );
    }
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      for await (const chunk of response.body ?? []) {
        const bytes = Buffer.from(chunk as Uint8Array);
        received += bytes.length;
        // Counted as it arrives: a server that sends more than it declared is cut off here.
        if (received > maxPackageBytes) {
          await response.body?.cancel().catch(() => undefined);
          throw new ArtifactDownloadError(`${what} is larger than maxArtifactBytes (${maxPackageBytes}).`);
        }
        hash.update(bytes);
        chunks.push(bytes);
      }
    } catch (error) {
      if (error instanceof ArtifactDownloadError) throw error;
      throw new ArtifactDownloadError(`${what} download was cut short: ${(error as Error).message}`);
    }
    const actual = hash.digest('hex');
    if (actual !== sha256)
      throw new ArtifactDownloadError(
        `${what} download does not match its SHA-256 (got ${actual}); it was not used.`,
      );
    return Buffer.concat(chunks);
  }
}
