import { z } from 'zod';
import { MAX_ENTRYPOINT_NAME_LENGTH } from './artifact-manifest.ts';

/** Env var names (never `name=value`) a handler process may see. */
const EnvironmentReferences = z
  .array(
    z
      .string()
      .trim()
      .min(1, 'environmentReferences cannot contain empty names.')
      .refine((name) => !name.includes('='), 'environmentReferences must contain names only, not values.'),
  )
  .default([]);

/** Extra command-line arguments passed to a process; no control characters. */
const Arguments = z
  .array(
    z
      .string()
      .refine(
        (value) => ![...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f),
        'arguments cannot contain control characters.',
      ),
  )
  .default([]);

/** Settings of an outbound HTTP call (`External.Rest`, `Legacy.InlineRest` and inline REST). */
export const RestStepConfiguration = z.object({
  /** HTTP method; default `GET`. */
  method: z.string().trim().toUpperCase().default('GET'),
  /** Absolute http(s) URL. */
  url: z.url({ protocol: /^https?$/ }),
  /** Request headers. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Request timeout in milliseconds; default 30000. */
  timeoutMs: z.number().int().min(0).max(86_400_000).default(30_000),
});
export type RestStepConfiguration = z.infer<typeof RestStepConfiguration>;

/** Fields naming an artifact and its entrypoint. */
const artifactFields = {
  /** The artifact holding the code. */
  artifactId: z.string().min(1),
  /**
   * Version label, `current` (the mutable snapshot) or `latest` (the newest uploaded version,
   * else `current`); default null = `latest`. Pinned when a run starts.
   */
  artifactVersion: z.string().trim().min(1).nullable().default(null),
  /** Manifest entrypoint name; default null = the manifest's `defaultEntrypoint`. */
  entrypoint: z.string().trim().min(1).max(MAX_ENTRYPOINT_NAME_LENGTH).nullable().default(null),
  arguments: Arguments,
  environmentReferences: EnvironmentReferences,
};

/** `Builtin.Class`: an in-process registered step class. */
export const BuiltinClassConfig = z.object({
  runtimeKey: z.literal('Builtin.Class'),
  identifier: z.string().min(1),
  typeName: z.string().nullable().default(null),
  assemblyName: z.string().nullable().default(null),
  assemblyVersion: z.string().nullable().default(null),
  signatureHash: z.string().nullable().default(null),
});

/** `Builtin.Method`: an in-process registered step function. */
export const BuiltinMethodConfig = z.object({
  runtimeKey: z.literal('Builtin.Method'),
  identifier: z.string().min(1),
  declaringType: z.string().nullable().default(null),
  methodName: z.string().nullable().default(null),
  assemblyName: z.string().nullable().default(null),
  assemblyVersion: z.string().nullable().default(null),
  signatureHash: z.string().nullable().default(null),
});

/** `Builtin.Unknown`: a legacy built-in awaiting reconciliation. */
export const BuiltinUnknownConfig = z.object({
  runtimeKey: z.literal('Builtin.Unknown'),
  identifier: z.string().min(1),
});

/** `External.Rest`: a persisted outbound HTTP call. */
export const ExternalRestConfig = RestStepConfiguration.extend({ runtimeKey: z.literal('External.Rest') });

/** `Legacy.InlineRest`: read-only compatibility for old inline REST transitions. */
export const LegacyInlineRestConfig = RestStepConfiguration.extend({
  runtimeKey: z.literal('Legacy.InlineRest'),
});

/** `Artifact.Process`: an executable from an artifact package. */
export const ArtifactProcessConfig = z.object({
  runtimeKey: z.literal('Artifact.Process'),
  ...artifactFields,
});

/** `Artifact.DotnetProcess`: a .NET assembly from an artifact package. */
export const ArtifactDotnetProcessConfig = z.object({
  runtimeKey: z.literal('Artifact.DotnetProcess'),
  ...artifactFields,
});

/** `Artifact.Python`: a Python function from an artifact package. */
export const ArtifactPythonConfig = z.object({
  runtimeKey: z.literal('Artifact.Python'),
  ...artifactFields,
  module: z.string().nullable().default(null),
  function: z.string().nullable().default(null),
  /** Requested interpreter version, informational. */
  pythonVersion: z.string().nullable().default(null),
});

/** `Artifact.JavaScript`: a JavaScript function from an artifact package. */
export const ArtifactJavaScriptConfig = z.object({
  runtimeKey: z.literal('Artifact.JavaScript'),
  ...artifactFields,
  module: z.string().nullable().default(null),
  function: z.string().nullable().default(null),
});

/** `Host.Executable`: an operator-allowlisted executable on the host. */
export const HostExecutableConfig = z.object({
  runtimeKey: z.literal('Host.Executable'),
  /** Key of an enabled entry of `runtimes.hostExecutables.allowList`. */
  allowListKey: z
    .string()
    .min(1, 'allowListKey is required.')
    .regex(/^[A-Za-z0-9_.-]+$/, 'allowListKey contains invalid characters.'),
  arguments: Arguments,
});

/** Provider-specific step configuration, discriminated by `runtimeKey`. */
export const RuntimeConfig = z
  .discriminatedUnion('runtimeKey', [
    BuiltinClassConfig,
    BuiltinMethodConfig,
    BuiltinUnknownConfig,
    ExternalRestConfig,
    LegacyInlineRestConfig,
    ArtifactProcessConfig,
    ArtifactDotnetProcessConfig,
    ArtifactPythonConfig,
    ArtifactJavaScriptConfig,
    HostExecutableConfig,
  ])
  // OpenAPI readers pick the member by runtimeKey.
  .meta({ discriminator: { propertyName: 'runtimeKey' } });
export type RuntimeConfig = z.infer<typeof RuntimeConfig>;
