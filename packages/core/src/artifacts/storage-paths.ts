import { isAbsolute, relative, resolve, sep } from 'node:path';
import { safePathSegment } from '../process-host/scratch-folder.ts';
import { ArtifactStorageError } from './errors.ts';

/** A tenant id as one folder name: `[A-Za-z0-9_.-]` kept, anything else `_`, never `.` or `..`. */
export const tenantSegment = (tenantId: string): string => safePathSegment(tenantId);

/** Refuses anything but a lowercase hex SHA-256, so a hash can be used as a file name. */
export const assertSha256 = (sha256: string): string => {
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new ArtifactStorageError('InvalidSha256', `Not a lowercase hex SHA-256: ${JSON.stringify(sha256)}`);
  }
  return sha256;
};

/**
 * `relativePath` resolved under `root`, refused unless it lands strictly inside it; keys and
 * package paths come from stored data and archives, so they are checked, never trusted.
 */
export const resolveInside = (root: string, relativePath: string): string => {
  const base = resolve(root);
  const target = resolve(base, relativePath);
  const rel = relative(base, target);
  if (
    relativePath.includes('\0') ||
    rel === '' ||
    isAbsolute(rel) ||
    rel === '..' ||
    rel.startsWith(`..${sep}`)
  ) {
    throw new ArtifactStorageError(
      'UnsafeStorageKey',
      `Path escapes its storage root: ${JSON.stringify(relativePath)}`,
    );
  }
  return target;
};
