import { ArtifactEntrypoint, ArtifactManifest } from '@tempo/contracts';
import { normalizeProtocolVersion, SUPPORTED_PROTOCOL_VERSIONS } from '../process-host/protocol-v1.ts';
import { isUnsafeArtifactPath } from './artifact-paths.ts';

/** A manifest read and validated, or every reason it is not valid. */
export type ManifestCheck =
  | { readonly ok: true; readonly manifest: ArtifactManifest }
  | { readonly ok: false; readonly errors: readonly string[] };

const ARTIFACT_RUNTIMES = [
  'Artifact.Process',
  'Artifact.Python',
  'Artifact.JavaScript',
  'Artifact.DotnetProcess',
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Renames an object's keys to the schema's spelling, ignoring case: the .NET server writes
 * manifests in PascalCase, people write camelCase, and both must read the same.
 */
const canonicalKeys = (value: unknown, names: readonly string[]): unknown => {
  if (!isRecord(value)) return value;
  const byLower = new Map(names.map((name) => [name.toLowerCase(), name]));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [byLower.get(key.toLowerCase()) ?? key, item]),
  );
};

const MANIFEST_KEYS = Object.keys(ArtifactManifest.shape);
const ENTRYPOINT_KEYS = Object.keys(ArtifactEntrypoint.shape);

/** The spec's rules for one entrypoint of a runtime. */
const entrypointErrors = (runtimeKey: string, name: string, entry: ArtifactEntrypoint): string[] => {
  const errors: string[] = [];
  if (runtimeKey === 'Artifact.Process' || runtimeKey === 'Artifact.DotnetProcess') {
    if (!entry.command?.trim()) errors.push(`entrypoint '${name}' requires command.`);
    else if (isUnsafeArtifactPath(entry.command))
      errors.push(`entrypoint '${name}' command must be a relative artifact path.`);
    else if (runtimeKey === 'Artifact.DotnetProcess' && !entry.command.toLowerCase().endsWith('.dll')) {
      errors.push(`entrypoint '${name}' command must reference a .NET assembly dll.`);
    }
    if (runtimeKey === 'Artifact.DotnetProcess' && !entry.handlerType?.trim()) {
      errors.push(`entrypoint '${name}' requires handlerType.`);
    }
  } else {
    if (!entry.module?.trim()) errors.push(`entrypoint '${name}' requires module.`);
    else if (runtimeKey === 'Artifact.JavaScript' && isUnsafeArtifactPath(entry.module)) {
      errors.push(`entrypoint '${name}' module must be a relative artifact path.`);
    } else if (
      runtimeKey === 'Artifact.Python' &&
      !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(entry.module)
    ) {
      errors.push(`entrypoint '${name}' module must be a dotted Python module name.`);
    }
    if (!entry.function.trim()) errors.push(`entrypoint '${name}' requires function.`);
  }
  return errors;
};

/** The spec's rules for a whole manifest, in its order. */
const manifestErrors = (manifest: ArtifactManifest): string[] => {
  const errors: string[] = [];
  if (!manifest.manifestVersion.trim()) errors.push('manifestVersion is required.');
  const runtimeKey = manifest.runtimeKey?.trim() ?? '';
  if (runtimeKey === '') errors.push('runtimeKey is required.');
  else if (!ARTIFACT_RUNTIMES.includes(runtimeKey)) {
    errors.push(
      'runtimeKey must be Artifact.Process, Artifact.Python, Artifact.JavaScript, or Artifact.DotnetProcess.',
    );
  }
  if (manifest.supportedProtocolVersions.length === 0) errors.push('supportedProtocolVersions is required.');
  else if (
    !manifest.supportedProtocolVersions.some((version) =>
      SUPPORTED_PROTOCOL_VERSIONS.includes(normalizeProtocolVersion(version)),
    )
  ) {
    errors.push('supportedProtocolVersions must overlap server-supported protocol versions.');
  }
  const names = Object.keys(manifest.entrypoints);
  if (names.length === 0) errors.push('entrypoints is required.');
  if (!manifest.defaultEntrypoint.trim()) errors.push('defaultEntrypoint is required.');
  else if (names.length > 0 && !names.includes(manifest.defaultEntrypoint)) {
    errors.push('defaultEntrypoint must reference a manifest entrypoint.');
  }
  for (const name of names) {
    if (!name.trim()) {
      errors.push('entrypoint names cannot be empty.');
      continue;
    }
    const entry = manifest.entrypoints[name] as ArtifactEntrypoint;
    if (ARTIFACT_RUNTIMES.includes(runtimeKey)) errors.push(...entrypointErrors(runtimeKey, name, entry));
  }
  for (const name of [
    ...manifest.environmentAllowList,
    ...Object.values(manifest.entrypoints).flatMap((e) => e.environmentAllowList),
  ]) {
    if (!name.trim() || name.includes('='))
      errors.push('environmentAllowList must contain names only, not values.');
  }
  return [...new Set(errors)];
};

/** Reads `tempo.step.json` text: keys in any case, defaults filled in, every spec rule checked. */
export const checkArtifactManifest = (text: string | null | undefined): ManifestCheck => {
  if (text === null || text === undefined || text.trim() === '') {
    return { ok: false, errors: ['artifact manifest is required for artifact-backed runtimes.'] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`artifact manifest is not valid JSON: ${(error as Error).message}`] };
  }
  const top = canonicalKeys(raw, MANIFEST_KEYS);
  if (!isRecord(top)) return { ok: false, errors: ['artifact manifest must be a JSON object.'] };
  const entrypoints = isRecord(top.entrypoints)
    ? Object.fromEntries(
        Object.entries(top.entrypoints).map(([name, entry]) => [name, canonicalKeys(entry, ENTRYPOINT_KEYS)]),
      )
    : top.entrypoints;
  const parsed = ArtifactManifest.safeParse({ ...top, entrypoints });
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map(
        (issue) => `artifact manifest ${issue.path.join('.') || 'document'}: ${issue.message}`,
      ),
    };
  }
  const manifest = parsed.data;
  const withVersions =
    manifest.supportedProtocolVersions.length === 0 && manifest.protocolVersion
      ? { ...manifest, supportedProtocolVersions: [manifest.protocolVersion] }
      : manifest;
  const errors = manifestErrors(withVersions);
  return errors.length === 0 ? { ok: true, manifest: withVersions } : { ok: false, errors };
};

/** Writes a manifest as the JSON text stored in packages (camelCase, two-space indent). */
export const formatArtifactManifest = (manifest: ArtifactManifest): string =>
  `${JSON.stringify(manifest, null, 2)}\n`;
