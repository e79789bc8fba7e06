import type { ArtifactFileInfo } from '@tempo/contracts';
import {
  fileContentBytes,
  findManifestFile,
  type PackageFile,
  parseArtifactManifest,
  sha256Hex,
  writeZipPackage,
} from '@tempo/core/artifacts';
import type { RowOf, Tables } from '@tempo/core/store';
import type { PlannedPackage } from './artifact-usage.ts';

/** A stored file of an artifact's mutable tree. */
export type FileRow = RowOf<typeof Tables.artifactFiles>;

/** The wire view of a stored file. */
export const infoOf = (row: FileRow): ArtifactFileInfo => ({
  path: row.path,
  contentType: row.contentType,
  isBinary: row.isBinary,
  byteLength: row.byteLength,
  sha256: row.sha256,
  lastUpdateUtc: row.lastUpdateUtc,
});

/** A stored file as a package file, with the execute bit it was stored with. */
export const packageFileOf = (row: FileRow): PackageFile => ({
  path: row.path,
  bytes: fileContentBytes(row),
  executable: row.isExecutable,
});

/** The `current` snapshot a tree would give, or why it gives none. */
export type CurrentPlan =
  | { readonly kind: 'snapshot'; readonly pkg: PlannedPackage; readonly manifestJson: string | null }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * Zips a tree into its `current` snapshot. An edited tree is snapshotted only with a valid
 * manifest (the answer then says why not); an imported package (`requireManifest` false) is kept
 * as it came, manifest or not, since v0.3.0 checks the manifest when a step runs the package.
 */
export const planCurrent = async (
  files: readonly PackageFile[],
  requireManifest: boolean,
): Promise<CurrentPlan> => {
  const manifestFile = findManifestFile(files);
  const manifestText = manifestFile ? manifestFile.bytes.toString('utf8') : null;
  if (requireManifest) {
    const checked = manifestText === null ? null : parseArtifactManifest(manifestText);
    if (!checked?.ok) {
      return {
        kind: 'none',
        reason: checked ? checked.errors.join(' ') : 'tempo.step.json is missing or is not text.',
      };
    }
  }
  if (files.length === 0) return { kind: 'none', reason: 'The artifact has no files.' };
  const bytes = await writeZipPackage(files);
  const extractedBytes = files.reduce((sum, file) => sum + file.bytes.length, 0);
  return {
    kind: 'snapshot',
    pkg: { bytes, sha256: sha256Hex(bytes), extractedBytes },
    manifestJson: manifestText,
  };
};
