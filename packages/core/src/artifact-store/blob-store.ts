import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { safePathSegment } from '../process-host/scratch-folder.ts';
import { sha256Hex } from './file-content.ts';

/** Where a stored package is and what it is. */
export interface StoredBlob {
  readonly storageKey: string;
  readonly sha256: string;
  readonly byteLength: number;
}

/**
 * Package bytes on disk under `artifacts.rootPath`, one folder per tenant, keyed by SHA-256: the
 * same bytes are stored once per tenant, and a blob is written under a temporary name and renamed,
 * so a crash never leaves half a package behind its key.
 */
export class ArtifactBlobStore {
  readonly #root: string;

  constructor(rootPath: string) {
    this.#root = resolve(rootPath);
  }

  /** The key of a tenant's blob with this digest. */
  storageKeyFor(tenantId: string, sha256: string): string {
    const digest = safePathSegment(sha256);
    return `${safePathSegment(tenantId)}/${digest.slice(0, 2)}/${digest}.zip`;
  }

  /** Stores bytes for a tenant (reusing an identical blob) and says where. */
  async put(tenantId: string, bytes: Buffer): Promise<StoredBlob> {
    const sha256 = sha256Hex(bytes);
    const storageKey = this.storageKeyFor(tenantId, sha256);
    const path = this.#pathOf(storageKey);
    if (!(await this.exists(storageKey))) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    }
    return { storageKey, sha256, byteLength: bytes.length };
  }

  async read(storageKey: string): Promise<Buffer> {
    return readFile(this.#pathOf(storageKey));
  }

  async exists(storageKey: string): Promise<boolean> {
    return stat(this.#pathOf(storageKey)).then(
      (found) => found.isFile(),
      () => false,
    );
  }

  /** Removes a blob; one already gone is fine. */
  async delete(storageKey: string): Promise<void> {
    await rm(this.#pathOf(storageKey), { force: true });
  }

  /** Bytes a tenant's blobs take, for its quota. */
  async tenantBytes(tenantId: string): Promise<number> {
    const folder = join(this.#root, safePathSegment(tenantId));
    const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
    let total = 0;
    for (const entry of entries) {
      if (entry.isFile() && entry.name.endsWith('.zip'))
        total += (await stat(join(entry.parentPath, entry.name))).size;
    }
    return total;
  }

  /** A key's file, proven to be inside the root whatever the key holds. */
  #pathOf(storageKey: string): string {
    const path = resolve(this.#root, storageKey);
    const inside = relative(this.#root, path);
    if (inside === '' || inside.split(/[\\/]/)[0] === '..' || isAbsolute(inside)) {
      throw new Error(`Storage key ${storageKey} is outside the artifact store.`);
    }
    return path;
  }
}
