import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactBlobStore } from './blob-store.ts';
import { ArtifactStorageError } from './errors.ts';
import { sha256Hex } from './file-content.ts';

let root: string;
let store: ArtifactBlobStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tempo-blobs-'));
  store = new ArtifactBlobStore(join(root, 'blobs'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const bytes = Buffer.from('PK\x03\x04 pretend package');
const sha = sha256Hex(bytes);

describe('ArtifactBlobStore', () => {
  it('keys blobs by tenant and SHA-256', () => {
    expect(store.storageKeyFor('ten_1', sha)).toBe(`ten_1/${sha.slice(0, 2)}/${sha}.zip`);
    expect(store.storageKeyFor('ten/../x y', sha)).toBe(`ten_.._x_y/${sha.slice(0, 2)}/${sha}.zip`);
    expect(store.storageKeyFor('..', sha).startsWith('_/')).toBe(true);
    expect(() => store.storageKeyFor('ten_1', 'ABC')).toThrow(ArtifactStorageError);
    expect(() => store.storageKeyFor('ten_1', sha.toUpperCase())).toThrow(/lowercase hex SHA-256/);
  });

  it('stores, reads, reports and deletes a blob', async () => {
    const stored = await store.put('ten_1', bytes);
    expect(stored).toEqual({
      storageKey: store.storageKeyFor('ten_1', sha),
      sha256: sha,
      byteLength: bytes.length,
    });
    expect((await readFile(join(root, 'blobs', stored.storageKey))).equals(bytes)).toBe(true);
    expect((await store.read(stored.storageKey))?.equals(bytes)).toBe(true);
    expect(await store.exists(stored.storageKey)).toBe(true);
    await store.delete(stored.storageKey);
    expect(await store.exists(stored.storageKey)).toBe(false);
    expect(await store.read(stored.storageKey)).toBeNull();
    await store.delete(stored.storageKey);
  });

  it('leaves only the finished blob behind, and reuses it', async () => {
    const first = await store.put('ten_1', bytes);
    const second = await store.put('ten_1', bytes);
    expect(second).toEqual(first);
    expect(await readdir(dirname(store.pathOf(first.storageKey)))).toEqual([`${sha}.zip`]);
  });

  it('replaces a damaged blob under the key', async () => {
    const key = store.storageKeyFor('ten_1', sha);
    await mkdir(dirname(store.pathOf(key)), { recursive: true });
    await writeFile(store.pathOf(key), bytes.subarray(0, 5));
    await store.put('ten_1', bytes);
    expect((await store.read(key))?.equals(bytes)).toBe(true);
  });

  it('cleans up its temp file when the rename fails', async () => {
    const key = store.storageKeyFor('ten_1', sha);
    // A non-empty folder under the blob's name makes the final rename fail.
    await mkdir(join(store.pathOf(key), 'in-the-way'), { recursive: true });
    await expect(store.put('ten_1', bytes)).rejects.toThrow();
    expect(await readdir(dirname(store.pathOf(key)))).toEqual([`${sha}.zip`]);
  });

  it.each(['../outside.zip', '/etc/passwd', 'ten_1/../../x.zip', '', '.', 'a\0b'])(
    'refuses the key %j',
    async (key) => {
      await expect(store.read(key)).rejects.toMatchObject({ code: 'UnsafeStorageKey' });
      await expect(store.exists(key)).rejects.toBeInstanceOf(ArtifactStorageError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(ArtifactStorageError);
    },
  );

  it('sweeps unreferenced blobs and abandoned temp files, but only once they are old enough', async () => {
    const kept = await store.put('ten_1', bytes);
    const orphan = await store.put('ten_1', Buffer.from('no row names this one'));
    const temp = `${store.pathOf(kept.storageKey)}.abandoned.tmp`;
    await writeFile(temp, Buffer.alloc(10));
    const referenced = new Set([kept.storageKey]);
    // Young files may be writes whose row is not committed yet: left alone.
    expect(await store.sweep(referenced, 60_000)).toBe(0);
    expect(await store.exists(orphan.storageKey)).toBe(true);
    expect(await store.sweep(referenced, 60_000, Date.now() + 120_000)).toBe(2);
    expect(await store.exists(kept.storageKey)).toBe(true);
    expect(await store.exists(orphan.storageKey)).toBe(false);
    await expect(readFile(temp)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('deletes a tenant’s blobs and no other tenant’s', async () => {
    const a = await store.put('ten_1', bytes);
    const b = await store.put('ten_2', bytes);
    await store.deleteTenant('ten_1');
    expect(await store.exists(a.storageKey)).toBe(false);
    expect(await store.exists(b.storageKey)).toBe(true);
    await store.deleteTenant('ten_1');
  });
});
