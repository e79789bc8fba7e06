import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { safePathSegment } from '../process-host/scratch-folder.ts';
import { type PackageLimits, readZipPackage } from './zip-package.ts';

/**
 * Unpacked packages under `{cacheRoot}/packages/{tenant}/{sha256}`, built once per package: into a
 * temporary sibling folder first, then renamed into place, so a half-unpacked folder is never used.
 * The cache can always be rebuilt from the blobs.
 */
export class ExtractionCache {
  readonly #root: string;
  readonly #inFlight = new Map<string, Promise<string>>();

  constructor(cacheRoot: string) {
    this.#root = join(resolve(cacheRoot), 'packages');
  }

  /** The folder of a tenant's package, unpacking it from `load()` when it is not there yet. */
  ensureExtracted(
    tenantId: string,
    sha256: string,
    load: () => Promise<Buffer>,
    limits: PackageLimits,
  ): Promise<string> {
    const folder = this.folderOf(tenantId, sha256);
    const pending = this.#inFlight.get(folder);
    if (pending) return pending;
    const work = this.#extract(folder, load, limits).finally(() => this.#inFlight.delete(folder));
    this.#inFlight.set(folder, work);
    return work;
  }

  /** Drops a package's folder (its last version was deleted). */
  async evict(tenantId: string, sha256: string): Promise<void> {
    await rm(this.folderOf(tenantId, sha256), { recursive: true, force: true });
  }

  folderOf(tenantId: string, sha256: string): string {
    return join(this.#root, safePathSegment(tenantId), safePathSegment(sha256));
  }

  async #extract(folder: string, load: () => Promise<Buffer>, limits: PackageLimits): Promise<string> {
    const ready = await stat(folder).then(
      (found) => found.isDirectory(),
      () => false,
    );
    if (ready) return folder;
    const files = await readZipPackage(await load(), limits);
    const temporary = `${folder}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      for (const file of files) {
        const path = resolve(temporary, file.path);
        if (relative(temporary, path).startsWith(`..${sep}`))
          throw new Error(`Entry ${file.path} escapes the package.`);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.bytes);
        await chmod(path, file.executable ? 0o755 : 0o644);
      }
      await mkdir(temporary, { recursive: true });
      await rename(temporary, folder).catch(async (error: NodeJS.ErrnoException) => {
        // Another process unpacked the same package first; theirs is as good as ours.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
        await rm(temporary, { recursive: true, force: true });
      });
      return folder;
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      throw error;
    }
  }
}
