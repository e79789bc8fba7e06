import { dirname } from 'node:path';
import { startServer } from '@tempo/server';
import { restrictNewFiles } from '../data-folder.ts';
import { lockDataFolder } from '../data-folder-lock.ts';
import { assertPortFree } from '../port-check.ts';
import { loadServerSettings, type SettingsLocation, settingsPathOf } from '../settings-file.ts';
import { waitForShutdownSignal } from './wait-for-signal.ts';

/** Options of `./tempo server`. */
export interface ServerCommandOptions extends SettingsLocation {
  /** Overrides `rest.port`. */
  readonly port?: number | undefined;
}

/** Prints the seeded credential's access key: the only time it can be shown. */
export const announceSeededAccessKey = (accessKey: string): void => {
  process.stderr.write(
    `tempo: first start: seeded user@tempo.local with access key ${accessKey} (shown once; only its hash is stored)\n`,
  );
};

/** Options of {@link serveDataFolder}. */
export interface ServeDataFolderOptions {
  /** The settings file; its folder is the data folder that is locked. */
  readonly settingsFile: string;
  /** The data folder belongs to Tempo alone (see `secureDataFolder`). */
  readonly dedicated: boolean;
  /** Overrides `rest.port`. */
  readonly port?: number | undefined;
  /** Runs once the folder is held and before the settings are read (`up` writes its first settings). */
  readonly prepare?: () => void | Promise<void>;
  /** Called with the server's base URL once it listens. */
  readonly onListening: (url: string) => void;
}

/**
 * Runs the server of one data folder until SIGINT or SIGTERM. The folder is locked before
 * anything in it is written, so a second server on it is refused instead of sharing its SQLite
 * file, and the port is tried before the database is opened, so a taken port is reported first.
 */
export const serveDataFolder = async (options: ServeDataFolderOptions): Promise<number> => {
  // Listen for the stop signal before starting, so one sent during start-up stops cleanly too.
  const stopped = waitForShutdownSignal();
  // Before the lock is created, so the folder and lock files are owner-only as well.
  restrictNewFiles();
  const lock = lockDataFolder(dirname(options.settingsFile));
  try {
    await options.prepare?.();
    const loaded = loadServerSettings(options.settingsFile, options.dedicated);
    const settings =
      options.port === undefined ? loaded : { ...loaded, rest: { ...loaded.rest, port: options.port } };
    await assertPortFree(settings.rest.hostname, settings.rest.port);
    const server = await startServer({
      settings,
      settingsFile: options.settingsFile,
      onSeededAccessKey: announceSeededAccessKey,
    });
    options.onListening(server.url);
    await stopped;
    await server.close();
    return 0;
  } finally {
    lock.release();
  }
};

/** `./tempo server`: runs the control plane until SIGINT or SIGTERM. */
export const runServer = (options: ServerCommandOptions): Promise<number> =>
  serveDataFolder({
    settingsFile: settingsPathOf(options),
    dedicated: false,
    port: options.port,
    onListening: (url) => process.stderr.write(`tempo: server listening on ${url}\n`),
  });
