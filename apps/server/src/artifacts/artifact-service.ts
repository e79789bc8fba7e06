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
  collectableAfter,
  contentTypeForPath,
  findManifestFile,
  inspectZipPackage,
  KeyedSerializer,
  type LocalArtifactPackages,
  normalizeArtifactPath,
  type PackageFile,
  parseArtifactManifest,
  readZipPackage,
  retiredVersionLabel,
  sha256Hex,
} from '@tempo/core/artifacts';
import type { ArtifactPin } from '@tempo/core/engine';
import { newId } from '@tempo/core/ids';
import type { Logger } from '@tempo/core/logging';
import type { Repositories, RowOf, Tables } from '@tempo/core/store';
import { collectRetiredPackages, type SweepReport, sweepUnreferenced } from './artifact-housekeeping.ts';
import { type CurrentPlan, infoOf, packageFileOf, planCurrent } from './artifact-tree.ts';
import { assertWithinQuota, type PlannedPackage, tenantArtifactUsage } from './artifact-usage.ts';

type VersionRow = RowOf<typeof Tables.artifactVersions>;
type SnapshotOutcome = Omit<ArtifactFileChangeResponse, 'file'>;

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

/** A manifest the uploader sent (in the package or the query) must be valid; none at all is fine. */
const checkedManifest = (text: string | null): string | null => {
  if (text === null) return null;
  const checked = parseArtifactManifest(text);
  if (!checked.ok) throw CommonErrors.badRequest(checked.errors.join(' '), { errors: checked.errors });
  return text;
};

/** Version rows that are not retired: what the API shows and labels resolve to. */
const LIVE = { deletedUtc: null } as const;

/**
 * Artifacts' files and versions: the mutable tree and its `current` snapshot, uploaded versions,
 * downloads, deletion guards and the resolution of a step's version label at run start. Metadata
 * lives in the database, package bytes in the blob store.
 *
 * Every write of a tenant's artifacts runs in that tenant's queue, so the quota check, the blob,
 * its row and the choice of a version label are one unit in this process. A package a version
 * stops naming is retired, not deleted: its row stays (under a label of its own) until the grace
 * period has passed and no queued or running run pins it, and is collected after that.
 */
export class ArtifactService {
  readonly #deps: ArtifactServiceDependencies;
  readonly #tenants = new KeyedSerializer();

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

  /** Runs a write in the tenant's queue, then collects what has become due. */
  #write<T>(tenantId: string, write: () => Promise<T>): Promise<T> {
    return this.#tenants.run(tenantId, async () => {
      const result = await write();
      await collectRetiredPackages(this.#deps, tenantId);
      return result;
    });
  }

  /**
   * Creates or replaces one file, then rebuilds the `current` snapshot. Refused as a whole when
   * the file and its snapshot would not fit the tenant's quota.
   */
  async saveFile(
    tenantId: string,
    artifactId: string,
    rawPath: string,
    body: SaveArtifactFileRequest,
  ): Promise<ArtifactFileChangeResponse> {
    const path = this.#path(rawPath);
    let bytes: Buffer;
    if (body.isBinary) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.content))
        throw CommonErrors.badRequest('content must be base64 when isBinary is true.');
      bytes = Buffer.from(body.content, 'base64');
    } else {
      bytes = Buffer.from(body.content, 'utf8');
    }
    return this.#write(tenantId, async () => {
      await this.requireArtifact(tenantId, artifactId);
      const rows = await this.#deps.repositories.artifactFiles.inTenant(tenantId).find({ artifactId });
      const previous = rows.find((row) => row.path === path);
      // An edit keeps the file's mode; a new shell script is made executable, as before modes were kept.
      const saved: PackageFile = { path, bytes, executable: previous?.isExecutable ?? path.endsWith('.sh') };
      const files = [...rows.filter((row) => row.path !== path).map(packageFileOf), saved];
      const plan = await planCurrent(files, true);
      await this.#assertQuota(tenantId, bytes.length - (previous?.byteLength ?? 0), plan);
      await this.#writeFiles(tenantId, artifactId, [saved], body.contentType ?? null);
      const file = await this.#deps.repositories.artifactFiles
        .inTenant(tenantId)
        .findOne({ artifactId, path });
      return { file: file ? infoOf(file) : null, ...(await this.#commitCurrent(tenantId, artifactId, plan)) };
    });
  }

  async deleteFile(
    tenantId: string,
    artifactId: string,
    rawPath: string,
  ): Promise<ArtifactFileChangeResponse> {
    const path = this.#path(rawPath);
    return this.#write(tenantId, async () => {
      await this.requireArtifact(tenantId, artifactId);
      const files = this.#deps.repositories.artifactFiles.inTenant(tenantId);
      const removed = await files.deleteWhere({ artifactId, path });
      if (removed === 0) throw CommonErrors.notFound('ArtifactFile', path);
      const plan = await planCurrent((await files.find({ artifactId })).map(packageFileOf), true);
      // No quota check: the tree shrinks, and a tenant over its quota must be able to clean up.
      return { file: null, ...(await this.#commitCurrent(tenantId, artifactId, plan)) };
    });
  }

  /** Replaces the whole mutable tree (a generated source package, a seeded sample). */
  replaceFiles(tenantId: string, artifactId: string, files: readonly PackageFile[]) {
    return this.#write(tenantId, () => this.#replaceFiles(tenantId, artifactId, files, true));
  }

  async #replaceFiles(
    tenantId: string,
    artifactId: string,
    files: readonly PackageFile[],
    requireManifest: boolean,
  ): Promise<SnapshotOutcome> {
    const table = this.#deps.repositories.artifactFiles.inTenant(tenantId);
    const previous = await table.find({ artifactId });
    const plan = await planCurrent(files, requireManifest);
    const fileDelta =
      files.reduce((sum, file) => sum + file.bytes.length, 0) -
      previous.reduce((sum, row) => sum + row.byteLength, 0);
    await this.#assertQuota(tenantId, fileDelta, plan);
    await table.deleteWhere({ artifactId });
    await this.#writeFiles(tenantId, artifactId, files, null);
    return this.#commitCurrent(tenantId, artifactId, plan);
  }

  async #assertQuota(tenantId: string, fileDelta: number, plan: CurrentPlan | PlannedPackage | null) {
    const pkg = plan === null || 'bytes' in plan ? plan : plan.kind === 'snapshot' ? plan.pkg : null;
    const usage = await tenantArtifactUsage(this.#deps.repositories, tenantId);
    assertWithinQuota(usage, this.#deps.settings.maxBytesPerTenant, fileDelta, pkg);
  }

  /** Stores a planned `current` snapshot; without one the files stay saved and the answer says why. */
  async #commitCurrent(tenantId: string, artifactId: string, plan: CurrentPlan): Promise<SnapshotOutcome> {
    if (plan.kind === 'none')
      return { artifactVersion: null, snapshotUpdated: false, snapshotError: plan.reason };
    const version = await this.#storeVersion(tenantId, artifactId, plan.pkg, {
      version: CURRENT_ARTIFACT_VERSION,
      contentType: 'application/zip',
      originalFileName: `${artifactId}-current.zip`,
      manifestJson: plan.manifestJson,
    });
    return {
      artifactVersion: { id: version.id, artifactId, version: version.version, sha256: version.sha256 },
      snapshotUpdated: true,
      snapshotError: null,
    };
  }

  /**
   * Stores an uploaded package as a version; `current` also replaces the mutable tree. A package
   * without `tempo.step.json` is accepted (as v0.3.0 does): the manifest is checked when a step
   * runs it. A manifest that is present must be valid.
   */
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
    // Checked outside the tenant's queue: unzipping is the slow part and touches no record.
    // `current` alone needs the files, for the mutable tree; the others are checked by streaming,
    // so a small upload that inflates to the limit costs no memory.
    if (query.version === CURRENT_ARTIFACT_VERSION) {
      const files = await readZipPackage(bytes, packageLimitsOf(settings)).catch(badPackage);
      const inPackage = findManifestFile(files);
      const manifestText = checkedManifest(inPackage?.bytes.toString('utf8') ?? query.manifestJson ?? null);
      const withManifest =
        inPackage || manifestText === null
          ? files
          : [...files, { path: 'tempo.step.json', bytes: Buffer.from(manifestText), executable: false }];
      return this.#write(tenantId, async () => {
        await this.requireArtifact(tenantId, artifactId);
        const rebuilt = await this.#replaceFiles(tenantId, artifactId, withManifest, false);
        if (!rebuilt.artifactVersion)
          throw CommonErrors.badRequest(rebuilt.snapshotError ?? 'The package could not be imported.');
        return this.#versionRow(tenantId, artifactId, CURRENT_ARTIFACT_VERSION);
      });
    }
    const summary = await inspectZipPackage(bytes, packageLimitsOf(settings)).catch(badPackage);
    const manifestText = checkedManifest(
      summary.manifest?.bytes.toString('utf8') ?? query.manifestJson ?? null,
    );
    const pkg: PlannedPackage = { bytes, sha256, extractedBytes: summary.extractedBytes };
    return this.#write(tenantId, async () => {
      await this.requireArtifact(tenantId, artifactId);
      // Chosen in the tenant's queue: two uploads can no longer pick the same free label.
      const label = query.version ?? (await this.#nextLabel(tenantId, artifactId));
      const versions = this.#deps.repositories.artifactVersions.inTenant(tenantId);
      if (await versions.findOne({ artifactId, version: label })) {
        throw CommonErrors.conflict(`Artifact ${artifactId} already has a version '${label}'.`, {
          version: label,
        });
      }
      await this.#assertQuota(tenantId, 0, pkg);
      return this.#storeVersion(tenantId, artifactId, pkg, {
        version: label,
        contentType: query.contentType ?? 'application/zip',
        originalFileName: query.originalFileName ?? `${artifactId}-${label}.zip`,
        manifestJson: manifestText,
      });
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

  /**
   * Deletes a version no step names. Its package is retired for `artifacts.versionGracePeriodDays`
   * (and while a queued or running run pins it), so runs that already use it are not broken.
   */
  deleteVersion(tenantId: string, artifactId: string, version: string): Promise<void> {
    return this.#write(tenantId, async () => {
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
      await this.#retire(tenantId, row, this.#deps.settings.versionGracePeriodDays);
    });
  }

  /** Deletes everything an artifact holds (its metadata row is the caller's); packages are retired. */
  purge(tenantId: string, artifactId: string): Promise<void> {
    return this.#write(tenantId, async () => {
      const versions = this.#deps.repositories.artifactVersions.inTenant(tenantId);
      for (const row of await versions.find({ artifactId, ...LIVE }))
        await this.#retire(tenantId, row, this.#deps.settings.versionGracePeriodDays);
      await this.#deps.repositories.artifactFiles.inTenant(tenantId).deleteWhere({ artifactId });
    });
  }

  /**
   * Removes a deleted tenant's package bytes and unpacked folders. Its rows are gone and its runs
   * stopped before this is called, so nothing can pin them any more.
   */
  deleteTenantStorage(tenantId: string): Promise<void> {
    return this.#tenants.run(tenantId, async () => {
      await this.#deps.blobs.deleteTenant(tenantId);
      await this.#deps.packages.evictTenant(tenantId);
    });
  }

  /**
   * One housekeeping pass: every tenant's due retired packages collected (each in its tenant's
   * queue), then blobs and unpacked folders no row names removed, with the leftovers of crashed
   * writes and unzips.
   */
  async housekeep(): Promise<{ collected: number } & SweepReport> {
    let collected = 0;
    for (const tenant of await this.#deps.repositories.tenants.find()) {
      collected += await this.#tenants.run(tenant.id, () => collectRetiredPackages(this.#deps, tenant.id));
    }
    return { collected, ...(await sweepUnreferenced(this.#deps)) };
  }

  /**
   * Starts a housekeeping pass now, beside the start-up rather than before it (its sweeps only
   * take what is old and unnamed, so writes may go on meanwhile), then every
   * `artifacts.gcIntervalMinutes`. Failures are logged; the next pass tries again. `stop()`
   * waits for a pass in flight, so it ends before the database closes.
   */
  startHousekeeping(log: Logger): { stop(): Promise<void> } {
    let running: Promise<void> | null = null;
    const pass = () => {
      // A pass still going when the next is due (a slow disk) is not doubled up.
      running ??= this.housekeep()
        .then(
          (report) => {
            if (report.collected + report.blobsRemoved + report.foldersRemoved > 0)
              log.info(report, 'artifact storage housekeeping removed retired and unreferenced packages');
          },
          (error: unknown) =>
            log.warn({ err: error }, 'artifact storage housekeeping failed; the next pass tries again'),
        )
        .finally(() => {
          running = null;
        });
    };
    pass();
    const timer = setInterval(pass, this.#deps.settings.gcIntervalMinutes * 60_000);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  }

  /**
   * The version a step's label means now: an explicit label, `current`, or `latest` / none = the
   * newest uploaded version, else `current`. Runs pin the answer when they start.
   */
  async resolvePin(tenantId: string, artifactId: string, label: string | null): Promise<ArtifactPin> {
    const versions = this.#deps.repositories.artifactVersions.inTenant(tenantId);
    const wanted = label?.trim() || 'latest';
    let row: VersionRow | null;
    if (wanted.toLowerCase() === 'latest') {
      const all = await versions.find({ artifactId, active: true, ...LIVE });
      const uploaded = all.filter((version) => version.version !== CURRENT_ARTIFACT_VERSION);
      row = uploaded.at(-1) ?? all.find((version) => version.version === CURRENT_ARTIFACT_VERSION) ?? null;
    } else {
      row = await versions.findOne({ artifactId, version: wanted, ...LIVE });
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
        isExecutable: file.executable,
        contentType: contentType ?? contentTypeForPath(file.path, isBinary),
        sha256: sha256Hex(file.bytes),
        byteLength: file.bytes.length,
        lastUpdateUtc: stamp,
      };
      const changed = await table.updateWhere({ artifactId, path: file.path }, fields);
      if (changed === 0) await table.create({ artifactId, path: file.path, createdUtc: stamp, ...fields });
    }
  }

  /**
   * Writes a package's blob, then its row; a blob whose row could not be written is removed
   * again. A label that named other bytes before keeps them reachable through a retired row.
   */
  async #storeVersion(
    tenantId: string,
    artifactId: string,
    pkg: PlannedPackage,
    meta: { version: string; contentType: string; originalFileName: string; manifestJson: string | null },
  ): Promise<ArtifactVersionRecord> {
    const { blobs, repositories } = this.#deps;
    const versions = repositories.artifactVersions.inTenant(tenantId);
    const existing = await versions.findOne({ artifactId, version: meta.version, ...LIVE });
    if (existing?.sha256 === pkg.sha256) return existing;
    const stored = await blobs.put(tenantId, pkg.bytes);
    const fields = {
      ...meta,
      sha256: pkg.sha256,
      byteLength: stored.byteLength,
      extractedBytes: pkg.extractedBytes,
      storageKey: stored.storageKey,
    };
    try {
      if (!existing) return await versions.create({ id: newId('artifactVersion'), artifactId, ...fields });
      // The old bytes get their retired row before the label moves, so no instant leaves them unnamed.
      await this.#retire(tenantId, existing, 0, true);
      return (await versions.update(existing.id, fields)) ?? existing;
    } catch (error) {
      if ((await versions.count({ sha256: pkg.sha256 })) === 0) await blobs.delete(stored.storageKey);
      throw error;
    }
  }

  /**
   * Retires a version's package: the row keeps naming the bytes under a label no client can use,
   * collectable after the grace period. `asCopy` leaves the row itself to its label (a `current`
   * snapshot about to name new bytes) and retires a copy of it.
   */
  async #retire(tenantId: string, row: VersionRow, gracePeriodDays: number, asCopy = false) {
    const versions = this.#deps.repositories.artifactVersions.inTenant(tenantId);
    const retiredMs = Date.now();
    const retired = {
      deletedUtc: new Date(retiredMs).toISOString(),
      gcEligibleUtc: collectableAfter(retiredMs, { gracePeriodDays }),
      isProtected: false,
    };
    if (!asCopy) {
      await versions.update(row.id, { ...retired, version: retiredVersionLabel(row.id) });
      return;
    }
    const id = newId('artifactVersion');
    const { tenantId: _tenant, id: _id, createdUtc: _created, lastUpdateUtc: _updated, ...copied } = row;
    await versions.create({ ...copied, ...retired, id, version: retiredVersionLabel(id) });
  }

  async #versionRow(tenantId: string, artifactId: string, version: string) {
    const row = await this.#deps.repositories.artifactVersions
      .inTenant(tenantId)
      .findOne({ artifactId, version, ...LIVE });
    if (!row) throw CommonErrors.notFound('ArtifactVersion', `${artifactId}@${version}`);
    return row;
  }

  async #nextLabel(tenantId: string, artifactId: string): Promise<string> {
    const labels = new Set(
      (await this.#deps.repositories.artifactVersions.inTenant(tenantId).find({ artifactId, ...LIVE })).map(
        (row) => row.version,
      ),
    );
    let n = labels.size;
    while (labels.has(`v${n}`) || n === 0) n += 1;
    return `v${n}`;
  }
}
