import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SettingsError } from '@tempo/core/settings';
import { startDashboardCompanion } from '../dashboard/dashboard-companion.ts';
import { restrictNewFiles } from '../data-folder.ts';
import { lockDataFolder } from '../data-folder-lock.ts';
import { UsageError } from '../flags.ts';
import { describeLocalAdminKey, type LocalAdminKey, prepareLocalAdminKey } from '../local-admin-key.ts';
import { describeSeedPassword, prepareSeedPasswords, type SeedPasswordReport } from '../local-passwords.ts';
import { type LocalWorkerTemplate, loadLocalWorkerTemplate } from '../local-worker-template.ts';
import { startLocalWorkers, withoutServerExecution } from '../local-workers.ts';
import { DEFAULT_DATA_DIR } from '../repo-paths.ts';
import { startMcpCompanion } from './mcp-command.ts';
import { serveDataFolder } from './server-command.ts';

/** Options of `./tempo up`. */
export interface UpOptions {
  readonly dataDir?: string | undefined;
  /** `--settings FILE`: the server's settings instead of `<data folder>/tempo.json`. */
  readonly settingsFile?: string | undefined;
  /** `--worker-settings FILE`: the `tempo.worker.json` every local worker starts from. */
  readonly workerSettingsFile?: string | undefined;
  readonly port?: number | undefined;
  /** Local workers to start beside the server, 0–16; above 0 the server's own execution is off. */
  readonly workers: number;
  readonly dashboardPort?: number | undefined;
  /** `--no-mcp`: start the stack without the MCP server. */
  readonly noMcp?: boolean | undefined;
}

const say = (lines: readonly string[]): void => {
  process.stderr.write(lines.map((line) => `tempo: up: ${line}\n`).join(''));
};

/**
 * `./tempo up`: the single-machine stack, until SIGINT or SIGTERM. With `--workers N`, N local
 * workers run the flows instead of the server, and are stopped before it. `--settings` and
 * `--worker-settings` start it from the two files of the Docker topology.
 * @throws UsageError (exit code 2) when a file named by those flags is missing or invalid.
 */
export const runUp = async (options: UpOptions): Promise<number> => {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const settingsFile = resolve(options.settingsFile ?? join(dataDir, 'tempo.json'));
  if (options.settingsFile !== undefined && !existsSync(settingsFile))
    throw new UsageError(`--settings: ${settingsFile}: the settings file does not exist.`);
  if (options.workerSettingsFile !== undefined && options.workers === 0)
    throw new UsageError('--worker-settings: starts local workers from the file; give --workers N too.');
  // Read before anything starts, so a bad file stops `up` at once.
  const template =
    options.workerSettingsFile === undefined
      ? undefined
      : loadLocalWorkerTemplate(options.workerSettingsFile);
  if (options.settingsFile === undefined) return serveUp(options, dataDir, settingsFile, template);
  // The server locks the settings file's folder; the data folder, which holds the workers'
  // folders and tokens, is held as well so two stacks never share it.
  restrictNewFiles();
  const lock = dirname(settingsFile) === dataDir ? null : lockDataFolder(dataDir);
  try {
    return await serveUp(options, dataDir, settingsFile, template);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(`--settings: ${error.message}`);
    throw error;
  } finally {
    lock?.release();
  }
};

/** Serves the stack once the files are checked (and the data folder held, with `--settings`). */
const serveUp = async (
  options: UpOptions,
  dataDir: string,
  settingsFile: string,
  template: LocalWorkerTemplate | undefined,
): Promise<number> => {
  // A new data folder gets every default, a random administrator key and random passwords for
  // the seeded accounts; the signing and credential hash keys are generated when the file is loaded.
  let adminKey: LocalAdminKey = { kind: 'kept' };
  let passwords: readonly SeedPasswordReport[] = [];
  return serveDataFolder({
    settingsFile,
    // A settings file named by --settings lies in a folder of the operator's, not Tempo's alone.
    dedicated: options.settingsFile === undefined,
    port: options.port,
    prepare: async () => {
      adminKey = prepareLocalAdminKey(settingsFile, process.env);
      passwords = await prepareSeedPasswords(settingsFile, process.env);
    },
    adjustSettings:
      options.workers > 0 ? (settings) => withoutServerExecution(settings, settingsFile) : undefined,
    onListening: async (server) => {
      process.stderr.write(
        [
          options.settingsFile === undefined
            ? `tempo: up: server ${server.url} (data in ${dataDir})`
            : `tempo: up: server ${server.url} (settings ${settingsFile}; up's own files in ${dataDir})`,
          ...passwords.map((report) => describeSeedPassword(report, settingsFile)),
          describeLocalAdminKey(adminKey, settingsFile),
          '',
        ].join('\n'),
      );
      const mcp = options.noMcp
        ? null
        : await startMcpCompanion(server, dataDir, server.settings.logging.logDirectory, (line) =>
            say([line]),
          );
      if (mcp) say(mcp.lines);
      const stopMcp = async () => mcp?.stop();
      const workers =
        options.workers === 0
          ? null
          : await startLocalWorkers({
              count: options.workers,
              dataDir,
              settingsFile,
              server,
              template,
              report: (line) => say([line]),
            });
      if (workers) say(workers.lines);
      // Last, so a first build of the dashboard delays nothing else.
      const dashboard = await startDashboardCompanion(server.url, options.dashboardPort, (line) =>
        say([line]),
      );
      say(dashboard.lines);
      return async () => {
        await dashboard.stop();
        await workers?.supervisor.stop();
        await stopMcp();
      };
    },
  });
};
