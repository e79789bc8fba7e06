import {
  type ArtifactBlobStore,
  isCollectable,
  type LocalArtifactPackages,
  pinnedPackagesOf,
} from '@tempo/core/artifacts';
import { op, type Repositories } from '@tempo/core/store';

/** What collection and sweeping work over. */
export interface ArtifactHousekeepingDependencies {
  readonly repositories: Repositories;
  readonly blobs: ArtifactBlobStore;
  readonly packages: LocalArtifactPackages;
}

/**
 * Files no row names are left this long before a sweep removes them: a write in flight has its
 * blob on disk a moment before its row, possibly in another server process.
 */
export const ORPHAN_MIN_AGE_MS = 10 * 60_000;

/** States in which a run may still open the packages its snapshot pins. */
const UNFINISHED_STATES = ['Queued', 'Running'] as const;

/**
 * The package SHA-256s a tenant's queued and running runs pin, read from their stored execution
 * snapshots: the database is the one record every server (and the runs it hands to workers)
 * shares. Null when a snapshot cannot be read, so the caller keeps everything for now.
 */
export const packagesPinnedByRuns = async (
  repositories: Repositories,
  tenantId: string,
): Promise<ReadonlySet<string> | null> => {
  const pinned = new Set<string>();
  const runs = await repositories.flowRuns.inTenant(tenantId).find({ state: op.in([...UNFINISHED_STATES]) });
  for (const run of runs) {
    const found = pinnedPackagesOf(run.executionSnapshotJson);
    if (found === null) return null;
    for (const sha256 of found) pinned.add(sha256);
  }
  return pinned;
};

/**
 * Collects a tenant's retired packages that are due: past their `gcEligibleUtc` and pinned by no
 * queued or running run. The row goes, and the blob and unpacked folder with it once no other
 * row names the bytes. The caller serializes this with the tenant's other artifact writes.
 * @returns how many retired rows were collected.
 */
export const collectRetiredPackages = async (
  deps: ArtifactHousekeepingDependencies,
  tenantId: string,
  nowMs = Date.now(),
): Promise<number> => {
  const versions = deps.repositories.artifactVersions.inTenant(tenantId);
  const due = await versions.find({ gcEligibleUtc: op.range({ lte: new Date(nowMs).toISOString() }) });
  if (due.length === 0) return 0;
  const pinned = await packagesPinnedByRuns(deps.repositories, tenantId);
  if (pinned === null) return 0;
  let collected = 0;
  for (const row of due) {
    if (!isCollectable(row, nowMs, pinned)) continue;
    await versions.delete(row.id);
    collected += 1;
    if ((await versions.count({ sha256: row.sha256 })) > 0) continue;
    if (row.storageKey) await deps.blobs.delete(row.storageKey);
    await deps.packages.evict(tenantId, row.sha256);
  }
  return collected;
};

/** What one sweep of the stores removed. */
export interface SweepReport {
  readonly blobsRemoved: number;
  readonly foldersRemoved: number;
}

/**
 * Removes from the blob store and the extraction cache what no version row of any tenant names
 * (a deleted tenant's leftovers, blobs of writes that crashed before their row), and the
 * `*.tmp` / `*.evicted` leftovers of crashed writes and unzips; only files older than
 * {@link ORPHAN_MIN_AGE_MS}, so a write in flight is never taken.
 */
export const sweepUnreferenced = async (
  deps: ArtifactHousekeepingDependencies,
  minAgeMs = ORPHAN_MIN_AGE_MS,
): Promise<SweepReport> => {
  const keys = new Set<string>();
  const named: { tenantId: string; sha256: string }[] = [];
  for (const tenant of await deps.repositories.tenants.find()) {
    for (const row of await deps.repositories.artifactVersions.inTenant(tenant.id).find()) {
      if (row.storageKey) keys.add(row.storageKey);
      named.push({ tenantId: tenant.id, sha256: row.sha256 });
    }
  }
  const blobsRemoved = await deps.blobs.sweep(keys, minAgeMs);
  const foldersRemoved = await deps.packages.sweep(named, minAgeMs);
  return { blobsRemoved, foldersRemoved };
};
