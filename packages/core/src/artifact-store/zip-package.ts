import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { normalizeArtifactPath } from './artifact-paths.ts';

/** One file of an artifact package. */
export interface PackageFile {
  /** Artifact-relative path with `/` separators. */
  readonly path: string;
  readonly bytes: Buffer;
  readonly executable: boolean;
}

/** Why a package was refused. */
export type ArtifactPackageProblem =
  | 'NotZip'
  | 'Corrupt'
  | 'Symlink'
  | 'UnsafePath'
  | 'Duplicate'
  | 'TooLarge'
  | 'TooManyEntries';

/** A package that cannot be accepted, with the reason as a code and a message for the client. */
export class ArtifactPackageError extends Error {
  readonly problem: ArtifactPackageProblem;

  constructor(problem: ArtifactPackageProblem, message: string) {
    super(message);
    this.name = 'ArtifactPackageError';
    this.problem = problem;
  }
}

/** Bounds of what one package may unpack to. */
export interface PackageLimits {
  readonly maxEntries: number;
  readonly maxTotalBytes: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** Every package entry carries this time so the same files always zip to the same bytes. */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

/** Whether bytes start like a zip file (local header, empty archive or spanned marker). */
export const isZipPackage = (bytes: Buffer): boolean =>
  bytes.length >= 4 &&
  bytes[0] === 0x50 &&
  bytes[1] === 0x4b &&
  ((bytes[2] === 0x03 && bytes[3] === 0x04) ||
    (bytes[2] === 0x05 && bytes[3] === 0x06) ||
    (bytes[2] === 0x07 && bytes[3] === 0x08));

const openZip = (bytes: Buffer) =>
  new Promise<yauzl.ZipFile>((resolve, reject) => {
    // File-name validation is ours (it must say which entry and why), so yauzl's is off.
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (error, zip) =>
        error || !zip
          ? reject(
              new ArtifactPackageError(
                'Corrupt',
                `The package is not a readable zip archive: ${error?.message}`,
              ),
            )
          : resolve(zip),
    );
  });

const readEntry = (zip: yauzl.ZipFile, entry: yauzl.Entry, budget: { left: number }) =>
  new Promise<Buffer>((resolve, reject) => {
    zip.openReadStream(entry, (error, stream?: Readable) => {
      if (error || !stream)
        return reject(new ArtifactPackageError('Corrupt', `Entry ${entry.fileName} cannot be read.`));
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        // Counted while inflating: sizes in the headers are the sender's word, not a fact.
        budget.left -= chunk.length;
        if (budget.left < 0) {
          stream.destroy();
          reject(new ArtifactPackageError('TooLarge', 'The package unpacks to more bytes than allowed.'));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (cause: Error) =>
        reject(
          cause instanceof ArtifactPackageError
            ? cause
            : new ArtifactPackageError('Corrupt', `Entry ${entry.fileName} is corrupt: ${cause.message}`),
        ),
      );
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });

/**
 * Unpacks a package in memory. Directory entries are skipped; symlinks, paths that leave the
 * package, duplicates and packages over the limits are refused with an {@link ArtifactPackageError}.
 */
export const readZipPackage = async (bytes: Buffer, limits: PackageLimits): Promise<PackageFile[]> => {
  if (!isZipPackage(bytes)) throw new ArtifactPackageError('NotZip', 'The package is not a zip archive.');
  const zip = await openZip(bytes);
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new ArtifactPackageError(
      'TooManyEntries',
      `The package has more than ${limits.maxEntries} entries.`,
    );
  }
  const files: PackageFile[] = [];
  const seen = new Set<string>();
  const budget = { left: limits.maxTotalBytes };
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) =>
        reject(
          // yauzl refuses absolute and `..` names itself before we see the entry.
          /relative path|absolute path|fileName/.test(error.message)
            ? new ArtifactPackageError(
                'UnsafePath',
                `Artifact archive entry escapes the package: ${error.message}`,
              )
            : new ArtifactPackageError('Corrupt', `The package is corrupt: ${error.message}`),
        ),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const handle = async () => {
          const name = entry.fileName;
          const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
          if ((mode & S_IFMT) === S_IFLNK)
            throw new ArtifactPackageError('Symlink', `Artifact archives may not contain symlinks: ${name}`);
          if (name.endsWith('/') || name.endsWith('\\')) return;
          const path = normalizeArtifactPath(name);
          if (!path)
            throw new ArtifactPackageError(
              'UnsafePath',
              `Artifact archive entry escapes the package: ${name}`,
            );
          if (seen.has(path.toLowerCase()))
            throw new ArtifactPackageError('Duplicate', `Artifact archive has the entry twice: ${name}`);
          seen.add(path.toLowerCase());
          files.push({ path, bytes: await readEntry(zip, entry, budget), executable: (mode & 0o111) !== 0 });
        };
        handle().then(
          () => zip.readEntry(),
          (error: unknown) => reject(error),
        );
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return files;
};

/**
 * Zips files with sorted paths, a fixed time and fixed modes, so the same files always give the
 * same bytes: a package's SHA-256 is its identity.
 */
export const writeZipPackage = (files: readonly PackageFile[]): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const file of sorted) {
      zip.addBuffer(file.bytes, file.path, {
        mtime: FIXED_MTIME,
        mode: file.executable ? 0o100755 : 0o100644,
        forceDosTimestamp: true,
      });
    }
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });

/** The manifest file of a package: `tempo.step.json` at the root, in any case. */
export const findManifestFile = (files: readonly PackageFile[]): PackageFile | null =>
  files.find((file) => file.path.toLowerCase() === 'tempo.step.json') ?? null;
