import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { TempoSettings } from '@tempo/contracts';

/**
 * The server's own files and folders, which the log viewer never lists, reads, truncates or
 * deletes, even when one is named like a log: the settings file, the secrets key file, the
 * SQLite database with its side files, and the artifact, runtime cache, scratch and run-log roots.
 * Compared by real path, so a second name for the same place (`a/../b`, a linked parent) is the
 * same place.
 */
export interface ProtectedPaths {
  /** Whether the file at `realPath` (already a real path) is or lies under a protected path. */
  covers(realPath: string): Promise<boolean>;
}

/** Both names of a path: as resolved, and as the file system resolves its links (when it exists). */
const namesOf = async (path: string): Promise<string[]> => {
  const resolved = resolve(path);
  const real = await realpath(resolved).catch(() => null);
  return real === null || real === resolved ? [resolved] : [resolved, real];
};

/**
 * The protected paths of `settings` (paths already resolved against the settings file's folder).
 * Their real paths are looked up once, on the first check.
 */
export const protectedPathsOf = (settings: TempoSettings, settingsFile: string | null): ProtectedPaths => {
  const { database, secrets, artifacts, runLogs, runtimes } = settings;
  const files = [secrets.keyFile];
  if (settingsFile !== null) files.push(settingsFile);
  if (database.type === 'Sqlite' && database.filename !== ':memory:') {
    const db = database.filename;
    files.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`);
  }
  const folders = [
    artifacts.rootPath,
    runLogs.rootPath,
    runtimes.externalExecution.cacheRoot,
    runtimes.externalExecution.scratchRoot,
  ];
  let known: Promise<{ files: Set<string>; folders: string[] }> | null = null;
  const load = async () => ({
    files: new Set((await Promise.all(files.map(namesOf))).flat()),
    folders: (await Promise.all(folders.map(namesOf))).flat(),
  });
  return {
    async covers(realPath) {
      known ??= load();
      const { files: fileNames, folders: folderNames } = await known;
      return (
        fileNames.has(realPath) ||
        folderNames.some((folder) => realPath === folder || realPath.startsWith(folder + sep))
      );
    },
  };
};
