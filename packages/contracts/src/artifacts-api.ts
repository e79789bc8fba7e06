import { z } from 'zod';
import { MAX_ENTRYPOINT_NAME_LENGTH } from './artifact-manifest.ts';
import { ArtifactRecord, ArtifactVersionRecord } from './artifacts.ts';
import { JsonText, UtcTimestamp } from './common.ts';
import { ExecutionKey, StepRecord } from './definitions.ts';
import { StepContractType } from './enums.ts';

// The stored name column is 255 characters wide (v0.3.0's requests took 500).
const name = z.string().trim().min(1, 'name is required.').max(255);
const description = z.string().max(1000).nullish();

/** `POST .../artifacts`. */
export const CreateArtifactRequest = z.object({ name, description, isProtected: z.boolean().optional() });
export type CreateArtifactRequest = z.infer<typeof CreateArtifactRequest>;

/** `PUT .../artifacts/{id}`: only the fields sent change. */
export const UpdateArtifactRequest = z.object({
  name: name.optional(),
  description,
  active: z.boolean().optional(),
});
export type UpdateArtifactRequest = z.infer<typeof UpdateArtifactRequest>;

/** `?path=` of the file routes: artifact-relative, `/` separators, URL-encoded. */
export const ArtifactFilePathQuery = z.object({ path: z.string().min(1, 'path is required.').max(512) });
export type ArtifactFilePathQuery = z.infer<typeof ArtifactFilePathQuery>;

/** One file of an artifact's mutable tree, without its content. */
export const ArtifactFileInfo = z.object({
  path: z.string(),
  contentType: z.string().nullable(),
  isBinary: z.boolean(),
  byteLength: z.number().int(),
  sha256: z.string(),
  lastUpdateUtc: UtcTimestamp,
});
export type ArtifactFileInfo = z.infer<typeof ArtifactFileInfo>;

/** One file with its content: text as is, binary as base64. */
export const ArtifactFileContent = ArtifactFileInfo.extend({ content: z.string() });
export type ArtifactFileContent = z.infer<typeof ArtifactFileContent>;

/** A media type such as `application/zip`: it is sent back as a `Content-Type` header. */
const MediaType = z
  .string()
  .max(200)
  .regex(/^[\x21-\x7e]+\/[\x20-\x7e]+$/, 'contentType must be a media type such as application/zip.');

/** `PUT .../files/content?path=`: the query's path wins over `path` here. */
export const SaveArtifactFileRequest = z.object({
  path: z.string().max(512).nullish(),
  /** Text, or base64 when `isBinary`. */
  content: z.string(),
  contentType: MediaType.nullish(),
  isBinary: z.boolean().default(false),
});
export type SaveArtifactFileRequest = z.infer<typeof SaveArtifactFileRequest>;

/** The `current` snapshot a file change produced. */
export const ArtifactVersionSummary = z.object({
  id: z.string(),
  artifactId: z.string(),
  version: z.string(),
  sha256: z.string(),
});
export type ArtifactVersionSummary = z.infer<typeof ArtifactVersionSummary>;

/** Answer of a file save or delete: the snapshot is rebuilt only when the tree still has a valid manifest. */
export const ArtifactFileChangeResponse = z.object({
  file: ArtifactFileInfo.nullable(),
  artifactVersion: ArtifactVersionSummary.nullable(),
  snapshotUpdated: z.boolean(),
  /** Why the snapshot was not rebuilt (no or invalid `tempo.step.json`). */
  snapshotError: z.string().nullable(),
});
export type ArtifactFileChangeResponse = z.infer<typeof ArtifactFileChangeResponse>;

/** Query of `POST .../versions` (the body is the package bytes). */
export const UploadArtifactVersionQuery = z.object({
  /** Label (semver, build label, or `current`); default `v{n}`, the next free number. */
  version: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/, 'version may hold letters, digits and . _ + - only.')
    .optional(),
  /** Expected SHA-256 (hex); the upload is refused when the bytes differ. */
  sha256: z
    .string()
    .regex(/^[A-Fa-f0-9]{64}$/, 'sha256 must be 64 hex digits.')
    .optional(),
  originalFileName: z.string().max(255).optional(),
  contentType: MediaType.optional(),
  /** The manifest, when the package holds none. */
  manifestJson: z.string().max(1_000_000).optional(),
});
export type UploadArtifactVersionQuery = z.infer<typeof UploadArtifactVersionQuery>;

/** Path of the version routes. */
export const ArtifactVersionParams = z.object({
  tenantId: z.string(),
  id: z.string(),
  version: z.string().min(1).max(128),
});

/** Languages of source steps, by their canonical names. */
export const SourceLanguage = z.enum(['Python', 'JavaScript', 'CSharp']);
export type SourceLanguage = z.infer<typeof SourceLanguage>;

const LANGUAGE_ALIASES: Readonly<Record<string, SourceLanguage>> = {
  python: 'Python',
  py: 'Python',
  javascript: 'JavaScript',
  java_script: 'JavaScript',
  js: 'JavaScript',
  node: 'JavaScript',
  nodejs: 'JavaScript',
  csharp: 'CSharp',
  'c#': 'CSharp',
  cs: 'CSharp',
  dotnet: 'CSharp',
  '.net': 'CSharp',
};

/** `POST .../steps/source`: a step and its artifact from pasted code. */
export const SourceStepCreateRequest = z.object({
  executionKey: ExecutionKey.nullish(),
  name,
  description,
  /** `Python` (`py`), `JavaScript` (`js`, `node`, `nodejs`) or `CSharp` (`c#`, `cs`, `dotnet`, `.net`); default Python. */
  language: z
    .string()
    .default('Python')
    .transform((value, ctx) => {
      const language = LANGUAGE_ALIASES[value.trim().toLowerCase()];
      if (!language) {
        ctx.addIssue({ code: 'custom', message: 'language must be Python, JavaScript, or CSharp.' });
        return z.NEVER;
      }
      return language;
    }),
  code: z.string().min(1, 'code is required.').max(1_000_000),
  fileName: z
    .string()
    .max(255)
    .refine((value) => !/[\\/]/.test(value), 'fileName must be a simple file name without path separators.')
    .nullish(),
  artifactName: z.string().trim().min(1).max(255).nullish(),
  version: z.string().max(128).nullish(),
  entrypoint: z
    .string()
    .trim()
    .min(1, 'entrypoint is required.')
    .max(MAX_ENTRYPOINT_NAME_LENGTH)
    .default('main'),
  module: z.string().trim().min(1).nullish(),
  function: z.string().trim().min(1, 'function is required.').default('run'),
  handlerType: z
    .string()
    .trim()
    .min(1, 'handlerType is required for CSharp source steps.')
    .default('Tempo.UserSteps.Handler'),
  contractType: StepContractType.default('Loose'),
  inputSchema: JsonText.nullish(),
  outputSchema: JsonText.nullish(),
  validateInput: z.boolean().default(false),
  validateOutput: z.boolean().default(false),
  maxRuntimeMs: z.number().int().min(0, 'maxRuntimeMs must be 0 or greater.').max(86_400_000).default(0),
  active: z.boolean().default(true),
});
export type SourceStepCreateRequest = z.infer<typeof SourceStepCreateRequest>;

/** Answer of a source step: the step, its generated artifact and the `current` version that runs. */
export const SourceStepCreateResponse = z.object({
  step: StepRecord,
  artifact: ArtifactRecord,
  artifactVersion: ArtifactVersionRecord,
});
export type SourceStepCreateResponse = z.infer<typeof SourceStepCreateResponse>;
