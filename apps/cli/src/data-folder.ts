import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { TempoSettings } from '@tempo/contracts';

/** Group and other permission bits: none of them may stay on the server's data. */
const GROUP_AND_OTHER = 0o077;

/**
 * Makes everything this process creates from now on owner-only (folders 0700, files 0600): the
 * SQLite database and its WAL, logs, artifact blobs, caches, scratch folders and whatever handler
 * processes write, since they inherit the mask.
 */
export const restrictNewFiles = (): void => {
  process.umask(GROUP_AND_OTHER);
};

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Clears the group and other bits of a path and, with `recursive`, of everything under it.
 * Symbolic links are neither changed nor followed. A path we may not change (another owner) is
 * left as it is: refusing to start over it would help nobody.
 */
const tighten = (path: string, recursive: boolean): void => {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  if (stats.isSymbolicLink()) return;
  if ((stats.mode & GROUP_AND_OTHER) !== 0) {
    try {
      chmodSync(path, stats.mode & 0o700);
    } catch {
      // Not ours to change; see above.
    }
  }
  if (recursive && stats.isDirectory()) {
    for (const name of readdirSync(path)) tighten(join(path, name), true);
  }
};

/** Whether `path` lies strictly below `folder`. */
const isInside = (folder: string, path: string): boolean => {
  const rest = relative(folder, path);
  return rest !== '' && !isAbsolute(rest) && rest.split(sep)[0] !== '..';
};

/** Options of {@link secureDataFolder}. */
export interface SecureDataFolderOptions {
  /** The settings file; its folder is the data folder. */
  readonly settingsFile: string;
  /** Resolved settings (absolute paths). */
  readonly settings: TempoSettings;
  /**
   * The data folder exists only for Tempo (`./tempo up`), so the folder itself is made 0700 too.
   * For `./tempo server` it may be any folder the operator chose (even the working directory),
   * so only a folder it has to create is made owner-only.
   */
  readonly dedicated: boolean;
}

/**
 * Sets the owner-only mask and repairs the modes a data folder made by an older build left
 * behind: the settings file and the SQLite files wherever they are, and Tempo's own folders
 * (logs, artifacts, run logs, worker logs, scratch, cache) with their content when they lie inside
 * the data folder. A folder configured outside it is the operator's, so it is never walked.
 */
export const secureDataFolder = (options: SecureDataFolderOptions): void => {
  restrictNewFiles();
  const { settings } = options;
  const dataDir = dirname(resolve(options.settingsFile));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (options.dedicated) tighten(dataDir, false);
  const files = [options.settingsFile];
  const folders = [
    settings.logging.logDirectory,
    settings.artifacts.rootPath,
    settings.runLogs.rootPath,
    settings.logViewer.workerRootPath,
    settings.runtimes.externalExecution.scratchRoot,
    settings.runtimes.externalExecution.cacheRoot,
  ];
  const { type, filename } = settings.database;
  if (type === 'Sqlite' && filename !== ':memory:') {
    // SQLite gives its WAL, shared-memory and journal files the database file's mode.
    files.push(filename, `${filename}-wal`, `${filename}-shm`, `${filename}-journal`);
    folders.push(dirname(filename));
  }
  for (const file of files) tighten(file, false);
  for (const folder of folders) if (isInside(dataDir, folder)) tighten(folder, true);
};
