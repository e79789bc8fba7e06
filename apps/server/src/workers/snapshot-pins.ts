/** Lowercase hex SHA-256. */
const SHA256 = /^[0-9a-f]{64}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The package hashes a run's execution snapshot pins: the `sha256` of every step whose artifact
 * is `pinned` (spec §4.6: a worker may fetch only these). Text that is not a snapshot pins nothing.
 */
export const pinnedPackagesOf = (snapshotJson: string | null): ReadonlySet<string> => {
  const pins = new Set<string>();
  if (!snapshotJson) return pins;
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(snapshotJson);
  } catch {
    return pins;
  }
  const steps = isObject(snapshot) ? snapshot.steps : undefined;
  if (!isObject(steps)) return pins;
  for (const step of Object.values(steps)) {
    const pin = isObject(step) ? step.artifact : undefined;
    if (!isObject(pin) || pin.kind !== 'pinned' || !isObject(pin.artifact)) continue;
    const sha256 = pin.artifact.sha256;
    if (typeof sha256 === 'string' && SHA256.test(sha256.toLowerCase())) pins.add(sha256.toLowerCase());
  }
  return pins;
};
