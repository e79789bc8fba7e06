import { dirname } from 'node:path';
import type { TempoSettings } from '@tempo/contracts';
import { probeRuntimeCatalog } from '@tempo/core/runtimes';
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
  /**
   * Changes the loaded settings for this start only; the file is left as it is. May refuse the
   * start by throwing (before anything listens).
   */
  readonly adjustSettings?: (settings: TempoSettings) => TempoSettings;
  /**
   * Called once the server listens. May start companion processes and return how to stop them:
   * that runs on SIGINT or SIGTERM before the server closes, so they never outlive it. When it
   * throws, the server is closed and the error passed on.
   */
  readonly onListening: (
    server: ListeningServer,
  ) => StopCompanions | undefined | Promise<StopCompanions | undefined>;
}

/** What {@link ServeDataFolderOptions.onListening} learns about the server. */
export interface ListeningServer {
  /** Base URL, as the server reports it. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The settings it runs with (paths absolute, adjustments applied). */
  readonly settings: TempoSettings;
}

/** Stops what `onListening` started; resolves once it has ended. */
export type StopCompanions = () => Promise<void>;

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
    const ported =
      options.port === undefined ? loaded : { ...loaded, rest: { ...loaded.rest, port: options.port } };
    const settings = options.adjustSettings?.(ported) ?? ported;
    await assertPortFree(settings.rest.hostname, settings.rest.port);
    // The interpreters answer --version in processes of their own while the server's modules
    // load (about half a second of this process's CPU), rather than after it.
    const runtimeCatalog = probeRuntimeCatalog(settings);
    const { startServer } = await import('@tempo/server');
    const server = await startServer({
      settings,
      settingsFile: options.settingsFile,
      onSeededAccessKey: announceSeededAccessKey,
      runtimeCatalog,
    });
    const address = server.app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : settings.rest.port;
    let stopCompanions: StopCompanions | undefined;
    try {
      stopCompanions = await options.onListening({ url: server.url, port, settings });
    } catch (error) {
      await server.close();
      throw error;
    }
    await stopped;
    await stopCompanions?.();
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
    onListening: ({ url }) => {
      process.stderr.write(`tempo: server listening on ${url}\n`);
      return undefined;
    },
  });
