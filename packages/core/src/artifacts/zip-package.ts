import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { compareOrdinal, isUnsafeArtifactPath, normalizeArtifactPath } from './artifact-path.ts';
import { ArtifactPackageError } from './errors.ts';

/** One file of a package, by its normalised package-relative path. */
export interface PackageFile {
  /** `/`-separated, relative, no `.` or `..` segments. */
  readonly path: string;
  readonly bytes: Buffer;
  /** Whether any Unix execute bit is set. */
  readonly executable: boolean;
}

/** Bounds on what reading a package may cost. */
export interface PackageLimits {
  /** Most entries (files and folders) the archive may list. */
  readonly maxEntries: number;
  /** Most bytes all files may inflate to, together. */
  readonly maxTotalBytes: number;
}

/** The manifest's file name at a package's root. */
export const ARTIFACT_MANIFEST_FILE_NAME = 'tempo.step.json';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

// Noon local time: yazl writes DOS times from local date parts, so this gives the same bytes in
// every time zone, and noon is clear of midnight DST switches.
const FIXED_MTIME = new Date(2000, 0, 1, 12, 0, 0);

/** Whether the bytes start with a zip signature (local header, empty archive or spanned archive). */
export const isZipPackage = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 &&
  bytes[0] === 0x50 &&
  bytes[1] === 0x4b &&
  ((bytes[2] === 0x03 && bytes[3] === 0x04) ||
    (bytes[2] === 0x05 && bytes[3] === 0x06) ||
    (bytes[2] === 0x07 && bytes[3] === 0x08));

const tooLarge = (limits: PackageLimits) =>
  new ArtifactPackageError(
    'TooLarge',
    `Artifact package expands to more than ${limits.maxTotalBytes} bytes.`,
  );

// Inflates one entry, counting the bytes as they come: headers can lie about sizes (zip bombs),
// so the count, not the header, enforces the budget.
const inflate = async (zip: yauzl.ZipFile, entry: yauzl.Entry, budget: number, limits: PackageLimits) => {
  const stream: Readable = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > budget) {
      stream.destroy();
      throw tooLarge(limits);
    }
    chunks.push(chunk);
  }
  if (size !== entry.uncompressedSize) throw new Error(`entry data does not match its declared size`);
  return Buffer.concat(chunks, size);
};

/** Where an entry goes, or null for a folder (folders are implied by the files in them). */
const entryTarget = (entry: yauzl.Entry) => {
  // Strict decoding keeps `\` so the safety check sees exactly what a Windows tool would.
  const name = yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    true,
  );
  const fileType = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (fileType === S_IFLNK) {
    throw new ArtifactPackageError('Symlink', `Artifact archives may not contain symlinks: ${name}`, name);
  }
  if (fileType !== 0 && fileType !== S_IFREG && fileType !== S_IFDIR) {
    throw new ArtifactPackageError(
      'SpecialFile',
      `Artifact archives may only contain files and folders: ${name}`,
      name,
    );
  }
  const isFolder = fileType === S_IFDIR || /[\\/]$/.test(name);
  const path = normalizeArtifactPath(name);
  // A folder entry for the root itself (`./`) is harmless; anything else that does not normalise is not.
  if (isUnsafeArtifactPath(name) || (path === null && !isFolder)) {
    throw new ArtifactPackageError(
      'UnsafePath',
      `Artifact archive entry escapes the package root: ${name}`,
      name,
    );
  }
  return { name, path, isFolder, executable: ((entry.externalFileAttributes >>> 16) & 0o111) !== 0 };
};

/** Refuses a file that sits where another entry needs a folder (`a` and `a/b`). */
const assertNoFileFolderClash = (paths: ReadonlySet<string>, folders: ReadonlySet<string>) => {
  for (const path of paths) {
    if (folders.has(path))
      throw new ArtifactPackageError(
        'Duplicate',
        `Artifact archive uses ${path} as both a file and a folder.`,
        path,
      );
    const segments = path.split('/');
    for (let length = 1; length < segments.length; length++) {
      const parent = segments.slice(0, length).join('/');
      if (paths.has(parent)) {
        throw new ArtifactPackageError(
          'Duplicate',
          `Artifact archive uses ${parent} as both a file and a folder.`,
          parent,
        );
      }
    }
  }
};

/**
 * Reads an untrusted package: files in ordinal path order, folders skipped. Refuses symlinks and
 * other special entries, unsafe or duplicate paths, and archives past `limits`.
 * @throws ArtifactPackageError
 */
export const readZipPackage = async (bytes: Buffer, limits: PackageLimits): Promise<PackageFile[]> => {
  if (!isZipPackage(bytes))
    throw new ArtifactPackageError('NotZip', 'Artifact package is not a zip archive.');
  let zip: yauzl.ZipFile | null = null;
  try {
    // Raw names and our own size accounting: yauzl's checks would fail with untyped errors.
    zip = await yauzl.fromBufferPromise(bytes, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: false,
    });
    if (zip.entryCount > limits.maxEntries) {
      throw new ArtifactPackageError(
        'TooManyEntries',
        `Artifact package has more than ${limits.maxEntries} entries.`,
      );
    }
    const files = new Map<string, PackageFile>();
    const folders = new Set<string>();
    let declaredBytes = 0;
    let totalBytes = 0;
    for await (const entry of zip.eachEntry()) {
      const target = entryTarget(entry);
      if (target.path !== null && (files.has(target.path) || (target.isFolder && folders.has(target.path)))) {
        throw new ArtifactPackageError(
          'Duplicate',
          `Artifact archive contains ${target.path} twice.`,
          target.name,
        );
      }
      if (target.isFolder) {
        if (target.path !== null) folders.add(target.path);
        continue;
      }
      // Honest headers are refused before any inflating; lying ones are caught by the count.
      declaredBytes += entry.uncompressedSize;
      if (declaredBytes > limits.maxTotalBytes) throw tooLarge(limits);
      const data = await inflate(zip, entry, limits.maxTotalBytes - totalBytes, limits);
      totalBytes += data.length;
      const path = target.path ?? target.name;
      files.set(path, { path, bytes: data, executable: target.executable });
    }
    assertNoFileFolderClash(new Set(files.keys()), folders);
    return [...files.values()].sort((left, right) => compareOrdinal(left.path, right.path));
  } catch (error) {
    if (error instanceof ArtifactPackageError) throw error;
    throw new ArtifactPackageError(
      'Corrupt',
      `Artifact package is not a readable zip archive: ${(error as Error).message}`,
    );
  } finally {
    zip?.close();
  }
};

/**
 * Zips files deterministically: ordinal path order, a fixed timestamp and fixed modes (0755 when
 * executable, else 0644), so the same files always give the same bytes and so the same SHA-256.
 * @throws ArtifactPackageError for an unsafe or duplicate path.
 */
export const writeZipPackage = async (files: readonly PackageFile[]): Promise<Buffer> => {
  const entries = files.map((file) => {
    const path = normalizeArtifactPath(file.path);
    if (path === null) {
      throw new ArtifactPackageError(
        'UnsafePath',
        `Artifact package path is not a safe relative path: ${file.path}`,
        file.path,
      );
    }
    return { ...file, path };
  });
  entries.sort((left, right) => compareOrdinal(left.path, right.path));
  const zip = new yazl.ZipFile();
  for (const [index, entry] of entries.entries()) {
    if (entries[index - 1]?.path === entry.path) {
      throw new ArtifactPackageError(
        'Duplicate',
        `Artifact package contains ${entry.path} twice.`,
        entry.path,
      );
    }
    zip.addBuffer(entry.bytes, entry.path, {
      mtime: FIXED_MTIME,
      // The extended timestamp field stores UTC seconds, which would differ between time zones.
      forceDosTimestamp: true,
      mode: S_IFREG | (entry.executable ? 0o755 : 0o644),
      compress: true,
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
};

/**
 * The package's `tempo.step.json`: at the root, name compared ignoring case after `\` → `/` and
 * stripping leading `/` (spec §8). An exact-case match wins over other spellings.
 */
export const findManifestFile = (files: readonly PackageFile[]): PackageFile | null => {
  const rootName = (path: string) => path.replaceAll('\\', '/').replace(/^\/+/, '');
  return (
    files.find((file) => rootName(file.path) === ARTIFACT_MANIFEST_FILE_NAME) ??
    files.find((file) => rootName(file.path).toLowerCase() === ARTIFACT_MANIFEST_FILE_NAME) ??
    null
  );
};
