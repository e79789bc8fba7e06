import { col, table } from '../table-model.ts';
import { audited, timestamps } from './common-columns.ts';

/** `artifacts`: unique name per tenant. */
export const artifacts = table(
  'artifacts',
  { id: col.id(), tenantId: col.id(), name: col.text(), description: col.text(1000).nullable(), ...audited },
  { unique: [['tenantId', 'name']] },
);

/**
 * `artifact_versions`: stored packages; the blob lives in the blob store under `storageKey`. A
 * row with `deletedUtc` set is a retired package (a deleted version, or a `current` snapshot that
 * was replaced): it keeps its blob named until `gcEligibleUtc` has passed and no queued or running
 * run pins it, and its label is rewritten so the label is free again.
 */
export const artifactVersions = table(
  'artifact_versions',
  {
    id: col.id(),
    tenantId: col.id(),
    artifactId: col.id(),
    version: col.text(128),
    sha256: col.text(64),
    byteLength: col.bigint().default(0),
    /** What the package unzips to, in bytes: counted in the tenant's storage quota (schema 5). */
    extractedBytes: col.bigint().default(0),
    contentType: col.text().nullable(),
    originalFileName: col.text().nullable(),
    manifestJson: col.longText().nullable(),
    storageKey: col.text(1000).nullable(),
    deletedUtc: col.timestamp().nullable(),
    gcEligibleUtc: col.timestamp().nullable(),
    ...audited,
  },
  { unique: [['tenantId', 'artifactId', 'version']], indexes: [['tenantId', 'sha256'], ['gcEligibleUtc']] },
);

/** `artifact_files`: the mutable file tree; composite key (tenant, artifact, path). */
export const artifactFiles = table(
  'artifact_files',
  {
    tenantId: col.id(),
    artifactId: col.id(),
    path: col.text(512),
    content: col.longText(),
    contentType: col.text().nullable(),
    isBinary: col.bool().default(false),
    /** Whether the file is zipped with execute bits (schema 5); kept from an uploaded package. */
    isExecutable: col.bool().default(false),
    sha256: col.text(64),
    byteLength: col.bigint().default(0),
    ...timestamps,
  },
  { primaryKey: ['tenantId', 'artifactId', 'path'] },
);
