import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The spec's rule for path segments built from ids: anything outside `[A-Za-z0-9_.-]` becomes `_`. */
export const safePathSegment = (value: string): string => {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, '_');
  // `.` and `..` are legal characters but would walk the tree.
  return cleaned === '' || /^\.+$/.test(cleaned) ? '_' : cleaned;
};

/**
 * Creates the per-invocation working folder `{scratchRoot}/{tenantId}/{stepRunId}-{nonce}`; the
 * nonce keeps two attempts of one step run apart.
 */
export const createScratchFolder = async (scratchRoot: string, tenantId: string, stepRunId: string) => {
  const folder = join(
    resolve(scratchRoot),
    safePathSegment(tenantId),
    `${safePathSegment(stepRunId)}-${randomBytes(6).toString('hex')}`,
  );
  await mkdir(folder, { recursive: true, mode: 0o700 });
  return folder;
};

/** Removes a scratch folder and whatever the handler left in it; a folder already gone is fine. */
export const removeScratchFolder = (folder: string) =>
  // Stryker disable next-line BooleanLiteral: without force a missing folder rejects, and the catch answers the same.
  rm(folder, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
