import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TempoSettings } from '@tempo/contracts';
import { saveSettings } from '@tempo/core/settings';
import { UsageError } from '../flags.ts';
import { DEFAULT_DATA_DIR } from '../repo-paths.ts';
import { serveDataFolder } from './server-command.ts';

/** Admin API key of the local stack, as the spec's local and Docker configurations ship it. */
export const LOCAL_ADMIN_API_KEY = 'tempo-local-admin-api-key';

/** Options of `./tempo up`. */
export interface UpOptions {
  readonly dataDir?: string | undefined;
  readonly port?: number | undefined;
  readonly workers: number;
  readonly dashboardPort?: number | undefined;
}

/**
 * The settings `up` writes into a new data folder: everything under that folder and the local
 * admin API key. The signing and credential hash keys are generated when the file is loaded.
 */
const firstStartSettings = (): TempoSettings =>
  TempoSettings.parse({ createdUtc: new Date().toISOString(), auth: { adminApiKey: LOCAL_ADMIN_API_KEY } });

/** `./tempo up`: the single-machine stack, until SIGINT or SIGTERM. */
export const runUp = async (options: UpOptions): Promise<number> => {
  if (options.workers > 0) {
    throw new UsageError(
      '--workers: remote workers are not part of this build yet; the server runs flows itself.',
    );
  }
  if (options.dashboardPort !== undefined) {
    throw new UsageError('--dashboard-port: the dashboard is not part of this build yet.');
  }
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const settingsFile = join(dataDir, 'tempo.json');
  return serveDataFolder({
    settingsFile,
    dedicated: true,
    port: options.port,
    prepare: () => {
      if (!existsSync(settingsFile)) saveSettings(settingsFile, firstStartSettings());
    },
    onListening: (url) =>
      process.stderr.write(
        [
          `tempo: up: server ${url} (data in ${dataDir})`,
          `tempo: sign in as admin@tempo.local / password, or send x-api-key: ${LOCAL_ADMIN_API_KEY}`,
          '',
        ].join('\n'),
      ),
  });
};
