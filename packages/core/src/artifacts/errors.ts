/** Why an artifact package (a zip) was refused; closed set, stable across releases. */
export const ArtifactPackageErrorCode = {
  /** The bytes do not start with a zip signature. */
  NotZip: 'NotZip',
  /** The zip structure or an entry's data could not be read. */
  Corrupt: 'Corrupt',
  /** A Unix symlink entry. */
  Symlink: 'Symlink',
  /** A device, FIFO, socket or other non-regular entry. */
  SpecialFile: 'SpecialFile',
  /** A path that is blank, absolute, has a drive letter or walks out of the package root. */
  UnsafePath: 'UnsafePath',
  /** Two entries with the same path, or a file where another entry needs a folder. */
  Duplicate: 'Duplicate',
  /** More entries than the limit allows. */
  TooManyEntries: 'TooManyEntries',
  /** More uncompressed bytes than the limit allows. */
  TooLarge: 'TooLarge',
} as const;
export type ArtifactPackageErrorCode =
  (typeof ArtifactPackageErrorCode)[keyof typeof ArtifactPackageErrorCode];

/** A package refused while reading, writing or extracting it; `message` is safe to show the tenant. */
export class ArtifactPackageError extends Error {
  override readonly name = 'ArtifactPackageError';
  /** Which rule the package broke. */
  readonly code: ArtifactPackageErrorCode;
  /** The entry at fault, as written in the archive; null for whole-package problems. */
  readonly entryName: string | null;

  constructor(code: ArtifactPackageErrorCode, message: string, entryName: string | null = null) {
    super(message);
    this.code = code;
    this.entryName = entryName;
  }
}

/** Why the blob store or extraction cache refused a key; these point at a bug or tampered data. */
export const ArtifactStorageErrorCode = {
  /** A storage key that would resolve outside the store's root. */
  UnsafeStorageKey: 'UnsafeStorageKey',
  /** Not a lowercase hex SHA-256. */
  InvalidSha256: 'InvalidSha256',
  /** Bytes handed to the cache do not hash to the SHA-256 they were stored under. */
  Sha256Mismatch: 'Sha256Mismatch',
} as const;
export type ArtifactStorageErrorCode =
  (typeof ArtifactStorageErrorCode)[keyof typeof ArtifactStorageErrorCode];

/** A storage key or hash the blob store or extraction cache will not use. */
export class ArtifactStorageError extends Error {
  override readonly name = 'ArtifactStorageError';
  /** Which check failed. */
  readonly code: ArtifactStorageErrorCode;

  constructor(code: ArtifactStorageErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
