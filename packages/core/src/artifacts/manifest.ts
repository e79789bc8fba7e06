import {
  ArtifactEntrypoint,
  ArtifactManifest,
  ArtifactRuntimeKey,
  MAX_ENTRYPOINT_NAME_LENGTH,
} from '@tempo/contracts';
import { isSupportedProtocolVersion } from '../process-host/protocol-v1.ts';
import { isUnsafeArtifactPath } from './artifact-path.ts';

/** A manifest read from text: valid and defaulted, or every rule it breaks. */
export type ManifestParseResult =
  | { readonly ok: true; readonly manifest: ArtifactManifest }
  | { readonly ok: false; readonly errors: readonly string[] };

/** The entrypoint a step runs, or why there is none. */
export type EntrypointResolution =
  | { readonly ok: true; readonly name: string; readonly entrypoint: ArtifactEntrypoint }
  | { readonly ok: false; readonly error: string };

/** The spec's message for a missing manifest (§8). */
export const MANIFEST_REQUIRED_MESSAGE = 'artifact manifest is required for artifact-backed runtimes.';

const MANIFEST_KEYS = Object.keys(ArtifactManifest.shape);
const ENTRYPOINT_KEYS = Object.keys(ArtifactEntrypoint.shape);

const isBlank = (value: string | null | undefined): boolean => value == null || value.trim() === '';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Renames keys that match a known field ignoring case to the field's camelCase name, because the
 * .NET server writes PascalCase. Later keys win, as in a case-insensitive JSON reader.
 * `Object.fromEntries` defines properties, so a `__proto__` key cannot reach the prototype.
 */
const canonicalKeys = (value: Record<string, unknown>, known: readonly string[]): Record<string, unknown> => {
  const byLowerCase = new Map(known.map((key) => [key.toLowerCase(), key]));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [byLowerCase.get(key.toLowerCase()) ?? key, item]),
  );
};

// Only field names are matched ignoring case: entrypoint names and the keys inside `metadata` and
// `runtimeSettings` are the author's data and stay exactly as written.
const canonicalManifest = (value: Record<string, unknown>): Record<string, unknown> => {
  const manifest = canonicalKeys(value, MANIFEST_KEYS);
  const { entrypoints } = manifest;
  if (!isPlainObject(entrypoints)) return manifest;
  const renamed = Object.entries(entrypoints).map(([name, entrypoint]) => [
    name,
    isPlainObject(entrypoint) ? canonicalKeys(entrypoint, ENTRYPOINT_KEYS) : entrypoint,
  ]);
  return { ...manifest, entrypoints: Object.fromEntries(renamed) };
};

const hasOnlyNames = (names: readonly string[]): boolean => names.every((name) => !name.includes('='));

const validateEntrypoint = (runtimeKey: ArtifactRuntimeKey, name: string, entrypoint: ArtifactEntrypoint) => {
  const errors: string[] = [];
  // Checks one package-relative path; true when it is present and safe.
  const checkPath = (field: 'command' | 'module', value: string | null): boolean => {
    if (isBlank(value)) {
      errors.push(`entrypoint '${name}' requires ${field}.`);
      return false;
    }
    if (isUnsafeArtifactPath(value)) {
      errors.push(`entrypoint '${name}' ${field} must be a relative artifact path.`);
      return false;
    }
    return true;
  };
  switch (runtimeKey) {
    case 'Artifact.Process':
      checkPath('command', entrypoint.command);
      break;
    case 'Artifact.DotnetProcess':
      if (checkPath('command', entrypoint.command) && !entrypoint.command?.toLowerCase().endsWith('.dll')) {
        errors.push(`entrypoint '${name}' command must reference a .NET assembly dll.`);
      }
      if (isBlank(entrypoint.handlerType)) errors.push(`entrypoint '${name}' requires handlerType.`);
      break;
    case 'Artifact.Python':
    case 'Artifact.JavaScript':
      checkPath('module', entrypoint.module);
      if (isBlank(entrypoint.function)) errors.push(`entrypoint '${name}' requires function.`);
      break;
  }
  if (!hasOnlyNames(entrypoint.environmentAllowList)) {
    errors.push(`entrypoint '${name}' environmentAllowList must contain names only, not values.`);
  }
  return errors;
};

/**
 * Every rule of spec §8 that `manifest` breaks, with the spec's messages, in field order; empty
 * when it is valid. Expects the legacy `protocolVersion` to be folded in already.
 */
export const validateArtifactManifest = (manifest: ArtifactManifest): string[] => {
  const errors: string[] = [];
  if (isBlank(manifest.manifestVersion)) errors.push('manifestVersion is required.');

  const runtimeKey = ArtifactRuntimeKey.safeParse(manifest.runtimeKey);
  if (isBlank(manifest.runtimeKey)) errors.push('runtimeKey is required.');
  else if (!runtimeKey.success) {
    errors.push(
      'runtimeKey must be Artifact.Process, Artifact.Python, Artifact.JavaScript, or Artifact.DotnetProcess.',
    );
  }

  const versions = manifest.supportedProtocolVersions.filter((version) => !isBlank(version));
  if (versions.length === 0) errors.push('supportedProtocolVersions is required.');
  else if (!versions.some((version) => isSupportedProtocolVersion(version))) {
    errors.push('supportedProtocolVersions must overlap server-supported protocol versions.');
  }

  const names = Object.keys(manifest.entrypoints);
  if (names.length === 0) errors.push('entrypoints is required.');
  if (isBlank(manifest.defaultEntrypoint)) errors.push('defaultEntrypoint is required.');
  else if (names.length > 0 && !Object.hasOwn(manifest.entrypoints, manifest.defaultEntrypoint)) {
    errors.push('defaultEntrypoint must reference a manifest entrypoint.');
  }
  if (names.some((name) => isBlank(name))) errors.push('entrypoint names cannot be empty.');
  // A run records the entrypoint it ran in a column of this width.
  if (names.some((name) => name.length > MAX_ENTRYPOINT_NAME_LENGTH))
    errors.push(`entrypoint names cannot be longer than ${MAX_ENTRYPOINT_NAME_LENGTH} characters.`);
  if (!hasOnlyNames(manifest.environmentAllowList)) {
    errors.push('environmentAllowList must contain names only, not values.');
  }

  // Per-entrypoint rules depend on the runtime, so they wait for a valid runtime key.
  if (runtimeKey.success) {
    for (const [name, entrypoint] of Object.entries(manifest.entrypoints)) {
      if (!isBlank(name)) errors.push(...validateEntrypoint(runtimeKey.data, name, entrypoint));
    }
  }
  return errors;
};

/**
 * Reads `tempo.step.json` text: field names in any case, spec defaults filled, the legacy
 * `protocolVersion` copied into an empty `supportedProtocolVersions`, then every §8 rule checked.
 */
export const parseArtifactManifest = (text: string | null | undefined): ManifestParseResult => {
  if (isBlank(text)) return { ok: false, errors: [MANIFEST_REQUIRED_MESSAGE] };
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch (error) {
    return { ok: false, errors: [`artifact manifest is not valid JSON: ${(error as Error).message}`] };
  }
  if (json === null) return { ok: false, errors: [MANIFEST_REQUIRED_MESSAGE] };
  if (!isPlainObject(json)) return { ok: false, errors: ['artifact manifest must be a JSON object.'] };

  const parsed = ArtifactManifest.safeParse(canonicalManifest(json));
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
    );
    return { ok: false, errors };
  }
  const manifest = parsed.data;
  if (manifest.supportedProtocolVersions.length === 0 && !isBlank(manifest.protocolVersion)) {
    manifest.supportedProtocolVersions = [(manifest.protocolVersion ?? '').trim()];
  }
  const errors = validateArtifactManifest(manifest);
  return errors.length === 0 ? { ok: true, manifest } : { ok: false, errors };
};

/**
 * The entrypoint named `name`, or the manifest's `defaultEntrypoint` when `name` is null or blank.
 * Names match exactly, as `defaultEntrypoint` does when the manifest is validated.
 */
export const resolveEntrypoint = (manifest: ArtifactManifest, name: string | null): EntrypointResolution => {
  const requested = isBlank(name) ? null : (name ?? '').trim();
  const chosen = requested ?? manifest.defaultEntrypoint;
  const entrypoint = Object.hasOwn(manifest.entrypoints, chosen) ? manifest.entrypoints[chosen] : undefined;
  if (entrypoint) return { ok: true, name: chosen, entrypoint };
  return {
    ok: false,
    error:
      requested === null
        ? 'defaultEntrypoint must reference a manifest entrypoint.'
        : `entrypoint '${requested}' is not defined in the artifact manifest.`,
  };
};

const pick = (value: object, keys: readonly string[]): Record<string, unknown> => {
  const source = value as Record<string, unknown>;
  return Object.fromEntries(keys.map((key) => [key, source[key]]));
};

/** The manifest as `tempo.step.json` text: camelCase keys in schema order, 2-space indent. */
export const serializeArtifactManifest = (manifest: ArtifactManifest): string => {
  const entrypoints = Object.fromEntries(
    Object.entries(manifest.entrypoints).map(([name, entrypoint]) => [
      name,
      pick(entrypoint, ENTRYPOINT_KEYS),
    ]),
  );
  return JSON.stringify({ ...pick(manifest, MANIFEST_KEYS), entrypoints }, null, 2);
};
