import { startServer } from '@tempo/server';
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

/** `./tempo server`: runs the control plane until SIGINT or SIGTERM. */
export const runServer = async (options: ServerCommandOptions): Promise<number> => {
  // Listen for the stop signal before starting, so one sent during start-up stops cleanly too.
  const stopped = waitForShutdownSignal();
  const settings = loadServerSettings(settingsPathOf(options), false);
  const server = await startServer({
    settings:
      options.port === undefined ? settings : { ...settings, rest: { ...settings.rest, port: options.port } },
    onSeededAccessKey: announceSeededAccessKey,
  });
  process.stderr.write(`tempo: server listening on ${server.url}\n`);
  await stopped;
  await server.close();
  return 0;
};
