import { z } from 'zod';
import { auditedFields, EntityId, UtcTimestamp } from './common.ts';

/** Label of an artifact's mutable snapshot version. */
export const CURRENT_ARTIFACT_VERSION = 'current';

/** A named package of handler code. */
export const ArtifactRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  /** Unique within the tenant. */
  name: z.string(),
  description: z.string().nullable(),
  ...auditedFields,
});
export type ArtifactRecord = z.infer<typeof ArtifactRecord>;

/** One stored package of an artifact, by version label. */
export const ArtifactVersionRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  artifactId: EntityId,
  /** Version label; `current` is the mutable snapshot. */
  version: z.string(),
  /** Lowercase hex SHA-256 of the package bytes. */
  sha256: z.string(),
  byteLength: z.number().int(),
  contentType: z.string().nullable(),
  originalFileName: z.string().nullable(),
  manifestJson: z.string().nullable(),
  /** Where the blob store keeps the bytes. */
  storageKey: z.string().nullable(),
  deletedUtc: UtcTimestamp.nullable(),
  gcEligibleUtc: UtcTimestamp.nullable(),
  ...auditedFields,
});
export type ArtifactVersionRecord = z.infer<typeof ArtifactVersionRecord>;

/** One editable file of an artifact's mutable tree. */
export const ArtifactFileRecord = z.object({
  tenantId: EntityId,
  artifactId: EntityId,
  /** Artifact-relative path with `/` separators. */
  path: z.string(),
  /** Text, or base64 when `isBinary`. */
  content: z.string(),
  contentType: z.string().nullable(),
  isBinary: z.boolean(),
  sha256: z.string(),
  byteLength: z.number().int(),
  createdUtc: UtcTimestamp,
  lastUpdateUtc: UtcTimestamp,
});
export type ArtifactFileRecord = z.infer<typeof ArtifactFileRecord>;
