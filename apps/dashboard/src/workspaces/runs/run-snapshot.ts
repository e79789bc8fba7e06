/** One step of a run's execution snapshot and the artifact version it was pinned to at run start. */
export type SnapshotArtifact = {
  readonly executionKey: string;
  readonly stepId: string | null;
  readonly runtimeKey: string;
  readonly pin:
    | {
        readonly kind: 'pinned';
        readonly artifactId: string;
        readonly version: string;
        readonly sha256: string;
      }
    | { readonly kind: 'unresolved'; readonly message: string };
};

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const pinOf = (artifact: unknown): SnapshotArtifact['pin'] | null => {
  if (!isObject(artifact)) return null;
  if (artifact.kind === 'unresolved') return { kind: 'unresolved', message: text(artifact.message) ?? '' };
  const pinned = artifact.artifact;
  if (artifact.kind !== 'pinned' || !isObject(pinned)) return null;
  const artifactId = text(pinned.artifactId);
  const version = text(pinned.version);
  if (artifactId === null || version === null) return null;
  return { kind: 'pinned', artifactId, version, sha256: text(pinned.sha256) ?? '' };
};

/**
 * The artifact versions a run's snapshot froze when it was enqueued (`executionSnapshotJson`):
 * one entry per artifact-backed step, ordered by execution key. Steps without an artifact are
 * left out; text that is not a snapshot (an old run, a hidden value) gives an empty list.
 */
export const snapshotArtifacts = (snapshotJson: string | null): SnapshotArtifact[] => {
  if (!snapshotJson) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(snapshotJson);
  } catch {
    return [];
  }
  if (!isObject(parsed) || !isObject(parsed.steps)) return [];
  const entries: SnapshotArtifact[] = [];
  for (const [executionKey, step] of Object.entries(parsed.steps)) {
    if (!isObject(step)) continue;
    const pin = pinOf(step.artifact);
    if (!pin) continue;
    entries.push({ executionKey, stepId: text(step.id), runtimeKey: text(step.runtimeKey) ?? '', pin });
  }
  return entries.sort((a, b) => a.executionKey.localeCompare(b.executionKey));
};
