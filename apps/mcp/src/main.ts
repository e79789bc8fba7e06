import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  accessTokenNote,
  applyInstall,
  InstallError,
  MCP_CLIENTS,
  type McpClientKind,
  planInstall,
} from './client-install.ts';
import { createMcpLog } from './mcp-log.ts';
import { McpStartError, startMcpService } from './mcp-service.ts';
import {
  type LoadedMcpSettings,
  loadMcpSettings,
  McpSettings,
  McpSettingsError,
  redactedSettings,
} from './mcp-settings.ts';

const USAGE = `Usage:
  tempo mcp [--config FILE] [--showconfig]
  tempo mcp --stdio [--config FILE] [--server-url URL] [--api-key KEY | --token TOKEN | --access-key KEY] [--tenant-id ID]
  tempo mcp install --client claude-code|cursor|codex [--dry-run] [--config FILE]

--exit-with-stdin: stop when stdin closes (for a supervisor that holds the other end).

Settings: FILE, else ./tempo.mcp.json when present, else defaults; TEMPO_ENDPOINT, TEMPO_API_KEY,
TEMPO_TOKEN, TEMPO_ACCESS_KEY, TEMPO_TENANT_ID and TEMPO_MCP_* override the file, and the flags
override both. Prefer the environment over --api-key: command lines are visible to other users.
TEMPO_MCP_ACCESS_TOKEN (accessToken): the token every network caller must bring.
`;

/** This build's version, from the package manifest. */
const version = (): string => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? '0.0.0';
};

/** The repository's `tempo` launcher (this file lives in apps/mcp/src). */
const LAUNCHER = resolve(import.meta.dirname, '..', '..', '..', 'tempo');

const OPTIONS = {
  config: { type: 'string' },
  showconfig: { type: 'boolean' },
  help: { type: 'boolean' },
  stdio: { type: 'boolean' },
  'server-url': { type: 'string' },
  'api-key': { type: 'string' },
  token: { type: 'string' },
  'access-key': { type: 'string' },
  'tenant-id': { type: 'string' },
  client: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'exit-with-stdin': { type: 'boolean' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** The settings with the command-line flags applied over file and environment. */
const withFlags = (loaded: LoadedMcpSettings, flags: Flags): McpSettings => {
  const { tempo } = loaded.settings;
  const parsed = McpSettings.safeParse({
    ...loaded.settings,
    tempo: {
      ...tempo,
      endpoint: flags['server-url'] ?? tempo.endpoint,
      apiKey: flags['api-key'] ?? tempo.apiKey,
      token: flags.token ?? tempo.token,
      accessKey: flags['access-key'] ?? tempo.accessKey,
      defaultTenantId: flags['tenant-id'] ?? tempo.defaultTenantId,
    },
  });
  if (!parsed.success) {
    throw new McpSettingsError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  }
  return parsed.data;
};

/**
 * Resolves when the process should stop: a signal, or stdin closing when it is the MCP channel
 * (`--stdio`) or a supervisor's lifeline (`--exit-with-stdin`: `./tempo up` holds the other end,
 * so the MCP server ends with it even when it is killed outright).
 */
const stopRequested = (watchStdin: boolean): Promise<string> =>
  new Promise((resolveStop) => {
    let received = false;
    const stop = (reason: string) => {
      if (received) process.exit(130);
      received = true;
      resolveStop(reason);
    };
    process.on('SIGINT', () => stop('SIGINT')).on('SIGTERM', () => stop('SIGTERM'));
    if (watchStdin)
      process.stdin.on('end', () => stop('stdin closed')).on('close', () => stop('stdin closed'));
  });

const install = (flags: Flags, loaded: LoadedMcpSettings, settings: McpSettings): number => {
  const client = flags.client;
  if (!client || !(MCP_CLIENTS as readonly string[]).includes(client)) {
    process.stderr.write(`tempo mcp install: --client must be one of ${MCP_CLIENTS.join(', ')}.\n`);
    return 2;
  }
  const files = planInstall({
    client: client as McpClientKind,
    settings,
    settingsFile: loaded.filePath,
    home: homedir(),
    launcher: LAUNCHER,
  });
  if (flags['dry-run']) {
    for (const file of files) {
      process.stdout.write(
        `--- ${file.path} (${file.before === null ? 'new file' : 'updated'})\n${file.after}\n`,
      );
    }
    const note = accessTokenNote(client as McpClientKind);
    if (note) process.stdout.write(`${note}\n`);
    process.stdout.write('Dry run: nothing was written.\n');
    return 0;
  }
  applyInstall(files);
  for (const file of files) process.stdout.write(`wrote ${file.path}\n`);
  const note = accessTokenNote(client as McpClientKind);
  if (note) process.stdout.write(`${note}\n`);
  process.stdout.write(`Restart ${client} to load the tempo MCP server.\n`);
  return 0;
};

const main = async (): Promise<number> => {
  let flags: Flags;
  let positionals: string[];
  try {
    ({ values: flags, positionals } = parseArgs({ options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    process.stderr.write(`tempo mcp: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'install')) {
    process.stderr.write(`tempo mcp: unknown action "${positionals.join(' ')}".\n${USAGE}`);
    return 2;
  }
  const stdio = flags.stdio === true;
  const lifeline = flags['exit-with-stdin'] === true;
  const stopped = stopRequested(stdio || lifeline);
  // Nothing else reads a lifeline stdin: it must flow for its end to be seen.
  if (lifeline && !stdio) process.stdin.resume();
  let loaded: LoadedMcpSettings;
  let settings: McpSettings;
  try {
    loaded = loadMcpSettings({ configFile: flags.config, env: process.env, cwd: process.cwd() });
    settings = withFlags(loaded, flags);
    if (positionals[0] === 'install') return install(flags, loaded, settings);
  } catch (error) {
    if (!(error instanceof McpSettingsError || error instanceof InstallError)) throw error;
    process.stderr.write(`tempo mcp: ${error.message}\n`);
    return 2;
  }
  if (flags.showconfig) {
    process.stdout.write(`${JSON.stringify(redactedSettings(settings), null, 2)}\n`);
    return 0;
  }
  const log = createMcpLog();
  let service: Awaited<ReturnType<typeof startMcpService>>;
  try {
    service = await startMcpService({ settings, log, version: version(), stdio });
  } catch (error) {
    if (!(error instanceof McpStartError)) throw error;
    process.stderr.write(`tempo mcp: ${error.message}\n`);
    return 1;
  }
  log.info(
    {
      tempoEndpoint: settings.tempo.endpoint,
      settingsFile: loaded.filePath ?? '(defaults)',
      transports: stdio ? 'stdio' : service.urls.join(' '),
    },
    'MCP server listening',
  );
  const reason = await stopped;
  log.info({ reason }, 'MCP server stopping');
  await service.stop();
  return 0;
};

process.exitCode = await main();
process.exit();
