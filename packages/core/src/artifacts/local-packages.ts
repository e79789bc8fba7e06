import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactManifest } from '@tempo/contracts';
import type { PinnedArtifact } from '../engine/runtime-provider.ts';
import type { ArtifactPackageSource, OpenedArtifactPackage } from '../process-runtimes/index.ts';
import type { ArtifactBlobStore } from './blob-store.ts';
import type { ExtractionCache } from './extraction-cache.ts';
import { parseArtifactManifest } from './manifest.ts';
import { tenantSegment } from './storage-paths.ts';
import type { PackageLimits } from './zip-package.ts';

/**
 * Opens pinned packages from this machine's blob store through the extraction cache: what the
 * server's pseudo-worker runs. Manifests are read once per unpacked folder.
 */
export class LocalArtifactPackages implements ArtifactPackageSource {
  readonly #blobs: ArtifactBlobStore;
  readonly #cache: ExtractionCache;
  readonly #limits: PackageLimits;
  readonly #manifests = new Map<string, ArtifactManifest>();

  constructor(blobs: ArtifactBlobStore, cache: ExtractionCache, limits: PackageLimits) {
    this.#blobs = blobs;
    this.#cache = cache;
    this.#limits = limits;
  }

  async open(tenantId: string, artifact: PinnedArtifact): Promise<OpenedArtifactPackage> {
    const storageKey = this.#blobs.storageKeyFor(tenantId, artifact.sha256);
    const root = await this.#cache.ensureExtracted(
      tenantId,
      artifact.sha256,
      () => this.#load(storageKey),
      this.#limits,
    );
    let manifest = this.#manifests.get(root);
    if (!manifest) {
      const name = (await readdir(root)).find((file) => file.toLowerCase() === 'tempo.step.json');
      const checked = parseArtifactManifest(name ? await readFile(join(root, name), 'utf8') : null);
      // A package may be stored without a manifest (v0.3.0 accepts such uploads); running it is
      // where one is needed, so this is where the tenant learns what to fix.
      if (!checked.ok) {
        const where = `Artifact ${artifact.artifactId} version '${artifact.version}'`;
        const fix = name
          ? 'Correct its tempo.step.json'
          : 'Add a tempo.step.json at the package root and upload it again';
        throw new Error(`${where} cannot run: ${checked.errors.join(' ')} ${fix}.`);
      }
      manifest = checked.manifest;
      this.#manifests.set(root, manifest);
    }
    return { root, sha256: artifact.sha256, manifest };
  }

  async #load(storageKey: string): Promise<Buffer> {
    const bytes = await this.#blobs.read(storageKey);
    if (!bytes) throw new Error(`The package blob ${storageKey} is missing from the artifact store.`);
    return bytes;
  }

  /** Forgets a package's folder and manifest once no version uses its bytes. */
  async evict(tenantId: string, sha256: string): Promise<void> {
    this.#manifests.delete(this.#cache.folderFor(tenantId, sha256));
    await this.#cache.evict(tenantId, sha256);
  }

  /** Forgets every unpacked package of a tenant (the tenant was deleted). */
  async evictTenant(tenantId: string): Promise<void> {
    this.#manifests.clear();
    await this.#cache.evictTenant(tenantId);
  }

  /**
   * Removes leftover and unreferenced folders of the cache (see {@link ExtractionCache.sweep});
   * `named` lists every package a record names.
   */
  async sweep(
    named: Iterable<{ readonly tenantId: string; readonly sha256: string }>,
    minAgeMs: number,
  ): Promise<number> {
    const referenced = new Set<string>();
    for (const { tenantId, sha256 } of named) referenced.add(`${tenantSegment(tenantId)}/${sha256}`);
    const removed = await this.#cache.sweep(referenced, minAgeMs);
    if (removed > 0) this.#manifests.clear();
    return removed;
  }
}
