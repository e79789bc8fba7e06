import { join, resolve } from 'node:path';
import { startDashboardCompanion } from '../dashboard/dashboard-companion.ts';
import { describeLocalAdminKey, type LocalAdminKey, prepareLocalAdminKey } from '../local-admin-key.ts';
import { describeSeedPassword, prepareSeedPasswords, type SeedPasswordReport } from '../local-passwords.ts';
import { startLocalWorkers, withoutServerExecution } from '../local-workers.ts';
import { DEFAULT_DATA_DIR } from '../repo-paths.ts';
import { startMcpCompanion } from './mcp-command.ts';
import { serveDataFolder } from './server-command.ts';

/** Options of `./tempo up`. */
export interface UpOptions {
  readonly dataDir?: string | undefined;
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
 * workers run the flows instead of the server, and are stopped before it.
 */
export const runUp = async (options: UpOptions): Promise<number> => {
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
    adjustSettings:
      options.workers > 0 ? (settings) => withoutServerExecution(settings, settingsFile) : undefined,
    onListening: async (server) => {
      process.stderr.write(
        [
          `tempo: up: server ${server.url} (data in ${dataDir})`,
          ...passwords.map((report) => describeSeedPassword(report, settingsFile)),
          describeLocalAdminKey(adminKey, settingsFile),
          '',
        ].join('\n'),
      );
      const mcp = options.noMcp
        ? null
        : await startMcpCompanion(server, server.settings.logging.logDirectory, (line) => say([line]));
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
