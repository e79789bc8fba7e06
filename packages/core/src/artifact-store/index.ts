/** The artifact store: package zips, manifests, the blob store and the extraction cache. */
export { isUnsafeArtifactPath, normalizeArtifactPath } from './artifact-paths.ts';
export { ArtifactBlobStore, type StoredBlob } from './blob-store.ts';
export { ExtractionCache } from './extraction-cache.ts';
export { classifyFileContent, contentTypeForPath, fileBytes, sha256Hex } from './file-content.ts';
export { LocalArtifactPackages } from './local-packages.ts';
export { checkArtifactManifest, formatArtifactManifest, type ManifestCheck } from './manifest.ts';
export {
  ArtifactPackageError,
  type ArtifactPackageProblem,
  findManifestFile,
  isZipPackage,
  type PackageFile,
  type PackageLimits,
  readZipPackage,
  writeZipPackage,
} from './zip-package.ts';
