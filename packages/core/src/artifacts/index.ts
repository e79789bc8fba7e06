/** Artifact packages: the `tempo.step.json` manifest, safe zip reading and writing, blob storage and the extraction cache. */
export { compareOrdinal, isUnsafeArtifactPath, normalizeArtifactPath } from './artifact-path.ts';
export { ArtifactBlobStore, type StoredBlob } from './blob-store.ts';
export {
  ArtifactPackageError,
  ArtifactPackageErrorCode,
  ArtifactStorageError,
  ArtifactStorageErrorCode,
} from './errors.ts';
export { ExtractionCache } from './extraction-cache.ts';
export {
  classifyFileContent,
  contentTypeForPath,
  type FileContent,
  fileContentBytes,
  sha256Hex,
} from './file-content.ts';
export { KeyedSerializer } from './keyed-serializer.ts';
export { LocalArtifactPackages } from './local-packages.ts';
export {
  type EntrypointResolution,
  MANIFEST_REQUIRED_MESSAGE,
  type ManifestParseResult,
  parseArtifactManifest,
  resolveEntrypoint,
  serializeArtifactManifest,
  validateArtifactManifest,
} from './manifest.ts';
export {
  collectableAfter,
  isCollectable,
  pinnedPackagesOf,
  RETIRED_PACKAGE_MIN_AGE_MS,
  type RetentionOptions,
  type RetiredPackage,
  retiredVersionLabel,
} from './package-retention.ts';
export {
  ARTIFACT_MANIFEST_FILE_NAME,
  findManifestFile,
  inspectZipPackage,
  isZipPackage,
  type PackageFile,
  type PackageLimits,
  type PackageSummary,
  readZipPackage,
  writeZipPackage,
} from './zip-package.ts';
