import { z } from 'zod';

/** Named runtime settings of a manifest or entrypoint (`requirementsFile`, ...). */
const RuntimeSettings = z.record(z.string(), z.unknown()).default({});

/** One way to start an artifact's handler (`tempo.step.json` → `entrypoints.{name}`). */
export const ArtifactEntrypoint = z.object({
  /** Package-relative executable (`Artifact.Process`) or `.dll` (`Artifact.DotnetProcess`). */
  command: z.string().nullable().default(null),
  /** Dotted module (Python) or package-relative file (JavaScript). */
  module: z.string().nullable().default(null),
  /** Function called with the request; default `run`. */
  function: z.string().default('run'),
  /** Handler class of a .NET entrypoint. */
  handlerType: z.string().nullable().default(null),
  /** Arguments appended to the command line. */
  args: z.array(z.string()).default([]),
  /** Environment variable names the entrypoint asks for. */
  environmentAllowList: z.array(z.string()).default([]),
  inputSchema: z.string().nullable().default(null),
  outputSchema: z.string().nullable().default(null),
  argumentSchema: z.string().nullable().default(null),
  /** Overrides the manifest's `runtimeSettings`. */
  runtimeSettings: RuntimeSettings,
});
export type ArtifactEntrypoint = z.infer<typeof ArtifactEntrypoint>;

/** An artifact package's manifest, `tempo.step.json` at the package root. */
export const ArtifactManifest = z.object({
  /** Default `1`. */
  manifestVersion: z.string().default('1'),
  /** One of the four artifact runtimes. */
  runtimeKey: z.string().nullable().default(null),
  /** Legacy single version, copied into `supportedProtocolVersions` when that is empty. */
  protocolVersion: z.string().nullable().default(null),
  supportedProtocolVersions: z.array(z.string()).default([]),
  /** Entrypoint used when a step names none; default `default`. */
  defaultEntrypoint: z.string().default('default'),
  entrypoints: z.record(z.string(), ArtifactEntrypoint).default({}),
  /** Environment variable names every entrypoint asks for. */
  environmentAllowList: z.array(z.string()).default([]),
  inputSchema: z.string().nullable().default(null),
  outputSchema: z.string().nullable().default(null),
  runtimeSettings: RuntimeSettings,
  /** Free-form labels; source steps add `sourceLanguage` and `generatedBy`. */
  metadata: z.record(z.string(), z.string()).default({}),
});
export type ArtifactManifest = z.infer<typeof ArtifactManifest>;
/** A manifest as written: every field optional. */
export type ArtifactManifestInput = z.input<typeof ArtifactManifest>;

/** The file name of the manifest at a package's root. */
export const ARTIFACT_MANIFEST_FILE = 'tempo.step.json';
