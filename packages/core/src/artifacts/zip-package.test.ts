import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { ArtifactPackageError } from './errors.ts';
import { craftZip } from './test-zips.ts';
import {
  findManifestFile,
  isZipPackage,
  type PackageFile,
  readZipPackage,
  writeZipPackage,
} from './zip-package.ts';

const LIMITS = { maxEntries: 100, maxTotalBytes: 10_000_000 };

const file = (path: string, text: string, executable = false): PackageFile => ({
  path,
  bytes: Buffer.from(text),
  executable,
});

const yazlZip = async (build: (zip: yazl.ZipFile) => void): Promise<Buffer> => {
  const zip = new yazl.ZipFile();
  build(zip);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
};

/** The package error a read fails with, so tests can assert on its code and message. */
const refusal = async (bytes: Buffer, limits = LIMITS): Promise<ArtifactPackageError> => {
  try {
    await readZipPackage(bytes, limits);
  } catch (error) {
    if (error instanceof ArtifactPackageError) return error;
    throw error;
  }
  throw new Error('the package was accepted');
};

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('writeZipPackage', () => {
  const files = [
    file('tempo.step.json', '{}'),
    file('bin/run.sh', '#!/bin/sh\necho hi\n', true),
    file('src/handler.py', 'def run(req):\n  return 1\n'),
    { path: 'lib/blob.bin', bytes: Buffer.from([0, 1, 2, 255]), executable: false },
  ];

  it('gives byte-identical zips for the same files in any order', async () => {
    const first = await writeZipPackage(files);
    const second = await writeZipPackage([...files].reverse());
    expect(second.equals(first)).toBe(true);
    expect(sha(second)).toBe(sha(first));
  });

  it('round-trips paths, bytes and the executable bit, in ordinal order', async () => {
    const read = await readZipPackage(await writeZipPackage(files), LIMITS);
    expect(read.map((entry) => entry.path)).toEqual([
      'bin/run.sh',
      'lib/blob.bin',
      'src/handler.py',
      'tempo.step.json',
    ]);
    for (const original of files) {
      const copy = read.find((entry) => entry.path === original.path);
      expect(copy?.bytes.equals(original.bytes)).toBe(true);
      expect(copy?.executable).toBe(original.executable);
    }
  });

  it('writes fixed modes and a fixed timestamp', async () => {
    const zip = await yauzl.fromBufferPromise(await writeZipPackage(files), { lazyEntries: true });
    const seen: Record<string, number> = {};
    for await (const entry of zip.eachEntry()) {
      seen[entry.fileName] = entry.externalFileAttributes >>> 16;
      expect(entry.getLastModDate().getFullYear()).toBe(2000);
    }
    expect(seen['bin/run.sh']).toBe(0o100755);
    expect(seen['src/handler.py']).toBe(0o100644);
  });

  it('normalises paths and refuses unsafe or duplicate ones', async () => {
    const read = await readZipPackage(await writeZipPackage([file('./a\\b.txt', 'x')]), LIMITS);
    expect(read.map((entry) => entry.path)).toEqual(['a/b.txt']);
    await expect(writeZipPackage([file('../x', 'x')])).rejects.toMatchObject({ code: 'UnsafePath' });
    await expect(writeZipPackage([file('a.txt', '1'), file('./a.txt', '2')])).rejects.toMatchObject({
      code: 'Duplicate',
    });
  });
});

describe('readZipPackage', () => {
  it('refuses symlinks with the spec message', async () => {
    const zip = await yazlZip((z) => z.addBuffer(Buffer.from('/etc/passwd'), 'link', { mode: 0o120777 }));
    const error = await refusal(zip);
    expect(error.code).toBe('Symlink');
    expect(error.message).toBe('Artifact archives may not contain symlinks: link');
  });

  it('refuses devices and FIFOs', async () => {
    expect((await refusal(craftZip([{ name: 'pipe', mode: 0o010644 }]))).code).toBe('SpecialFile');
  });

  it.each([
    '../evil.txt',
    'a/../../evil.txt',
    'a/..',
    '/etc/passwd',
    'C:/Windows/evil.dll',
    'C:evil.txt',
    '..\\evil.txt',
    'a\\..\\..\\evil.txt',
    '\\\\server\\share\\evil.txt',
    'file.txt:stream',
  ])('refuses the escaping entry %j', async (name) => {
    const error = await refusal(
      craftZip([
        { name: 'ok.txt', data: Buffer.from('x') },
        { name, data: Buffer.from('x') },
      ]),
    );
    expect(error.code).toBe('UnsafePath');
    expect(error.entryName).toBe(name);
  });

  it('reads backslash paths as folders, as Windows archivers mean them', async () => {
    const read = await readZipPackage(craftZip([{ name: 'src\\main.py', data: Buffer.from('x') }]), LIMITS);
    expect(read.map((entry) => entry.path)).toEqual(['src/main.py']);
  });

  it('refuses the same path twice and a file used as a folder', async () => {
    const twice = craftZip([
      { name: 'a.txt', data: Buffer.from('1') },
      { name: './a.txt', data: Buffer.from('2') },
    ]);
    expect((await refusal(twice)).code).toBe('Duplicate');
    const clash = craftZip([
      { name: 'a', data: Buffer.from('1') },
      { name: 'a/b', data: Buffer.from('2') },
    ]);
    expect((await refusal(clash)).message).toBe('Artifact archive uses a as both a file and a folder.');
  });

  it('skips folder entries', async () => {
    const zip = await yazlZip((z) => {
      z.addEmptyDirectory('docs/');
      z.addBuffer(Buffer.from('hi'), 'docs/readme.txt');
    });
    const read = await readZipPackage(zip, LIMITS);
    expect(read.map((entry) => entry.path)).toEqual(['docs/readme.txt']);
  });

  it('refuses more entries than allowed', async () => {
    const zip = craftZip(['a', 'b', 'c'].map((name) => ({ name, data: Buffer.from(name) })));
    expect((await refusal(zip, { maxEntries: 2, maxTotalBytes: 100 })).code).toBe('TooManyEntries');
    expect(await readZipPackage(zip, { maxEntries: 3, maxTotalBytes: 3 })).toHaveLength(3);
  });

  it('refuses a zip bomb that declares its size', async () => {
    const zip = await yazlZip((z) => z.addBuffer(Buffer.alloc(8_000_000), 'zeros.bin'));
    expect(zip.length).toBeLessThan(50_000);
    const error = await refusal(zip, { maxEntries: 10, maxTotalBytes: 1_000_000 });
    expect(error.code).toBe('TooLarge');
  });

  it('stops a zip bomb that lies about its size while inflating', async () => {
    const zip = craftZip([
      { name: 'zeros.bin', data: Buffer.alloc(8_000_000), deflate: true, declaredSize: 10 },
    ]);
    expect(zip.length).toBeLessThan(50_000);
    const error = await refusal(zip, { maxEntries: 10, maxTotalBytes: 1_000_000 });
    expect(error.code).toBe('TooLarge');
    expect(error.message).toBe('Artifact package expands to more than 1000000 bytes.');
  });

  it('refuses an entry whose data does not match its declared size', async () => {
    const zip = craftZip([{ name: 'a', data: Buffer.alloc(600), deflate: true, declaredSize: 1 }]);
    expect((await refusal(zip)).code).toBe('Corrupt');
  });

  it('counts inflated bytes across entries', async () => {
    const zip = craftZip([
      { name: 'a', data: Buffer.alloc(600), deflate: true },
      { name: 'b', data: Buffer.alloc(600), deflate: true, declaredSize: 1 },
    ]);
    expect((await refusal(zip, { maxEntries: 10, maxTotalBytes: 1000 })).code).toBe('TooLarge');
  });

  it('tells a non-zip from a broken zip', async () => {
    expect((await refusal(Buffer.from('hello world'))).code).toBe('NotZip');
    expect((await refusal(Buffer.from('PK\x03\x04 not really a zip'))).code).toBe('Corrupt');
    const truncated = craftZip([{ name: 'a.txt', data: Buffer.from('hello') }]);
    expect((await refusal(truncated.subarray(0, truncated.length - 30))).code).toBe('Corrupt');
  });
});

describe('isZipPackage', () => {
  it('knows the three signatures', () => {
    expect(isZipPackage(Buffer.from('PK\x03\x04rest'))).toBe(true);
    expect(isZipPackage(Buffer.from('PK\x05\x06rest'))).toBe(true);
    expect(isZipPackage(Buffer.from('PK\x07\x08rest'))).toBe(true);
    expect(isZipPackage(Buffer.from('PK\x01\x02rest'))).toBe(false);
    expect(isZipPackage(Buffer.from('PK'))).toBe(false);
  });
});

describe('findManifestFile', () => {
  it('finds tempo.step.json at the root in any case, never in a folder', () => {
    expect(findManifestFile([file('src/tempo.step.json', '{}'), file('TEMPO.Step.JSON', '{}')])?.path).toBe(
      'TEMPO.Step.JSON',
    );
    expect(findManifestFile([file('/tempo.step.json', '{}')])?.path).toBe('/tempo.step.json');
    expect(
      findManifestFile([file('tempo.step.json', '1'), file('Tempo.Step.Json', '2')])?.bytes.toString(),
    ).toBe('1');
    expect(findManifestFile([file('src/tempo.step.json', '{}')])).toBeNull();
  });
});
