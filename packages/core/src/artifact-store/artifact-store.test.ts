import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { ArtifactBlobStore } from './blob-store.ts';
import { ExtractionCache } from './extraction-cache.ts';
import { classifyFileContent } from './file-content.ts';
import { checkArtifactManifest } from './manifest.ts';
import { ArtifactPackageError, readZipPackage, writeZipPackage } from './zip-package.ts';

const limits = { maxEntries: 100, maxTotalBytes: 1024 * 1024 };
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tempo-artifacts-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

/** A zip made with yazl directly, for entries our writer would never produce. */
const rawZip = (entries: { name: string; bytes: Buffer; mode?: number }[]) =>
  new Promise<Buffer>((resolve) => {
    const zip = new yazl.ZipFile();
    for (const entry of entries) zip.addBuffer(entry.bytes, entry.name, { mode: entry.mode ?? 0o100644 });
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });

const problemOf = async (bytes: Buffer, bound = limits) => {
  try {
    await readZipPackage(bytes, bound);
    return null;
  } catch (error) {
    return error instanceof ArtifactPackageError ? error.problem : String(error);
  }
};

const files = [
  { path: 'run.sh', bytes: Buffer.from('#!/bin/sh\necho hi\n'), executable: true },
  { path: 'lib/handler.py', bytes: Buffer.from('def run(req):\n    return req\n'), executable: false },
];

describe('zip packages', () => {
  it('zip the same files to the same bytes, in any order, and read them back', async () => {
    const first = await writeZipPackage(files);
    const second = await writeZipPackage([...files].reverse());
    expect(first.equals(second)).toBe(true);
    const read = await readZipPackage(first, limits);
    expect(read.map((file) => [file.path, file.bytes.toString(), file.executable])).toEqual([
      ['lib/handler.py', 'def run(req):\n    return req\n', false],
      ['run.sh', '#!/bin/sh\necho hi\n', true],
    ]);
  });

  it('refuse symlinks, escaping paths, duplicates, bombs and non-zips', async () => {
    expect(
      await problemOf(await rawZip([{ name: 'link', bytes: Buffer.from('/etc/passwd'), mode: 0o120777 }])),
    ).toBe('Symlink');
    // yazl refuses "..": write a same-length name and patch it to "../x" in both headers.
    const patched = await rawZip([{ name: 'ab/x', bytes: Buffer.from('x') }]);
    const escaped = Buffer.from(patched.toString('latin1').replaceAll('ab/x', '../x'), 'latin1');
    expect(await problemOf(escaped)).toBe('UnsafePath');
    expect(
      await problemOf(
        await rawZip([
          { name: 'a.txt', bytes: Buffer.from('1') },
          { name: 'A.txt', bytes: Buffer.from('2') },
        ]),
      ),
    ).toBe('Duplicate');
    const bomb = await rawZip([{ name: 'zeros', bytes: Buffer.alloc(4 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(await problemOf(bomb)).toBe('TooLarge');
    expect(await problemOf(Buffer.from('not a zip at all'))).toBe('NotZip');
  });

  it('classify text and binary content', () => {
    expect(classifyFileContent(Buffer.from('héllo'))).toEqual({ isBinary: false, content: 'héllo' });
    expect(classifyFileContent(Buffer.from([0x41, 0, 0x42])).isBinary).toBe(true);
    expect(classifyFileContent(Buffer.from([0xff, 0xfe, 0x41])).isBinary).toBe(true);
  });
});

describe('manifests', () => {
  const valid = {
    runtimeKey: 'Artifact.Python',
    supportedProtocolVersions: ['1.0'],
    defaultEntrypoint: 'main',
    entrypoints: { main: { module: 'handler', function: 'run' } },
  };

  it('read PascalCase and camelCase alike, with defaults', () => {
    const pascal = checkArtifactManifest(
      JSON.stringify({
        RuntimeKey: 'Artifact.Python',
        ProtocolVersion: '1.0',
        DefaultEntrypoint: 'main',
        Entrypoints: { main: { Module: 'handler' } },
      }),
    );
    expect(pascal).toMatchObject({
      ok: true,
      manifest: {
        manifestVersion: '1',
        supportedProtocolVersions: ['1.0'],
        entrypoints: { main: { module: 'handler', function: 'run' } },
      },
    });
    expect(checkArtifactManifest(JSON.stringify(valid)).ok).toBe(true);
  });

  it('say what is wrong in the spec words', () => {
    const errors = (value: unknown) => {
      const checked = checkArtifactManifest(typeof value === 'string' ? value : JSON.stringify(value));
      return checked.ok ? [] : checked.errors;
    };
    expect(errors('')).toEqual(['artifact manifest is required for artifact-backed runtimes.']);
    expect(errors({ ...valid, runtimeKey: 'Builtin.Class' })).toContain(
      'runtimeKey must be Artifact.Process, Artifact.Python, Artifact.JavaScript, or Artifact.DotnetProcess.',
    );
    expect(errors({ ...valid, supportedProtocolVersions: ['2.0'] })).toEqual([
      'supportedProtocolVersions must overlap server-supported protocol versions.',
    ]);
    expect(errors({ ...valid, defaultEntrypoint: 'other' })).toEqual([
      'defaultEntrypoint must reference a manifest entrypoint.',
    ]);
    expect(errors({ ...valid, entrypoints: {} })).toEqual(['entrypoints is required.']);
    expect(
      errors({ ...valid, runtimeKey: 'Artifact.Process', entrypoints: { main: { command: '../bin/x' } } }),
    ).toEqual(["entrypoint 'main' command must be a relative artifact path."]);
    expect(
      errors({ ...valid, runtimeKey: 'Artifact.DotnetProcess', entrypoints: { main: { command: 'x.exe' } } }),
    ).toEqual([
      "entrypoint 'main' command must reference a .NET assembly dll.",
      "entrypoint 'main' requires handlerType.",
    ]);
    expect(
      errors({ ...valid, runtimeKey: 'Artifact.JavaScript', entrypoints: { main: { module: 'C:/x.js' } } }),
    ).toEqual(["entrypoint 'main' module must be a relative artifact path."]);
  });
});

describe('blob store and extraction cache', () => {
  it('store by digest once and unpack once, with executable bits', async () => {
    const blobs = new ArtifactBlobStore(join(folder, 'blobs'));
    const bytes = await writeZipPackage(files);
    const stored = await blobs.put('ten_a', bytes);
    expect(stored.storageKey).toBe(`ten_a/${stored.sha256.slice(0, 2)}/${stored.sha256}.zip`);
    expect((await blobs.put('ten_a', bytes)).storageKey).toBe(stored.storageKey);
    expect(await blobs.tenantBytes('ten_a')).toBe(bytes.length);
    await expect(blobs.read('../../etc/passwd')).rejects.toThrow(/outside the artifact store/);

    const cache = new ExtractionCache(join(folder, 'cache'));
    let loads = 0;
    const load = () => {
      loads += 1;
      return blobs.read(stored.storageKey);
    };
    const [one, two] = await Promise.all([
      cache.ensureExtracted('ten_a', stored.sha256, load, limits),
      cache.ensureExtracted('ten_a', stored.sha256, load, limits),
    ]);
    expect(one).toBe(two);
    expect(await cache.ensureExtracted('ten_a', stored.sha256, load, limits)).toBe(one);
    expect(loads).toBe(1);
    expect(await readFile(join(one, 'lib/handler.py'), 'utf8')).toContain('def run');
    expect((await stat(join(one, 'run.sh'))).mode & 0o111).not.toBe(0);
  });
});
