import { join, resolve } from 'node:path';
import { UsageError } from '../flags.ts';
import { describeLocalAdminKey, type LocalAdminKey, prepareLocalAdminKey } from '../local-admin-key.ts';
import { describeSeedPassword, prepareSeedPasswords, type SeedPasswordReport } from '../local-passwords.ts';
import { DEFAULT_DATA_DIR } from '../repo-paths.ts';
import { serveDataFolder } from './server-command.ts';

/** Options of `./tempo up`. */
export interface UpOptions {
  readonly dataDir?: string | undefined;
  readonly port?: number | undefined;
  readonly workers: number;
  readonly dashboardPort?: number | undefined;
}

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
  // A new data folder gets every default, a random administrator key and random passwords for
  // the seeded accounts; the signing and credential hash keys are generated when the file is loaded.
  let adminKey: LocalAdminKey = { kind: 'kept' };
  let passwords: readonly SeedPasswordReport[] = [];
  return serveDataFolder({
    settingsFile,
    dedicated: true,
    port: options.port,
    prepare: async () => {
      adminKey = prepareLocalAdminKey(settingsFile, process.env);
      passwords = await prepareSeedPasswords(settingsFile, process.env);
    },
    onListening: (url) =>
      process.stderr.write(
        [
          `tempo: up: server ${url} (data in ${dataDir})`,
          ...passwords.map((report) => describeSeedPassword(report, settingsFile)),
          describeLocalAdminKey(adminKey, settingsFile),
          '',
        ].join('\n'),
      ),
  });
};
