import { assertSha256 } from './storage-paths.ts';

/**
 * How long a retired package stays at least, whatever the grace period: a run being enqueued
 * pins its packages before its row is written, so a package retired in that instant must outlive
 * the gap. Also the age below which a sweep leaves a file no row names (a write in flight).
 */
export const RETIRED_PACKAGE_MIN_AGE_MS = 5_000;

const DAY_MS = 86_400_000;

/** Prefix of the label a retired version row is given; user labels start with a letter or digit. */
const RETIRED_LABEL_PREFIX = '~retired~';

/** The label a retired version row takes, so its own label can be used again at once. */
export const retiredVersionLabel = (rowId: string): string => `${RETIRED_LABEL_PREFIX}${rowId}`;

/** Whether a label is one {@link retiredVersionLabel} wrote. */
export const isRetiredVersionLabel = (label: string): boolean => label.startsWith(RETIRED_LABEL_PREFIX);

/** Options of {@link collectableAfter}. */
export interface RetentionOptions {
  /** `artifacts.versionGracePeriodDays` for deleted versions; replaced `current` snapshots use 0. */
  readonly gracePeriodDays: number;
}

/**
 * The instant (ISO UTC) from which a package retired at `retiredMs` may be collected, if no run
 * pins it then: the grace period, but never less than {@link RETIRED_PACKAGE_MIN_AGE_MS}.
 */
export const collectableAfter = (retiredMs: number, options: RetentionOptions): string =>
  new Date(retiredMs + Math.max(options.gracePeriodDays * DAY_MS, RETIRED_PACKAGE_MIN_AGE_MS)).toISOString();

/** What the collection rule reads of a retired package. */
export interface RetiredPackage {
  readonly sha256: string;
  readonly gcEligibleUtc: string | null;
}

/**
 * The one rule of collection, shared by the server's store and (through the same inputs) by a
 * worker's cache of unpacked packages: a retired package goes once its grace has passed and no
 * queued or running run pins its SHA-256. `pinned` holds the SHA-256s those runs pin.
 */
export const isCollectable = (
  retired: RetiredPackage,
  nowMs: number,
  pinned: ReadonlySet<string>,
): boolean => {
  if (pinned.has(retired.sha256)) return false;
  const eligible = retired.gcEligibleUtc === null ? Number.NaN : Date.parse(retired.gcEligibleUtc);
  // A row without a readable date is kept: collecting too late loses nothing.
  return Number.isFinite(eligible) && eligible <= nowMs;
};

/**
 * The package SHA-256s a run's execution snapshot pins: each step's pinned artifact
 * (`steps.{key}.artifact`, an `ArtifactPin` of kind `pinned`).
 * @returns null when the text is not a snapshot this function can read, so the caller can keep
 * everything rather than guess.
 */
export const pinnedPackagesOf = (snapshotJson: string | null): string[] | null => {
  if (snapshotJson === null || snapshotJson === '') return [];
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(snapshotJson);
  } catch {
    return null;
  }
  if (typeof snapshot !== 'object' || snapshot === null) return null;
  const steps = (snapshot as { steps?: unknown }).steps;
  if (steps === undefined) return [];
  if (typeof steps !== 'object' || steps === null) return null;
  const found: string[] = [];
  for (const step of Object.values(steps)) {
    const pin = (step as { artifact?: { kind?: unknown; artifact?: { sha256?: unknown } } | null } | null)
      ?.artifact;
    if (pin?.kind !== 'pinned') continue;
    const sha256 = pin.artifact?.sha256;
    if (typeof sha256 !== 'string') return null;
    try {
      found.push(assertSha256(sha256));
    } catch {
      return null;
    }
  }
  return found;
};
