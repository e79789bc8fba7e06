import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CapacityLimiter } from '../process-host/capacity-limiter.ts';
import { ensureTreeOpenToHandlers, openTreeToHandlers } from '../process-host/handler-user.ts';
import { ArtifactStorageError } from './errors.ts';
import { sha256Hex } from './file-content.ts';
import { assertSha256, resolveInside, tenantSegment } from './storage-paths.ts';
import { type PackageLimits, walkZipPackage } from './zip-entries.ts';

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

// rename(2) onto a non-empty folder fails with one of these when another process won the race.
const LOST_RACE = new Set(['EEXIST', 'ENOTEMPTY', 'EPERM']);

const listOrEmpty = async (folder: string): Promise<string[]> => {
  try {
    return await readdir(folder);
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
};

/**
 * Removes a folder, renamed away first so no reader ever sees it half deleted; missing is fine.
 * A crash midway leaves a `*.evicted` folder, which a sweep removes.
 */
const removeFolder = async (folder: string): Promise<void> => {
  const doomed = `${folder}.${randomUUID()}.evicted`;
  try {
    await rename(folder, doomed);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  await rm(doomed, { recursive: true, force: true });
};

const isFolder = async (path: string): Promise<boolean> => {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
};

/** Options of an {@link ExtractionCache}. */
export interface ExtractionCacheOptions {
  /** Packages unzipped at once; more wait their turn. Default 2 (`artifacts.maxConcurrentExtractions`). */
  readonly maxConcurrentExtractions?: number;
}

const DEFAULT_MAX_CONCURRENT_EXTRACTIONS = 2;

/**
 * A package unpacked before handlers ran as their own user is owner-only: it is opened up the
 * first time it is used again (one `stat` once it is), rather than unpacked anew.
 */
const opened = async (folder: string): Promise<string> => {
  await ensureTreeOpenToHandlers(folder);
  return folder;
};

/**
 * Unzips an untrusted package into the empty folder `root`, streaming each entry to its file: the
 * inflated bytes never sit in memory, and the running count stops the package at its limit.
 * Files and folders are readable by all (executables and folders searchable too): a hidden call
 * runs its handler as the unprivileged handler user. The cache root above stays owner-only, and
 * inside a call only that call's own package is put back in view.
 */
const extractInto = async (bytes: Buffer, limits: PackageLimits, root: string) => {
  await walkZipPackage(bytes, limits, async (file) => {
    const target = resolveInside(root, file.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    const mode = file.executable ? 0o755 : 0o644;
    await pipeline(file.content, createWriteStream(target, { flags: 'wx', mode }));
    // The server's umask (077) cleared the group and other bits of `mode`.
    await chmod(target, mode);
  });
  // The same for the folders `mkdir` made under that umask; the package root last.
  await openTreeToHandlers(root);
};

/**
 * Packages unzipped on local disk, one folder per tenant and SHA-256 (spec §8). Folders are only
 * ever complete: a package is unzipped into a temp sibling and renamed into place, so any folder
 * under its final name can be reused as it is. Everything here can be rebuilt from the blobs.
 */
export class ExtractionCache {
  /** Absolute cache root; packages live under `{cacheRoot}/packages/{tenant}/{sha256}`. */
  readonly cacheRoot: string;
  readonly #inFlight = new Map<string, Promise<string>>();
  // Per tenant as well as in all: one tenant's uploads cannot keep another's packages waiting.
  readonly #slots: CapacityLimiter;

  constructor(cacheRoot: string, options: ExtractionCacheOptions = {}) {
    this.cacheRoot = resolve(cacheRoot);
    const max = Math.max(1, options.maxConcurrentExtractions ?? DEFAULT_MAX_CONCURRENT_EXTRACTIONS);
    this.#slots = new CapacityLimiter({ maxServerWide: max, maxPerTenant: Math.max(1, Math.ceil(max / 2)) });
  }

  /** The folder a package is (or would be) extracted to. */
  folderFor(tenantId: string, sha256: string): string {
    return resolveInside(this.cacheRoot, join('packages', tenantSegment(tenantId), assertSha256(sha256)));
  }

  /**
   * The folder holding the package's files, extracting it first when needed. `load` is called
   * only on a miss; calls for the same package in this process share one extraction.
   * @throws ArtifactPackageError when the package is refused; ArtifactStorageError when the
   * loaded bytes do not hash to `sha256`.
   */
  ensureExtracted(
    tenantId: string,
    sha256: string,
    load: () => Promise<Buffer>,
    limits: PackageLimits,
  ): Promise<string> {
    const folder = this.folderFor(tenantId, sha256);
    const running = this.#inFlight.get(folder);
    if (running) return running;
    const extraction = this.#extract(tenantId, folder, sha256, load, limits).finally(() =>
      this.#inFlight.delete(folder),
    );
    this.#inFlight.set(folder, extraction);
    return extraction;
  }

  async #extract(
    tenantId: string,
    folder: string,
    sha256: string,
    load: () => Promise<Buffer>,
    limits: PackageLimits,
  ) {
    if (await isFolder(folder)) return await opened(folder);
    // The slot covers the blob in memory as well as the unzipping, so both are bounded.
    const slot = await this.#slots.acquire(tenantId);
    try {
      // Another process may have finished it while this one waited.
      if (await isFolder(folder)) return await opened(folder);
      return await this.#unpack(folder, sha256, await load(), limits);
    } finally {
      slot.release();
    }
  }

  async #unpack(folder: string, sha256: string, bytes: Buffer, limits: PackageLimits) {
    // The folder name vouches for the content, so bytes under the wrong hash must not land there.
    if (sha256Hex(bytes) !== sha256) {
      throw new ArtifactStorageError(
        'Sha256Mismatch',
        `Artifact package bytes do not match SHA-256 ${sha256}.`,
      );
    }
    const temp = `${folder}.${randomUUID()}.tmp`;
    try {
      await mkdir(temp, { recursive: true, mode: 0o700 });
      await extractInto(bytes, limits, temp);
      await rename(temp, folder);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== undefined && LOST_RACE.has(code) && (await isFolder(folder))) return folder;
      throw error;
    }
    return folder;
  }

  /** Removes every unpacked package of a tenant, e.g. when the tenant is deleted. */
  async evictTenant(tenantId: string): Promise<void> {
    await removeFolder(resolveInside(this.cacheRoot, join('packages', tenantSegment(tenantId))));
  }

  /**
   * Removes what a crash or a deleted record left: `*.tmp` folders of unzips that never finished,
   * `*.evicted` folders of removals cut short, and package folders whose `{tenant}/{sha256}`
   * (tenant as its folder name) `referenced` does not hold. Entries younger than `minAgeMs` stay:
   * an unzip of another process may be writing them.
   * @returns how many folders were removed.
   */
  async sweep(referenced: ReadonlySet<string>, minAgeMs: number, nowMs = Date.now()): Promise<number> {
    const packages = join(this.cacheRoot, 'packages');
    let removed = 0;
    const remove = async (path: string) => {
      const info = await stat(path).catch(() => null);
      if (!info || nowMs - info.mtimeMs < minAgeMs || this.#inFlight.has(path)) return;
      await rm(path, { recursive: true, force: true });
      removed += 1;
    };
    for (const tenant of await listOrEmpty(packages)) {
      if (tenant.endsWith('.evicted')) {
        await remove(join(packages, tenant));
        continue;
      }
      for (const entry of await listOrEmpty(join(packages, tenant))) {
        const leftover = entry.endsWith('.tmp') || entry.endsWith('.evicted');
        if (leftover || !referenced.has(`${tenant}/${entry}`)) await remove(join(packages, tenant, entry));
      }
    }
    return removed;
  }

  /**
   * Removes a package's folder, e.g. when no version references its SHA any more. The folder is
   * renamed away first so no reader ever sees it half deleted; missing is fine.
   */
  async evict(tenantId: string, sha256: string): Promise<void> {
    const folder = this.folderFor(tenantId, sha256);
    await this.#inFlight.get(folder)?.catch(() => undefined);
    await removeFolder(folder);
  }
}
