import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { isUnsafeArtifactPath, normalizeArtifactPath } from './artifact-path.ts';
import { ArtifactPackageError } from './errors.ts';

/** Bounds on what reading a package may cost. */
export interface PackageLimits {
  /** Most entries (files and folders) the archive may list. */
  readonly maxEntries: number;
  /** Most bytes all files may inflate to, together. */
  readonly maxTotalBytes: number;
}

/** One file of an archive as {@link walkZipPackage} hands it over. */
export interface ZipFileEntry {
  /** Normalised package-relative path. */
  readonly path: string;
  /** Whether any Unix execute bit is set. */
  readonly executable: boolean;
  /**
   * The inflated bytes, counted against the package's budget as they arrive: the receiver must
   * read them to the end, or stop by throwing.
   */
  readonly content: AsyncIterable<Buffer>;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

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

const corrupt = (error: unknown) =>
  error instanceof ArtifactPackageError
    ? error
    : new ArtifactPackageError(
        'Corrupt',
        `Artifact package is not a readable zip archive: ${(error as Error).message}`,
      );

const duplicate = (path: string, name: string = path) =>
  new ArtifactPackageError('Duplicate', `Artifact archive contains ${path} twice.`, name);

const fileAndFolder = (path: string) =>
  new ArtifactPackageError('Duplicate', `Artifact archive uses ${path} as both a file and a folder.`, path);

/** Where an entry goes, or a folder (folders are implied by the files in them). */
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

/**
 * The paths seen so far, checked as each entry arrives: entries are written out one by one, so a
 * clash (the same path twice, or `a` as a file and `a/b`) must be refused before it is written.
 */
class PathRegistry {
  readonly #files = new Set<string>();
  readonly #folders = new Set<string>();
  readonly #impliedFolders = new Set<string>();

  addFile(path: string, name: string) {
    if (this.#files.has(path)) throw duplicate(path, name);
    if (this.#folders.has(path) || this.#impliedFolders.has(path)) throw fileAndFolder(path);
    this.#addParents(path);
    this.#files.add(path);
  }

  addFolder(path: string, name: string) {
    if (this.#folders.has(path)) throw duplicate(path, name);
    if (this.#files.has(path)) throw fileAndFolder(path);
    this.#addParents(path);
    this.#folders.add(path);
  }

  #addParents(path: string) {
    const segments = path.split('/');
    for (let length = 1; length < segments.length; length++) {
      const parent = segments.slice(0, length).join('/');
      if (this.#files.has(parent)) throw fileAndFolder(parent);
      this.#impliedFolders.add(parent);
    }
  }
}

/** The running count of inflated bytes, shared by every entry of one package. */
interface InflatedCount {
  total: number;
}

/**
 * An entry's bytes with every chunk counted as it is inflated: headers can lie about sizes (zip
 * bombs), so the count, not the header, enforces the budget, and nothing is held beyond a chunk.
 */
async function* countedContent(
  stream: Readable,
  declaredSize: number,
  count: InflatedCount,
  limits: PackageLimits,
  finished: () => void,
): AsyncGenerator<Buffer> {
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      count.total += chunk.length;
      if (count.total > limits.maxTotalBytes) throw tooLarge(limits);
      yield chunk;
    }
  } catch (error) {
    throw corrupt(error);
  } finally {
    stream.destroy();
  }
  if (size !== declaredSize) throw corrupt(new Error('entry data does not match its declared size'));
  finished();
}

/** A failure of the receiver (a full disk, say), kept apart from a failure to read the archive. */
class ReceiverFailure {
  readonly cause: unknown;

  constructor(cause: unknown) {
    this.cause = cause;
  }
}

/**
 * Walks an untrusted package entry by entry and hands each file to `onFile`, which streams its
 * content wherever it wants. Refuses symlinks and other special entries, unsafe or clashing
 * paths, and archives past `limits`, all before or while the offending entry is read.
 * @throws ArtifactPackageError, or whatever `onFile` throws.
 */
export const walkZipPackage = async (
  bytes: Buffer,
  limits: PackageLimits,
  onFile: (file: ZipFileEntry) => Promise<void>,
): Promise<void> => {
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
    const paths = new PathRegistry();
    const count: InflatedCount = { total: 0 };
    let declaredBytes = 0;
    for await (const entry of zip.eachEntry()) {
      const target = entryTarget(entry);
      if (target.isFolder) {
        if (target.path !== null) paths.addFolder(target.path, target.name);
        continue;
      }
      const path = target.path ?? target.name;
      paths.addFile(path, target.name);
      // Honest headers are refused before any inflating; lying ones are caught by the count.
      declaredBytes += entry.uncompressedSize;
      if (declaredBytes > limits.maxTotalBytes) throw tooLarge(limits);
      const stream = await zip.openReadStreamPromise(entry);
      let readToEnd = false;
      const content = countedContent(stream, entry.uncompressedSize, count, limits, () => {
        readToEnd = true;
      });
      await onFile({ path, executable: target.executable, content }).catch((error: unknown) => {
        throw error instanceof ArtifactPackageError ? error : new ReceiverFailure(error);
      });
      if (!readToEnd) throw new ReceiverFailure(new Error(`The content of ${path} was not read to its end.`));
    }
  } catch (error) {
    if (error instanceof ReceiverFailure) throw error.cause;
    throw corrupt(error);
  } finally {
    zip?.close();
  }
};
