import { TempoError } from '@tempo/contracts';
import type { Repositories } from '@tempo/core/store';

/** What a tenant stores for its artifacts, as the quota counts it. */
export interface TenantArtifactUsage {
  /** Bytes counted against `artifacts.maxBytesPerTenant`. */
  readonly bytes: number;
  /** SHA-256s of the packages the tenant holds (live or retired): storing one again costs nothing. */
  readonly heldSha256s: ReadonlySet<string>;
}

/** A package about to be stored: its bytes, identity and unzipped size. */
export interface PlannedPackage {
  readonly bytes: Buffer;
  readonly sha256: string;
  /** What the package unzips to: its folder in the extraction cache. */
  readonly extractedBytes: number;
}

/**
 * The one accounting of a tenant's artifact storage: each package it holds once (blob bytes plus
 * what it unzips to, whether or not it is unzipped right now, so running a step can never push a
 * tenant past its quota), retired packages until they are collected, and the files of every
 * mutable tree, with or without a manifest.
 */
export const tenantArtifactUsage = async (
  repositories: Repositories,
  tenantId: string,
): Promise<TenantArtifactUsage> => {
  const packages = new Map<string, number>();
  for (const row of await repositories.artifactVersions.inTenant(tenantId).find()) {
    packages.set(row.sha256, row.byteLength + row.extractedBytes);
  }
  let bytes = 0;
  for (const size of packages.values()) bytes += size;
  for (const file of await repositories.artifactFiles.inTenant(tenantId).find()) bytes += file.byteLength;
  return { bytes, heldSha256s: new Set(packages.keys()) };
};

/**
 * Refuses a change that would take the tenant past its quota: `fileDelta` bytes more in the
 * mutable trees and, when given, a package it does not hold yet. A change that frees space is
 * always let through, so a tenant over its quota can still clean up.
 * @throws TempoError `PayloadTooLarge` (413).
 */
export const assertWithinQuota = (
  usage: TenantArtifactUsage,
  maxBytesPerTenant: number,
  fileDelta: number,
  added: PlannedPackage | null,
): void => {
  const packageCost =
    added && !usage.heldSha256s.has(added.sha256) ? added.bytes.length + added.extractedBytes : 0;
  const growth = fileDelta + packageCost;
  if (growth <= 0 || usage.bytes + growth <= maxBytesPerTenant) return;
  throw new TempoError(
    'PayloadTooLarge',
    413,
    `The tenant's artifact storage would grow to ${usage.bytes + growth} bytes, past artifacts.maxBytesPerTenant (${maxBytesPerTenant}). Delete files, versions or artifacts (deleted versions count until they are collected) or ask an operator for a larger quota.`,
    { usedBytes: usage.bytes, requestedBytes: growth, maxBytesPerTenant },
  );
};
