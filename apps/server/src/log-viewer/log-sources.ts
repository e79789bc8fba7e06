import { constants } from 'node:fs';
import { access, lstat, readdir, realpath, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { LogFileRecord, LogSourceKind, LogSourceRecord, TempoSettings } from '@tempo/contracts';
import type { Repositories } from '@tempo/core/store';
import { assertSafeWorkerId, isSafeWorkerId, logFileMatcher, rollNumberOf } from './log-paths.ts';
import { type ProtectedPaths, protectedPathsOf } from './log-protected-paths.ts';
import { LogViewerErrors } from './log-viewer-errors.ts';

/** What the log viewer reads its settings and worker rows from. */
export interface LogViewerDependencies {
  /** The running settings; read on every request, so a saved `logViewer` section applies at once. */
  readonly settings: () => TempoSettings;
  /** The settings file the server loaded, never served; null without one. */
  readonly settingsFile: string | null;
  readonly repositories: Repositories;
}

/** A source resolved to its folder and the name its process logs under. */
export interface ResolvedLogSource {
  readonly kind: LogSourceKind;
  readonly id: string;
  readonly folder: string;
  readonly logFilename: string;
  readonly active: boolean;
  /** The server's own files, never listed even when named like this source's log. */
  readonly protectedPaths: ProtectedPaths;
}

/** Registered workers read per request; more than this are not listed (a bound on one answer). */
const MAX_WORKER_ROWS = 1000;

const SERVER_SOURCE_ID = 'server';

type WorkerRow = Awaited<ReturnType<Repositories['workers']['find']>>[number];

const isFolder = async (path: string): Promise<boolean> => {
  // lstat: a worker folder that is a link could lead anywhere on the host, so it does not count.
  const info = await lstat(path).catch(() => null);
  return info?.isDirectory() === true;
};

const writable = (path: string): Promise<boolean> =>
  access(path, constants.W_OK).then(
    () => true,
    () => false,
  );

/** Registered remote workers (the server's own pseudo-worker logs into the server's log). */
const workerRows = async (repositories: Repositories): Promise<WorkerRow[]> =>
  (await repositories.workers.find({}, { limit: MAX_WORKER_ROWS })).filter((row) => row.kind === 'Worker');

/** Folders under the worker-log root whose names can be worker ids. */
const workerFolders = async (root: string): Promise<string[]> => {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isDirectory() && isSafeWorkerId(entry.name))
    .map((entry) => entry.name);
};

/**
 * The log files of a source, the current one first and then newest first. Only regular files
 * named like the source's log are listed; links and anything else in the folder are not.
 */
export const listSourceFiles = async (source: ResolvedLogSource): Promise<LogFileRecord[]> => {
  const isLog = logFileMatcher(source.logFilename);
  const entries = await readdir(source.folder, { withFileTypes: true }).catch(() => []);
  const files = await Promise.all(
    entries
      .filter((entry) => entry.isFile() && isLog(entry.name))
      .map(async (entry) => {
        const path = join(source.folder, entry.name);
        const info = await stat(path).catch(() => null);
        const real = await realpath(path).catch(() => null);
        if (info === null || real === null || (await source.protectedPaths.covers(real))) return null;
        return { name: entry.name, info };
      }),
  );
  const present = files.filter((file) => file !== null);
  // The file written last is the current one; between equals, the higher roll number.
  present.sort(
    (a, b) =>
      b.info.mtimeMs - a.info.mtimeMs ||
      rollNumberOf(b.name, source.logFilename) - rollNumberOf(a.name, source.logFilename),
  );
  const folderWritable = await writable(source.folder);
  return Promise.all(
    present.map(async ({ name, info }, index) => {
      const isCurrent = index === 0;
      return {
        sourceKind: source.kind,
        sourceId: source.id,
        path: name,
        fileName: name,
        byteLength: info.size,
        lastModifiedUtc: info.mtime.toISOString(),
        isCurrent,
        sourceActive: source.active,
        // Emptying the current file needs the file writable, removing an old one the folder.
        deleteAllowed: isCurrent ? await writable(join(source.folder, name)) : folderWritable,
        downloadAllowed: true,
        deleteMode: isCurrent ? 'Truncate' : 'Delete',
      } satisfies LogFileRecord;
    }),
  );
};

const serverSource = (settings: TempoSettings, protectedPaths: ProtectedPaths): ResolvedLogSource => ({
  kind: 'server',
  id: SERVER_SOURCE_ID,
  folder: settings.logging.logDirectory,
  logFilename: settings.logging.logFilename,
  active: true,
  protectedPaths,
});

const workerSource = (
  settings: TempoSettings,
  id: string,
  row: WorkerRow | undefined,
  protectedPaths: ProtectedPaths,
): ResolvedLogSource => ({
  kind: 'worker',
  id,
  // The id was checked by isSafeWorkerId before it reaches here.
  folder: join(settings.logViewer.workerRootPath, id),
  logFilename: settings.logViewer.workerLogFilename,
  active: row?.state === 'Online',
  protectedPaths,
});

/**
 * The source a request names, or 404. A worker id is checked as a folder name before it is
 * joined to the root; a worker is known by its folder under the root or by its registration.
 */
export const resolveSource = async (
  deps: LogViewerDependencies,
  kind: LogSourceKind,
  id: string,
): Promise<ResolvedLogSource> => {
  const settings = deps.settings();
  const protectedPaths = protectedPathsOf(settings, deps.settingsFile);
  if (kind === 'server') {
    if (id !== SERVER_SOURCE_ID) throw LogViewerErrors.unknownSource(kind, id);
    return serverSource(settings, protectedPaths);
  }
  assertSafeWorkerId(id);
  const row = (await deps.repositories.workers.get(id)) ?? undefined;
  const source = workerSource(settings, id, row?.kind === 'Worker' ? row : undefined, protectedPaths);
  if (row?.kind !== 'Worker' && !(await isFolder(source.folder)))
    throw LogViewerErrors.unknownSource(kind, id);
  return source;
};

const describeSource = async (
  source: ResolvedLogSource,
  fields: Pick<LogSourceRecord, 'displayName' | 'enabled' | 'state' | 'hostName'>,
): Promise<LogSourceRecord> => {
  const available = await isFolder(source.folder);
  const files = available ? await listSourceFiles(source) : [];
  return {
    sourceKind: source.kind,
    sourceId: source.id,
    ...fields,
    available,
    hasFiles: files.length > 0,
    fileCount: files.length,
    active: source.active,
    lastModifiedUtc: files[0]?.lastModifiedUtc ?? null,
  };
};

/** Every source: the server, then one per worker folder under the root or registered worker. */
export const listSources = async (deps: LogViewerDependencies): Promise<LogSourceRecord[]> => {
  const settings = deps.settings();
  const protectedPaths = protectedPathsOf(settings, deps.settingsFile);
  const rows = await workerRows(deps.repositories);
  const byId = new Map(rows.filter((row) => isSafeWorkerId(row.id)).map((row) => [row.id, row]));
  const ids = [
    ...new Set([...byId.keys(), ...(await workerFolders(settings.logViewer.workerRootPath))]),
  ].sort();
  const server = await describeSource(serverSource(settings, protectedPaths), {
    displayName: 'Tempo server',
    enabled: true,
    state: 'Online',
    hostName: hostname(),
  });
  const workers = await Promise.all(
    ids.map((id) => {
      const row = byId.get(id);
      return describeSource(workerSource(settings, id, row, protectedPaths), {
        displayName: row?.name ?? id,
        // A folder no registered worker owns is shown, but as nothing that can run.
        enabled: row?.enabled ?? false,
        state: row?.state ?? 'Offline',
        hostName: row?.hostName ?? null,
      });
    }),
  );
  return [server, ...workers];
};
