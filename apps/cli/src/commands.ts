import type { ParseArgsOptionsConfig } from 'node:util';
import { TEST_STAGES, type TestStage } from './commands/test-stages.ts';
import { type FlagValues, intFlag, stringFlag, UsageError } from './flags.ts';

/** One `./tempo` command. */
export interface Command {
  readonly name: string;
  /** Synopsis after `./tempo`. */
  readonly usage: string;
  readonly summary: string;
  readonly options: ParseArgsOptionsConfig;
  /** Whether the command takes words after its name (`./tempo bench trigger`), passed as `_`. */
  readonly positionals?: boolean;
  run(values: FlagValues): Promise<number>;
}

const settingsOptions = {
  'data-dir': { type: 'string' },
  settings: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

const withUsageErrors =
  (run: (values: FlagValues) => Promise<number>) =>
  async (values: FlagValues): Promise<number> => {
    try {
      return await run(values);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`tempo: ${error.message}\n`);
      return 2;
    }
  };

/** Most local workers `./tempo up --workers N` starts: enough to try placement, few enough for one machine. */
const MAX_LOCAL_WORKERS = 16;

// Command modules are imported when run, so `--help` and usage errors answer at once.

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: 'setup',
    usage: 'setup',
    summary: 'make this machine ready: Node, pnpm, dependencies (the bootstrap does it) and a check',
    options: {},
    run: async () => (await import('./commands/setup-command.ts')).runSetup(),
  },
  {
    name: 'up',
    usage:
      'up [--data-dir DIR] [--settings FILE] [--port N] [--workers N] [--worker-settings FILE] [--dashboard-port N] [--no-mcp]',
    summary:
      'start the single-machine stack: server with SQLite and its local pseudo-worker, the MCP server (8910-8912; --no-mcp leaves it out) and the dashboard (3000, --dashboard-port N; built when its sources changed); --workers N (1-16) runs flows on N local worker processes instead, for this start only; --settings FILE replaces DIR/tempo.json as the server settings, --worker-settings FILE the tempo.worker.json each local worker starts from (the two files of the Docker topology)',
    options: {
      'data-dir': { type: 'string' },
      settings: { type: 'string' },
      port: { type: 'string' },
      workers: { type: 'string' },
      'worker-settings': { type: 'string' },
      'dashboard-port': { type: 'string' },
      'no-mcp': { type: 'boolean' },
    },
    run: withUsageErrors(async (values) =>
      (await import('./commands/up-command.ts')).runUp({
        dataDir: stringFlag(values, 'data-dir'),
        settingsFile: stringFlag(values, 'settings'),
        port: intFlag(values, 'port', 1, 65535),
        workers: intFlag(values, 'workers', 0, MAX_LOCAL_WORKERS) ?? 0,
        workerSettingsFile: stringFlag(values, 'worker-settings'),
        dashboardPort: intFlag(values, 'dashboard-port', 1, 65535),
        noMcp: values['no-mcp'] === true,
      }),
    ),
  },
  {
    name: 'server',
    usage: 'server [--settings FILE | --data-dir DIR] [--port N]',
    summary:
      'start the control-plane server (settings: FILE, DIR/tempo.json, $TEMPO_SETTINGS_FILE or ./tempo.json)',
    options: { ...settingsOptions, port: { type: 'string' } },
    run: withUsageErrors(async (values) =>
      (await import('./commands/server-command.ts')).runServer({
        settingsFile: stringFlag(values, 'settings'),
        dataDir: stringFlag(values, 'data-dir'),
        port: intFlag(values, 'port', 1, 65535),
      }),
    ),
  },
  {
    name: 'worker',
    usage: 'worker [--config FILE]',
    summary:
      'start an execution-plane worker (settings: FILE, $TEMPO_WORKER_SETTINGS_FILE or ./tempo.worker.json)',
    options: { config: { type: 'string' } },
    run: withUsageErrors(async (values) =>
      (await import('./commands/worker-command.ts')).runWorker({ config: stringFlag(values, 'config') }),
    ),
  },
  {
    name: 'mcp',
    usage:
      'mcp [--config FILE] [--showconfig] | mcp --stdio [--server-url URL] [--api-key KEY] | mcp install --client claude-code|cursor|codex [--dry-run]',
    summary:
      "start the MCP server for AI agents (HTTP 8910, TCP 8911, WebSocket 8912, or --stdio), or write an MCP client's configuration; settings: FILE or ./tempo.mcp.json",
    options: {
      config: { type: 'string' },
      showconfig: { type: 'boolean' },
      stdio: { type: 'boolean' },
      'server-url': { type: 'string' },
      'api-key': { type: 'string' },
      token: { type: 'string' },
      'access-key': { type: 'string' },
      'tenant-id': { type: 'string' },
      client: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    positionals: true,
    run: async (values) => {
      // The MCP process parses its own flags: they are handed over as they came.
      const args = [...((values._ ?? []) as string[])];
      for (const [name, value] of Object.entries(values)) {
        if (name === '_' || value === undefined || value === false) continue;
        args.push(`--${name}`, ...(value === true ? [] : [String(value)]));
      }
      return (await import('./commands/mcp-command.ts')).runMcp(args);
    },
  },
  {
    name: 'migrate',
    usage: 'migrate [--settings FILE | --data-dir DIR]',
    summary: 'apply pending database migrations of the configured database and print the schema version',
    options: settingsOptions,
    run: withUsageErrors(async (values) =>
      (await import('./commands/migrate-command.ts')).runMigrate({
        settingsFile: stringFlag(values, 'settings'),
        dataDir: stringFlag(values, 'data-dir'),
      }),
    ),
  },
  {
    name: 'secrets',
    usage: 'secrets rotate [--settings FILE | --data-dir DIR]',
    summary: 'encrypt every stored secret again under a new key (stop the server first)',
    options: settingsOptions,
    positionals: true,
    run: withUsageErrors(async (values) => {
      const words = (values._ ?? []) as string[];
      if (words.length !== 1 || words[0] !== 'rotate')
        throw new UsageError('secrets takes one action: rotate.');
      return (await import('./commands/secrets-command.ts')).runSecretsRotate({
        settingsFile: stringFlag(values, 'settings'),
        dataDir: stringFlag(values, 'data-dir'),
      });
    }),
  },
  {
    name: 'bench',
    usage: 'bench [trigger|distributed|steps] [--profile] [--only sqlite|postgres]',
    summary:
      'run a benchmark of bench/ and print its figures (--profile: CPU profile of the server; --only: one store of bench trigger); no name lists them',
    options: { profile: { type: 'boolean' }, only: { type: 'string' } },
    positionals: true,
    run: withUsageErrors(async (values) => (await import('./commands/bench-command.ts')).runBench(values)),
  },
  {
    name: 'postman',
    usage: 'postman',
    summary:
      'regenerate postman/tempo.postman_collection.json and the route table of docs/api.md from the OpenAPI document',
    options: {},
    run: async () => (await import('./commands/postman-command.ts')).runPostman(),
  },
  {
    name: 'publish-sdks',
    usage: 'publish-sdks [--dry-run] [--out DIR] [--nuget-source URL]',
    summary:
      'build the npm packages (@tempo/contracts, client, core, sdk), the Python wheel and the Tempo.Sdk NuGet package, and publish the npm and NuGet ones; --dry-run only builds and lists them',
    options: { 'dry-run': { type: 'boolean' }, out: { type: 'string' }, 'nuget-source': { type: 'string' } },
    run: async (values) =>
      (await import('./commands/publish-sdks-command.ts')).runPublishSdks({
        dryRun: values['dry-run'] === true,
        outDir: stringFlag(values, 'out'),
        nugetSource: stringFlag(values, 'nuget-source'),
      }),
  },
  {
    name: 'version',
    usage: 'version',
    summary: 'print the product version (also --version)',
    options: {},
    run: async () => {
      process.stdout.write(`${(await import('./product-version.ts')).productVersion()}\n`);
      return 0;
    },
  },
  {
    name: 'test',
    usage: `test [--only ${TEST_STAGES.join('|')}]... [--keep-services]`,
    summary:
      'run every check and test suite; starts PostgreSQL (55432) and MariaDB (53306), installed with apt-get when missing, and stops them at the end unless --keep-services',
    options: { only: { type: 'string', multiple: true }, 'keep-services': { type: 'boolean' } },
    run: withUsageErrors(async (values) => {
      const only = (values.only ?? []) as string[];
      for (const stage of only) {
        if (!(TEST_STAGES as readonly string[]).includes(stage)) {
          throw new UsageError(`--only takes ${TEST_STAGES.join(', ')}; not "${stage}".`);
        }
      }
      return (await import('./commands/test-command.ts')).runTests({
        only: only as TestStage[],
        keepServices: values['keep-services'] === true,
      });
    }),
  },
  {
    name: 'services',
    usage: 'services status|stop',
    summary:
      'show or stop the test databases of ./tempo test (PostgreSQL 55432, MariaDB 53306); data is kept',
    options: {},
    positionals: true,
    run: withUsageErrors(async (values) =>
      (await import('./commands/services-command.ts')).runServices((values._ ?? []) as string[]),
    ),
  },
];
