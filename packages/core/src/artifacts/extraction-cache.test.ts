import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { ArtifactPackageError, ArtifactStorageError } from './errors.ts';
import { ExtractionCache } from './extraction-cache.ts';
import { sha256Hex } from './file-content.ts';
import { writeZipPackage } from './zip-package.ts';

const LIMITS = { maxEntries: 100, maxTotalBytes: 1_000_000 };

let root: string;
let cache: ExtractionCache;
let zip: Buffer;
let sha: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tempo-cache-'));
  cache = new ExtractionCache(root);
  zip = await writeZipPackage([
    { path: 'tempo.step.json', bytes: Buffer.from('{}'), executable: false },
    { path: 'bin/run.sh', bytes: Buffer.from('#!/bin/sh\n'), executable: true },
  ]);
  sha = sha256Hex(zip);
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A loader that counts how often the cache asked for the bytes. */
const counting = (bytes: Buffer) => {
  const loader = {
    calls: 0,
    load: async () => {
      loader.calls++;
      return bytes;
    },
  };
  return loader;
};

describe('ExtractionCache', () => {
  it('extracts a package with its executable bits', async () => {
    const folder = await cache.ensureExtracted('ten/1', sha, counting(zip).load, LIMITS);
    expect(folder).toBe(join(root, 'packages', 'ten_1', sha));
    expect(await readFile(join(folder, 'tempo.step.json'), 'utf8')).toBe('{}');
    // Open to the handler user a root server runs handlers as; the cache above stays the server's.
    const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
    expect(await modeOf(join(folder, 'bin/run.sh'))).toBe(0o755);
    expect(await modeOf(join(folder, 'bin'))).toBe(0o755);
    expect(await modeOf(folder)).toBe(0o755);
    expect(await modeOf(join(folder, 'tempo.step.json'))).toBe(0o644);
    expect(await modeOf(dirname(folder))).toBe(0o700);
    expect(await readdir(dirname(folder))).toEqual([sha]);
  });

  it('opens a package unpacked owner-only by an older server when it is used again', async () => {
    const folder = await cache.ensureExtracted('ten_old', sha, counting(zip).load, LIMITS);
    for (const [path, mode] of [
      ['bin/run.sh', 0o700],
      ['tempo.step.json', 0o600],
      ['bin', 0o700],
      ['', 0o700],
    ] as const) {
      await chmod(join(folder, path), mode);
    }
    const loader = counting(zip);
    expect(await new ExtractionCache(root).ensureExtracted('ten_old', sha, loader.load, LIMITS)).toBe(folder);
    expect(loader.calls).toBe(0);
    expect((await stat(join(folder, 'bin/run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(folder, 'tempo.step.json'))).mode & 0o777).toBe(0o644);
    expect((await stat(folder)).mode & 0o777).toBe(0o755);
  });

  it('reuses an extracted folder without loading again', async () => {
    const loader = counting(zip);
    const folder = await cache.ensureExtracted('ten_1', sha, loader.load, LIMITS);
    await writeFile(join(folder, 'marker'), 'kept');
    expect(await cache.ensureExtracted('ten_1', sha, loader.load, LIMITS)).toBe(folder);
    expect(await new ExtractionCache(root).ensureExtracted('ten_1', sha, loader.load, LIMITS)).toBe(folder);
    expect(loader.calls).toBe(1);
    expect(await readFile(join(folder, 'marker'), 'utf8')).toBe('kept');
  });

  it('shares one extraction between concurrent callers', async () => {
    const loader = counting(zip);
    const folders = await Promise.all(
      Array.from({ length: 8 }, () => cache.ensureExtracted('ten_1', sha, loader.load, LIMITS)),
    );
    expect(new Set(folders).size).toBe(1);
    expect(loader.calls).toBe(1);
  });

  it('lets two caches (two processes) race for one folder', async () => {
    const other = new ExtractionCache(root);
    const [a, b] = await Promise.all([
      cache.ensureExtracted('ten_1', sha, counting(zip).load, LIMITS),
      other.ensureExtracted('ten_1', sha, counting(zip).load, LIMITS),
    ]);
    expect(a).toBe(b);
    expect((await readdir(a)).sort()).toEqual(['bin', 'tempo.step.json']);
    expect(await readdir(dirname(a))).toEqual([sha]);
  });

  it('refuses bytes that do not match the hash, leaving nothing behind', async () => {
    const wrong = await writeZipPackage([{ path: 'x', bytes: Buffer.from('x'), executable: false }]);
    await expect(cache.ensureExtracted('ten_1', sha, async () => wrong, LIMITS)).rejects.toMatchObject({
      code: 'Sha256Mismatch',
    });
    await expect(cache.ensureExtracted('ten_1', sha, async () => wrong, LIMITS)).rejects.toBeInstanceOf(
      ArtifactStorageError,
    );
    await expect(stat(join(root, 'packages', 'ten_1', sha))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a hostile package, leaving no temp folder', async () => {
    const hostile = new yazl.ZipFile();
    hostile.addBuffer(Buffer.from('x'), 'ok.txt');
    hostile.addBuffer(Buffer.from('/etc/passwd'), 'link', { mode: 0o120777 });
    hostile.end();
    const chunks: Buffer[] = [];
    for await (const chunk of hostile.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    await expect(
      cache.ensureExtracted('ten_1', sha256Hex(bytes), async () => bytes, LIMITS),
    ).rejects.toBeInstanceOf(ArtifactPackageError);
    expect(await readdir(join(root, 'packages', 'ten_1')).catch(() => [])).toEqual([]);
  });

  it('evicts a folder so the next call extracts again', async () => {
    const loader = counting(zip);
    const folder = await cache.ensureExtracted('ten_1', sha, loader.load, LIMITS);
    await cache.evict('ten_1', sha);
    await expect(stat(folder)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dirname(folder))).toEqual([]);
    await cache.evict('ten_1', sha);
    await cache.ensureExtracted('ten_1', sha, loader.load, LIMITS);
    expect(loader.calls).toBe(2);
  });

  it('refuses a malformed hash', () => {
    expect(() => cache.folderFor('ten_1', '../../etc')).toThrow(ArtifactStorageError);
  });
});

describe('ExtractionCache limits', () => {
  it('unpacks no more packages at once than allowed; the others wait their turn', async () => {
    const bounded = new ExtractionCache(root, { maxConcurrentExtractions: 2 });
    const packages = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        writeZipPackage([{ path: 'tempo.step.json', bytes: Buffer.from(name), executable: false }]),
      ),
    );
    let loading = 0;
    let mostAtOnce = 0;
    const gates: (() => void)[] = [];
    const slowLoad = (bytes: Buffer) => async () => {
      loading++;
      mostAtOnce = Math.max(mostAtOnce, loading);
      await new Promise<void>((resolve) => gates.push(resolve));
      loading--;
      return bytes;
    };
    // Two tenants: one tenant alone gets half the slots, so another's package is not held up.
    let finished = 0;
    const done = packages.map((bytes, index) =>
      bounded.ensureExtracted(`ten_${index % 2}`, sha256Hex(bytes), slowLoad(bytes), LIMITS).then(() => {
        finished++;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(loading).toBe(2);
    // Until every package is unpacked, not until no load is waiting: the third load starts only
    // once a slot frees, which on a loaded machine may come after both gates were opened.
    while (finished < packages.length) {
      gates.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(done);
    expect(mostAtOnce).toBe(2);
    for (const [index, bytes] of packages.entries()) {
      const folder = bounded.folderFor(`ten_${index % 2}`, sha256Hex(bytes));
      expect(await readFile(join(folder, 'tempo.step.json'), 'utf8')).toBe(['a', 'b', 'c'][index]);
    }
  });

  it('streams entries to disk and stops at the limit, leaving no partial folder', async () => {
    const bomb = await new Promise<Buffer>((resolve, reject) => {
      const archive = new yazl.ZipFile();
      archive.addBuffer(Buffer.alloc(4_000_000), 'zeros.bin');
      const parts: Buffer[] = [];
      archive.outputStream.on('data', (part: Buffer) => parts.push(part));
      archive.outputStream.on('error', reject);
      archive.outputStream.on('end', () => resolve(Buffer.concat(parts)));
      archive.end();
    });
    const sha256 = sha256Hex(bomb);
    await expect(
      cache.ensureExtracted('ten_1', sha256, async () => bomb, { maxEntries: 10, maxTotalBytes: 3_000_000 }),
    ).rejects.toMatchObject({ code: 'TooLarge' });
    expect(await readdir(join(root, 'packages', 'ten_1'))).toEqual([]);
    const folder = await cache.ensureExtracted('ten_1', sha256, async () => bomb, {
      maxEntries: 10,
      maxTotalBytes: 4_000_000,
    });
    expect((await stat(join(folder, 'zeros.bin'))).size).toBe(4_000_000);
  });

  it('sweeps crashed unzips, cut-short evictions and unreferenced packages once old enough, and evicts a tenant', async () => {
    const kept = await cache.ensureExtracted('ten_1', sha, counting(zip).load, LIMITS);
    const other = await writeZipPackage([{ path: 'x.txt', bytes: Buffer.from('x'), executable: false }]);
    const orphan = await cache.ensureExtracted('ten_1', sha256Hex(other), async () => other, LIMITS);
    const tenant = join(root, 'packages', 'ten_1');
    await mkdir(join(tenant, `${'a'.repeat(64)}.1.tmp`, 'half'), { recursive: true });
    await mkdir(join(tenant, `${'b'.repeat(64)}.2.evicted`), { recursive: true });
    const referenced = new Set([`ten_1/${sha}`]);
    expect(await cache.sweep(referenced, 60_000)).toBe(0);
    expect(await cache.sweep(referenced, 60_000, Date.now() + 120_000)).toBe(3);
    expect(await readdir(tenant)).toEqual([sha]);
    expect(kept).toBe(join(tenant, sha));
    expect(orphan).not.toBe(kept);
    await cache.evictTenant('ten_1');
    expect(await readdir(join(root, 'packages'))).toEqual([]);
    await cache.evictTenant('ten_1');
  });
});
