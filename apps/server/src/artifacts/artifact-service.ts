import {
  type ArtifactFileChangeResponse,
  type ArtifactFileInfo,
  type ArtifactSettings,
  type ArtifactVersionRecord,
  CommonErrors,
  CURRENT_ARTIFACT_VERSION,
  type SaveArtifactFileRequest,
  TempoError,
  type UploadArtifactVersionQuery,
} from '@tempo/contracts';
import {
  type ArtifactBlobStore,
  ArtifactPackageError,
  classifyFileContent,
  contentTypeForPath,
  fileContentBytes,
  findManifestFile,
  type LocalArtifactPackages,
  normalizeArtifactPath,
  type PackageFile,
  parseArtifactManifest,
  readZipManifest,
  readZipPackage,
  sha256Hex,
  writeZipPackage,
} from '@tempo/core/artifacts';
import type { ArtifactPin } from '@tempo/core/engine';
import { newId } from '@tempo/core/ids';
import type { Repositories, RowOf, Tables } from '@tempo/core/store';

type FileRow = RowOf<typeof Tables.artifactFiles>;

/** What the artifact service works over. */
export interface ArtifactServiceDependencies {
  readonly repositories: Repositories;
  readonly blobs: ArtifactBlobStore;
  readonly packages: LocalArtifactPackages;
  readonly settings: ArtifactSettings;
}

/** Most entries one package may hold. */
const MAX_PACKAGE_ENTRIES = 10_000;

/** What one package may unpack to: a bounded entry count, and at most four times the upload limit. */
export const packageLimitsOf = (settings: ArtifactSettings) => ({
  maxEntries: MAX_PACKAGE_ENTRIES,
  maxTotalBytes: settings.maxUploadBytes * 4,
});

const now = () => new Date().toISOString();

const infoOf = (row: FileRow): ArtifactFileInfo => ({
  path: row.path,
  contentType: row.contentType,
  isBinary: row.isBinary,
  byteLength: row.byteLength,
  sha256: row.sha256,
  lastUpdateUtc: row.lastUpdateUtc,
});

const badPackage = (error: unknown): never => {
  if (error instanceof ArtifactPackageError) {
    throw new TempoError(
      error.code === 'TooLarge' ? 'PayloadTooLarge' : 'BadRequest',
      error.code === 'TooLarge' ? 413 : 400,
      error.message,
      {
        problem: error.code,
      },
    );
  }
  throw error;
};

/**
 * Artifacts' files and versions: the mutable tree and its `current` snapshot, uploaded versions,
 * downloads, deletion guards and the resolution of a step's version label at run start. Metadata
 * lives in the database, package bytes in the blob store.
 */
export class ArtifactService {
  readonly #deps: ArtifactServiceDependencies;

  constructor(deps: ArtifactServiceDependencies) {
    this.#deps = deps;
  }

  async requireArtifact(tenantId: string, artifactId: string) {
    return this.#deps.repositories.artifacts.inTenant(tenantId).require(artifactId, 'Artifact');
  }

  async listFiles(tenantId: string, artifactId: string): Promise<ArtifactFileInfo[]> {
    await this.requireArtifact(tenantId, artifactId);
    const rows = await this.#deps.repositories.artifactFiles.inTenant(tenantId).find({ artifactId });
    return rows.map(infoOf);
  }

  async readFile(tenantId: string, artifactId: string, rawPath: string) {
    await this.requireArtifact(tenantId, artifactId);
    const path = this.#path(rawPath);
    const row = await this.#deps.repositories.artifactFiles.inTenant(tenantId).findOne({ artifactId, path });
    if (!row) throw CommonErrors.notFound('ArtifactFile', path);
    return { ...infoOf(row), content: row.content };
  }

  /** Creates or replaces one file, then rebuilds the `current` snapshot. */
  async saveFile(
    tenantId: string,
    artifactId: string,
    rawPath: string,
    body: SaveArtifactFileRequest,
  ): Promise<ArtifactFileChangeResponse> {
    await this.requireArtifact(tenantId, artifactId);
    const path = this.#path(rawPath);
    let bytes: Buffer;
    if (body.isBinary) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.content))
        throw CommonErrors.badRequest('content must be base64 when isBinary is true.');
      bytes = Buffer.from(body.content, 'base64');
    } else {
      bytes = Buffer.from(body.content, 'utf8');
    }
    await this.#writeFiles(
      tenantId,
      artifactId,
      [{ path, bytes, executable: false }],
      body.contentType ?? null,
    );
    const saved = await this.#deps.repositories.artifactFiles
      .inTenant(tenantId)
      .findOne({ artifactId, path });
    return { file: saved ? infoOf(saved) : null, ...(await this.rebuildCurrent(tenantId, artifactId)) };
  }

  async deleteFile(
    tenantId: string,
    artifactId: string,
    rawPath: string,
  ): Promise<ArtifactFileChangeResponse> {
    await this.requireArtifact(tenantId, artifactId);
    const path = this.#path(rawPath);
    const removed = await this.#deps.repositories.artifactFiles
      .inTenant(tenantId)
      .deleteWhere({ artifactId, path });
    if (removed === 0) throw CommonErrors.notFound('ArtifactFile', path);
    return { file: null, ...(await this.rebuildCurrent(tenantId, artifactId)) };
  }

  /** Replaces the whole mutable tree (a `current` upload or a generated source package). */
  async replaceFiles(tenantId: string, artifactId: string, files: readonly PackageFile[]) {
    await this.#deps.repositories.artifactFiles.inTenant(tenantId).deleteWhere({ artifactId });
    await this.#writeFiles(tenantId, artifactId, files, null);
    return this.rebuildCurrent(tenantId, artifactId);
  }

  /**
   * Zips the mutable tree into the `current` version when it holds a valid manifest; otherwise the
   * files stay saved and the answer says why the snapshot was not rebuilt.
   */
  async rebuildCurrent(
    tenantId: string,
    artifactId: string,
  ): Promise<Omit<ArtifactFileChangeResponse, 'file'>> {
    const rows = await this.#deps.repositories.artifactFiles.inTenant(tenantId).find({ artifactId });
    const files = rows.map((row) => ({
      path: row.path,
      bytes: fileContentBytes(row),
      executable: row.path.endsWith('.sh'),
    }));
    const manifestFile = findManifestFile(files);
    const manifestRow = rows.find((row) => row.path === manifestFile?.path);
    const checked = manifestRow && !manifestRow.isBinary ? parseArtifactManifest(manifestRow.content) : null;
    if (!checked?.ok) {
      const snapshotError = checked ? checked.errors.join(' ') : 'tempo.step.json is missing or is not text.';
      return { artifactVersion: null, snapshotUpdated: false, snapshotError };
    }
    const version = await this.#storeVersion(tenantId, artifactId, await writeZipPackage(files), {
      version: CURRENT_ARTIFACT_VERSION,
      contentType: 'application/zip',
      originalFileName: `${artifactId}-current.zip`,
      manifestJson: manifestRow?.content ?? null,
    });
    return {
      artifactVersion: { id: version.id, artifactId, version: version.version, sha256: version.sha256 },
      snapshotUpdated: true,
      snapshotError: null,
    };
  }

  /** Stores an uploaded package as a version; `current` also replaces the mutable tree. */
  async uploadVersion(
    tenantId: string,
    artifactId: string,
    bytes: Buffer,
    query: UploadArtifactVersionQuery,
  ): Promise<ArtifactVersionRecord> {
    await this.requireArtifact(tenantId, artifactId);
    const { settings } = this.#deps;
    if (bytes.length === 0)
      throw CommonErrors.badRequest('The upload is empty; send the package bytes as the body.');
    if (bytes.length > settings.maxUploadBytes) {
      throw new TempoError(
        'PayloadTooLarge',
        413,
        `The package is larger than artifacts.maxUploadBytes (${settings.maxUploadBytes}).`,
      );
    }
    const sha256 = sha256Hex(bytes);
    if (query.sha256 && query.sha256.toLowerCase() !== sha256) {
      throw CommonErrors.badRequest(
        `The package's SHA-256 is ${sha256}, not the expected ${query.sha256.toLowerCase()}.`,
      );
    }
    // Checked by streaming: only the manifest is kept, so a small upload that inflates to the
    // limit costs no memory. `current` alone needs the files, for the mutable tree, and takes
    // its manifest from them rather than inflating the package twice.
    const isCurrent = query.version === CURRENT_ARTIFACT_VERSION;
    const files = isCurrent ? await readZipPackage(bytes, packageLimitsOf(settings)).catch(badPackage) : null;
    const manifestFile = files
      ? findManifestFile(files)
      : await readZipManifest(bytes, packageLimitsOf(settings)).catch(badPackage);
    const manifestText = manifestFile?.bytes.toString('utf8') ?? query.manifestJson ?? null;
    const checked = parseArtifactManifest(manifestText);
    if (!checked.ok) throw CommonErrors.badRequest(checked.errors.join(' '), { errors: checked.errors });
    if (files) {
      const withManifest = findManifestFile(files)
        ? files
        : [...files, { path: 'tempo.step.json', bytes: Buffer.from(manifestText ?? ''), executable: false }];
      const rebuilt = await this.replaceFiles(tenantId, artifactId, withManifest);
      if (!rebuilt.artifactVersion)
        throw CommonErrors.badRequest(rebuilt.snapshotError ?? 'The package could not be imported.');
      return this.#versionRow(tenantId, artifactId, CURRENT_ARTIFACT_VERSION);
    }
    const label = query.version ?? (await this.#nextLabel(tenantId, artifactId));
    const versions = this.#deps.repositories.artifactVersions.inTenant(tenantId);
    if (await versions.findOne({ artifactId, version: label })) {
      throw CommonErrors.conflict(`Artifact ${artifactId} already has a version '${label}'.`, {
        version: label,
      });
    }
    return this.#storeVersion(tenantId, artifactId, bytes, {
      version: label,
      contentType: query.contentType ?? 'application/zip',
      originalFileName: query.originalFileName ?? `${artifactId}-${label}.zip`,
      manifestJson: manifestText,
    });
  }

  async getVersion(tenantId: string, artifactId: string, version: string) {
    await this.requireArtifact(tenantId, artifactId);
    return this.#versionRow(tenantId, artifactId, version);
  }

  async download(tenantId: string, artifactId: string, version: string) {
    const row = await this.getVersion(tenantId, artifactId, version);
    const bytes = row.storageKey ? await this.#deps.blobs.read(row.storageKey) : null;
    if (!bytes) throw CommonErrors.notFound('ArtifactVersionContent', row.id);
    return { row, bytes };
  }

  /** Deletes a version no step names; its blob goes when no other version shares it. */
  async deleteVersion(tenantId: string, artifactId: string, version: string): Promise<void> {
    const row = await this.getVersion(tenantId, artifactId, version);
    if (row.isProtected) throw CommonErrors.protectedRecord('ArtifactVersion', row.id);
    const users = await this.#deps.repositories.steps
      .inTenant(tenantId)
      .find({ artifactId, artifactVersion: version });
    if (users.length > 0) {
      throw new TempoError(
        'InUse',
        409,
        `Version '${version}' is used by step(s) ${users.map((step) => step.executionKey).join(', ')}.`,
      );
    }
    await this.#deps.repositories.artifactVersions.inTenant(tenantId).delete(row.id);
    await this.#dropBlobIfUnused(tenantId, row.sha256, row.storageKey);
  }

  /** Deletes everything an artifact holds (its metadata row is the caller's). */
  async purge(tenantId: string, artifactId: string): Promise<void> {
    const versions = this.#deps.repositories.artifactVersions.inTenant(tenantId);
    const rows = await versions.find({ artifactId });
    await versions.deleteWhere({ artifactId });
    await this.#deps.repositories.artifactFiles.inTenant(tenantId).deleteWhere({ artifactId });
    for (const row of rows) await this.#dropBlobIfUnused(tenantId, row.sha256, row.storageKey);
  }

  /**
   * The version a step's label means now: an explicit label, `current`, or `latest` / none = the
   * newest uploaded version, else `current`. Runs pin the answer when they start.
   */
  async resolvePin(tenantId: string, artifactId: string, label: string | null): Promise<ArtifactPin> {
    const versions = this.#deps.repositories.artifactVersions.inTenant(tenantId);
    const wanted = label?.trim() || 'latest';
    let row: RowOf<typeof Tables.artifactVersions> | null;
    if (wanted.toLowerCase() === 'latest') {
      const all = await versions.find({ artifactId, active: true });
      const uploaded = all.filter((version) => version.version !== CURRENT_ARTIFACT_VERSION);
      row = uploaded.at(-1) ?? all.find((version) => version.version === CURRENT_ARTIFACT_VERSION) ?? null;
    } else {
      row = await versions.findOne({ artifactId, version: wanted });
    }
    if (!row)
      return {
        kind: 'unresolved',
        message: `Artifact ${artifactId} has no version '${wanted}' in this tenant.`,
      };
    return {
      kind: 'pinned',
      artifact: { artifactId, artifactVersionId: row.id, version: row.version, sha256: row.sha256 },
    };
  }

  #path(raw: string): string {
    const path = normalizeArtifactPath(raw);
    if (!path) throw CommonErrors.badRequest(`path '${raw}' is not a safe artifact-relative path.`);
    return path;
  }

  async #writeFiles(
    tenantId: string,
    artifactId: string,
    files: readonly PackageFile[],
    contentType: string | null,
  ) {
    const table = this.#deps.repositories.artifactFiles.inTenant(tenantId);
    const stamp = now();
    for (const file of files) {
      const { isBinary, content } = classifyFileContent(file.bytes);
      const fields = {
        content,
        isBinary,
        contentType: contentType ?? contentTypeForPath(file.path, isBinary),
        sha256: sha256Hex(file.bytes),
        byteLength: file.bytes.length,
        lastUpdateUtc: stamp,
      };
      const changed = await table.updateWhere({ artifactId, path: file.path }, fields);
      if (changed === 0) await table.create({ artifactId, path: file.path, createdUtc: stamp, ...fields });
    }
  }

  async #storeVersion(
    tenantId: string,
    artifactId: string,
    bytes: Buffer,
    meta: { version: string; contentType: string; originalFileName: string; manifestJson: string | null },
  ): Promise<ArtifactVersionRecord> {
    const { blobs, settings, repositories } = this.#deps;
    const versions = repositories.artifactVersions.inTenant(tenantId);
    const existing = await versions.findOne({ artifactId, version: meta.version });
    const sha256 = sha256Hex(bytes);
    if (existing?.sha256 === sha256) return existing;
    const storageKey = blobs.storageKeyFor(tenantId, sha256);
    if (
      !(await blobs.exists(storageKey)) &&
      (await blobs.tenantBytes(tenantId)) + bytes.length > settings.maxBytesPerTenant
    ) {
      throw new TempoError(
        'PayloadTooLarge',
        413,
        `The tenant's artifact storage would exceed artifacts.maxBytesPerTenant (${settings.maxBytesPerTenant}).`,
      );
    }
    const stored = await blobs.put(tenantId, bytes);
    const fields = { ...meta, sha256, byteLength: stored.byteLength, storageKey: stored.storageKey };
    if (existing) {
      const updated = (await versions.update(existing.id, fields)) ?? existing;
      await this.#dropBlobIfUnused(tenantId, existing.sha256, existing.storageKey);
      return updated;
    }
    return versions.create({ id: newId('artifactVersion'), artifactId, ...fields });
  }

  async #versionRow(tenantId: string, artifactId: string, version: string) {
    const row = await this.#deps.repositories.artifactVersions
      .inTenant(tenantId)
      .findOne({ artifactId, version });
    if (!row) throw CommonErrors.notFound('ArtifactVersion', `${artifactId}@${version}`);
    return row;
  }

  async #nextLabel(tenantId: string, artifactId: string): Promise<string> {
    const labels = new Set(
      (await this.#deps.repositories.artifactVersions.inTenant(tenantId).find({ artifactId })).map(
        (row) => row.version,
      ),
    );
    let n = labels.size;
    while (labels.has(`v${n}`) || n === 0) n += 1;
    return `v${n}`;
  }

  async #dropBlobIfUnused(tenantId: string, sha256: string, storageKey: string | null) {
    const sharing = await this.#deps.repositories.artifactVersions.inTenant(tenantId).count({ sha256 });
    if (sharing > 0 || !storageKey) return;
    await this.#deps.blobs.delete(storageKey);
    await this.#deps.packages.evict(tenantId, sha256);
  }
}
