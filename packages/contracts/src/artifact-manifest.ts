import { z } from 'zod';

/**
 * A field the spec gives a non-null default: absent or JSON `null` both take the default, because
 * the .NET server and hand-written manifests write explicit nulls for "not set".
 */
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
  schema.nullish().transform((value): z.output<T> => value ?? fallback);

/** A string that may be absent; absent and `null` both read as `null`. */
const optionalText = () => z.string().nullable().default(null);

/** Free-form runtime settings (e.g. `requirementsFile`); values are any JSON. */
const RuntimeSettings = z.record(z.string(), z.unknown());

/** The runtime keys a package can target, in the order the spec lists them. */
export const ArtifactRuntimeKey = z.enum([
  'Artifact.Process',
  'Artifact.Python',
  'Artifact.JavaScript',
  'Artifact.DotnetProcess',
]);
export type ArtifactRuntimeKey = z.infer<typeof ArtifactRuntimeKey>;

/** Longest entrypoint name: runs record the entrypoint they ran in a column this wide. */
export const MAX_ENTRYPOINT_NAME_LENGTH = 255;

/** One named way into a package (spec §8, "Entrypoint"). */
export const ArtifactEntrypoint = z.object({
  /** Package-relative program to run; required by `Artifact.Process` and `Artifact.DotnetProcess` (a `.dll`). */
  command: optionalText(),
  /** Python: dotted module name; JavaScript: package-relative file path. */
  module: optionalText(),
  /** Function the language shim calls; default `run`. */
  function: withDefault(z.string(), 'run'),
  /** .NET handler type name; required by `Artifact.DotnetProcess`. */
  handlerType: optionalText(),
  /** Appended to the command line; default `[]`. */
  args: withDefault(z.array(z.string()), []),
  /** Env var names (never values) this entrypoint may read; default `[]`. */
  environmentAllowList: withDefault(z.array(z.string()), []),
  /** JSON Schema text for the step input, or null. */
  inputSchema: optionalText(),
  /** JSON Schema text for the step output, or null. */
  outputSchema: optionalText(),
  /** JSON Schema text for tenant-supplied arguments, or null. */
  argumentSchema: optionalText(),
  /** Overrides the manifest-level `runtimeSettings` key by key; default `{}`. */
  runtimeSettings: withDefault(RuntimeSettings, {}),
});
export type ArtifactEntrypoint = z.infer<typeof ArtifactEntrypoint>;

/**
 * The package manifest `tempo.step.json` (spec §8), camelCase. This schema checks shapes and fills
 * defaults only; the spec's validation rules and messages live with the manifest parser in core.
 */
export const ArtifactManifest = z.object({
  /** Manifest format version; default `"1"`, must not be blank. */
  manifestVersion: withDefault(z.string(), '1'),
  /** One of {@link ArtifactRuntimeKey}; kept as text so a wrong value gets the spec's message. */
  runtimeKey: optionalText(),
  /** Legacy single protocol version; copied into `supportedProtocolVersions` when that is empty. */
  protocolVersion: optionalText(),
  /** Protocol versions the package speaks; must overlap the server's (`1.0`). Default `[]`. */
  supportedProtocolVersions: withDefault(z.array(z.string()), []),
  /** Entrypoint used when a step names none; default `default`, must be a key of `entrypoints`. */
  defaultEntrypoint: withDefault(z.string(), 'default'),
  /** Entrypoints by name; at least one, names non-empty. Default `{}`. */
  entrypoints: withDefault(z.record(z.string(), ArtifactEntrypoint), {}),
  /** Env var names (never values) every entrypoint may read; default `[]`. */
  environmentAllowList: withDefault(z.array(z.string()), []),
  /** JSON Schema text for the step input, or null. */
  inputSchema: optionalText(),
  /** JSON Schema text for the step output, or null. */
  outputSchema: optionalText(),
  /** Runtime settings for every entrypoint, e.g. `requirementsFile`; default `{}`. */
  runtimeSettings: withDefault(RuntimeSettings, {}),
  /** Free-form string labels; source steps add `sourceLanguage` and `generatedBy`. Default `{}`. */
  metadata: withDefault(z.record(z.string(), z.string()), {}),
  /**
   * The package's handler speaks protocol v1 persistent mode (one process, many invocations), so
   * the engine may keep it warm; default false. A Tempo extension beyond the v0.3.0 manifest.
   */
  persistent: withDefault(z.boolean(), false),
});
export type ArtifactManifest = z.infer<typeof ArtifactManifest>;
