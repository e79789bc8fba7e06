import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { openDatabase } from '@tempo/core/store';
import { expect } from 'vitest';

/** Where a test server keeps its database and package blobs. */
export interface ArtifactStoreLocation {
  /** The SQLite database file. */
  readonly databaseFile: string;
  /** `artifacts.rootPath`. */
  readonly blobRoot: string;
}

/** The default locations of a server started by `startServerProcess` in `dataDir`. */
export const storeOf = (dataDir: string): ArtifactStoreLocation => ({
  databaseFile: join(dataDir, 'tempo.db'),
  blobRoot: join(dataDir, 'artifacts'),
});

/** Every file under the blob root, as `/`-separated keys. */
export const blobFiles = (blobRoot: string): string[] => {
  let entries: string[];
  try {
    entries = readdirSync(blobRoot, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => statSync(join(blobRoot, entry)).isFile())
    .map((entry) => entry.split(sep).join('/'))
    .sort();
};

/** The storage keys every version row (live or retired) of every tenant names. */
export const namedBlobKeys = async (databaseFile: string): Promise<string[]> => {
  const database = await openDatabase({ type: 'Sqlite', filename: databaseFile });
  try {
    const keys = new Set<string>();
    for (const tenant of await database.repositories.tenants.find()) {
      for (const row of await database.repositories.artifactVersions.inTenant(tenant.id).find()) {
        if (row.storageKey) keys.add(row.storageKey);
      }
    }
    return [...keys].sort();
  } finally {
    await database.close();
  }
};

/**
 * Asserts the blob store holds exactly the blobs that rows name: no orphan counting against a
 * quota, no temp file of a lost write, and no row pointing at missing bytes. Call it once the
 * server is idle (no upload in flight).
 */
export const expectBlobStoreMatchesRows = async (location: ArtifactStoreLocation): Promise<void> => {
  expect(blobFiles(location.blobRoot)).toEqual(await namedBlobKeys(location.databaseFile));
};
