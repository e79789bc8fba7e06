import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { sha256Hex } from './file-content.ts';
import { assertSha256, resolveInside, tenantSegment } from './storage-paths.ts';

/** Where a stored package lives and what it is. */
export interface StoredBlob {
  /** Root-relative key, `{tenant}/{sha[0:2]}/{sha}.zip`; kept on the version record. */
  readonly storageKey: string;
  /** Lowercase hex SHA-256 of the bytes. */
  readonly sha256: string;
  readonly byteLength: number;
}

const BLOB_SUFFIX = '.zip';

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Package bytes on local disk, one file per SHA-256 under a folder per tenant (spec §8, §11).
 * Blobs are immutable: a write goes to a temp file beside its target and is renamed into place,
 * so a crash never leaves half a blob under a real key.
 */
export class ArtifactBlobStore {
  /** Absolute folder every key resolves inside. */
  readonly rootPath: string;

  constructor(rootPath: string) {
    this.rootPath = resolve(rootPath);
  }

  /** The key for a tenant's package with this hash; the tenant id is sanitised to one segment. */
  storageKeyFor(tenantId: string, sha256: string): string {
    const sha = assertSha256(sha256);
    return `${tenantSegment(tenantId)}/${sha.slice(0, 2)}/${sha}${BLOB_SUFFIX}`;
  }

  /** Absolute file of a key. @throws ArtifactStorageError when the key would leave the root. */
  pathOf(storageKey: string): string {
    return resolveInside(this.rootPath, storageKey);
  }

  /**
   * Stores a package for a tenant, keyed by its SHA-256. An intact blob already under the key is
   * kept as it is; a damaged one (wrong size or hash) is replaced.
   */
  async put(tenantId: string, bytes: Uint8Array): Promise<StoredBlob> {
    const sha256 = sha256Hex(bytes);
    const storageKey = this.storageKeyFor(tenantId, sha256);
    const target = this.pathOf(storageKey);
    const stored = { storageKey, sha256, byteLength: bytes.byteLength };
    if (await this.#holds(target, stored)) {
      // Touched so a sweep sees a blob about to be named again as young, not as an old orphan.
      const now = new Date();
      await utimes(target, now, now);
      return stored;
    }

    // Owner-only whatever the process umask: blobs are tenants' packages.
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        // Flushed before the rename, so the name never points at bytes still in the page cache.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return stored;
  }

  async #holds(path: string, blob: StoredBlob): Promise<boolean> {
    const bytes = await readFile(path).catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
    return bytes !== null && bytes.byteLength === blob.byteLength && sha256Hex(bytes) === blob.sha256;
  }

  /** The bytes under a key, or null when there is no such blob. */
  async read(storageKey: string): Promise<Buffer | null> {
    const path = this.pathOf(storageKey);
    try {
      return await readFile(path);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** Whether a blob exists under the key. */
  async exists(storageKey: string): Promise<boolean> {
    const path = this.pathOf(storageKey);
    try {
      return (await stat(path)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Removes a blob; a blob already gone is fine. */
  async delete(storageKey: string): Promise<void> {
    await rm(this.pathOf(storageKey), { force: true });
  }

  /** Removes every blob of a tenant (its folder), e.g. when the tenant is deleted. */
  async deleteTenant(tenantId: string): Promise<void> {
    await rm(resolveInside(this.rootPath, tenantSegment(tenantId)), { recursive: true, force: true });
  }

  /**
   * Removes what no record needs: temp files of writes that never finished, and blobs whose key
   * `referenced` does not hold. Only files last written more than `minAgeMs` ago go, so a write
   * in flight (blob on disk, its row not yet committed) is never taken.
   * @returns how many files were removed.
   */
  async sweep(referenced: ReadonlySet<string>, minAgeMs: number, nowMs = Date.now()): Promise<number> {
    let entries: string[];
    try {
      entries = await readdir(this.rootPath, { recursive: true });
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
    let removed = 0;
    for (const entry of entries) {
      const key = entry.split(sep).join('/');
      const isTemp = key.endsWith('.tmp');
      if (!isTemp && (!key.endsWith(BLOB_SUFFIX) || referenced.has(key))) continue;
      const path = resolve(this.rootPath, entry);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile() || nowMs - info.mtimeMs < minAgeMs) continue;
      await rm(path, { force: true });
      removed += 1;
    }
    return removed;
  }
}
