import yazl from 'yazl';
import { compareOrdinal, normalizeArtifactPath } from './artifact-path.ts';
import { ArtifactPackageError } from './errors.ts';
import { type PackageLimits, walkZipPackage } from './zip-entries.ts';

export { isZipPackage, type PackageLimits } from './zip-entries.ts';

/** One file of a package, by its normalised package-relative path. */
export interface PackageFile {
  /** `/`-separated, relative, no `.` or `..` segments. */
  readonly path: string;
  readonly bytes: Buffer;
  /** Whether any Unix execute bit is set. */
  readonly executable: boolean;
}

/** The manifest's file name at a package's root. */
export const ARTIFACT_MANIFEST_FILE_NAME = 'tempo.step.json';

const S_IFREG = 0o100000;

// Noon local time: yazl writes DOS times from local date parts, so this gives the same bytes in
// every time zone, and noon is clear of midnight DST switches.
const FIXED_MTIME = new Date(2000, 0, 1, 12, 0, 0);

/** The files of a package that `keep` accepts, in ordinal path order, and what all files inflate to. */
const readKept = async (
  bytes: Buffer,
  limits: PackageLimits,
  keep: (path: string) => boolean,
): Promise<{ files: PackageFile[]; extractedBytes: number }> => {
  const files: PackageFile[] = [];
  let extractedBytes = 0;
  await walkZipPackage(bytes, limits, async ({ path, executable, content }) => {
    const kept = keep(path);
    const chunks: Buffer[] = [];
    for await (const chunk of content) {
      extractedBytes += chunk.length;
      if (kept) chunks.push(chunk);
    }
    if (kept) files.push({ path, bytes: Buffer.concat(chunks), executable });
  });
  return { files: files.sort((left, right) => compareOrdinal(left.path, right.path)), extractedBytes };
};

/**
 * Reads an untrusted package into memory: files in ordinal path order, folders skipped. Refuses
 * symlinks and other special entries, unsafe or duplicate paths, and archives past `limits`.
 * Holds every inflated byte, so only for packages whose files are needed in memory; see
 * {@link inspectZipPackage} to check a package without that cost.
 * @throws ArtifactPackageError
 */
export const readZipPackage = async (bytes: Buffer, limits: PackageLimits): Promise<PackageFile[]> =>
  (await readKept(bytes, limits, () => true)).files;

/** How the root manifest's path may be spelled (spec §8): `\` → `/`, leading `/` stripped, any case. */
const rootName = (path: string) => path.replaceAll('\\', '/').replace(/^\/+/, '');

/** What {@link inspectZipPackage} learns of a package. */
export interface PackageSummary {
  /** The root `tempo.step.json`, or null when the package has none. */
  readonly manifest: PackageFile | null;
  /** Bytes all its files inflate to: what unpacking it costs on disk. */
  readonly extractedBytes: number;
}

/**
 * Checks an untrusted package like {@link readZipPackage} (every entry inflated and counted), but
 * keeps only its root manifest: memory stays at one chunk whatever the package inflates to.
 * @throws ArtifactPackageError
 */
export const inspectZipPackage = async (bytes: Buffer, limits: PackageLimits): Promise<PackageSummary> => {
  const { files, extractedBytes } = await readKept(
    bytes,
    limits,
    (path) => rootName(path).toLowerCase() === ARTIFACT_MANIFEST_FILE_NAME,
  );
  return { manifest: findManifestFile(files), extractedBytes };
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
  return (
    files.find((file) => rootName(file.path) === ARTIFACT_MANIFEST_FILE_NAME) ??
    files.find((file) => rootName(file.path).toLowerCase() === ARTIFACT_MANIFEST_FILE_NAME) ??
    null
  );
};
