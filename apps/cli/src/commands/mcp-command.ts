import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackEndpoint } from '../local-workers.ts';
import { REPO_ROOT } from '../repo-paths.ts';
import { runNode } from '../run-process.ts';
import type { ListeningServer } from './server-command.ts';

/** The MCP server's entry script. */
const MCP_MAIN = join(REPO_ROOT, 'apps', 'mcp', 'src', 'main.ts');

/**
 * `./tempo mcp [args]`: runs the MCP server (or its `install` action) as its own process in the
 * caller's folder, so a relative `--config` and the default `./tempo.mcp.json` are found where
 * the operator is. Over `--stdio` the agent's pipes pass straight through.
 */
export const runMcp = (args: readonly string[]): Promise<number> =>
  runNode(MCP_MAIN, args, { cwd: process.cwd() });

/** How long `up` waits for the MCP server to listen before going on without it. */
const MCP_START_TIMEOUT_MS = 30_000;

/** The file in a data folder holding the access token of `up`'s MCP server. */
export const MCP_ACCESS_TOKEN_FILE = 'mcp-access-token';

/** A token `up` would have written: base64url of 32 random bytes. */
const GENERATED_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The data folder's MCP access token: created once (owner-only), reused on later starts. */
export interface McpAccessToken {
  readonly token: string;
  readonly path: string;
  /** True when this start generated it. */
  readonly created: boolean;
}

/**
 * Reads `<dataDir>/mcp-access-token`, or writes a new random one there (mode 0600) when it is
 * absent or does not hold one `up` could have written. The MCP server holds the administrator
 * key, so without this every local process (a tenant's handler included) could act as it.
 */
export const prepareMcpAccessToken = (dataDir: string): McpAccessToken => {
  const path = join(dataDir, MCP_ACCESS_TOKEN_FILE);
  if (existsSync(path)) {
    const kept = readFileSync(path, 'utf8').trim();
    if (GENERATED_TOKEN.test(kept)) {
      chmodSync(path, 0o600);
      return { token: kept, path, created: false };
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { token, path, created: true };
};

/** The start-up line that says where the token is (and shows it once, as `up` does with its administrator key). */
const describeAccessToken = (accessToken: McpAccessToken): string =>
  accessToken.created
    ? `MCP access token: send Authorization: Bearer ${accessToken.token} (generated on this first start and shown once; it is in ${accessToken.path}, owner-only)`
    : `MCP access token: send Authorization: Bearer <the token in ${accessToken.path}>`;

/** The MCP server `up` runs beside the server: how to stop it and the lines that say where it is. */
export interface McpCompanion {
  readonly lines: readonly string[];
  stop(): Promise<void>;
}

/**
 * Starts the MCP server for `./tempo up`, as a client of `server` with its administrator key
 * (passed in the environment, never on a command line), its log in `logDirectory/tempo-mcp.log`.
 * Every network caller must bring the data folder's access token ({@link prepareMcpAccessToken}).
 * Resolves to null, with the reason in `report`, when it cannot start (its ports are taken): the
 * stack runs without it rather than not at all.
 */
export const startMcpCompanion = async (
  server: ListeningServer,
  dataDir: string,
  logDirectory: string,
  report: (line: string) => void,
): Promise<McpCompanion | null> => {
  mkdirSync(logDirectory, { recursive: true });
  const accessToken = prepareMcpAccessToken(dataDir);
  const logFile = join(logDirectory, 'tempo-mcp.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', MCP_MAIN, '--exit-with-stdin'],
    {
      // The data folder holds no tempo.mcp.json: the environment below is the whole configuration.
      cwd: logDirectory,
      // Its stdin is a lifeline: should `up` be killed outright, the pipe closes and it stops too.
      stdio: ['pipe', 'ignore', 'pipe'],
      env: {
        ...process.env,
        TEMPO_ENDPOINT: loopbackEndpoint(server.settings.rest.hostname, server.port),
        TEMPO_API_KEY: server.settings.auth.adminApiKey,
        TEMPO_MCP_ACCESS_TOKEN: accessToken.token,
      },
    },
  );
  const exited = new Promise<number>((resolveExit) => child.on('exit', (code) => resolveExit(code ?? 1)));
  let seen = '';
  const listening = await new Promise<string | null>((resolveStart) => {
    const timer = setTimeout(() => resolveStart(null), MCP_START_TIMEOUT_MS);
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (seen.length < 64_000) seen += chunk.toString();
      const line = seen.split('\n').find((text) => text.includes('MCP server listening'));
      if (line) {
        clearTimeout(timer);
        resolveStart(line);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolveStart(null);
    });
  });
  if (listening === null) {
    child.kill('SIGTERM');
    const reason = seen.split('\n').find((text) => text.startsWith('tempo mcp:')) ?? `see ${logFile}`;
    report(
      `MCP server not started (${reason.replace(/^tempo mcp: /, '')}); the rest of the stack runs without it`,
    );
    log.end();
    return null;
  }
  const transports = (JSON.parse(listening) as { transports?: string }).transports ?? '';
  return {
    lines: [
      `MCP server ${transports.split(' ').join(', ')} (log ${logFile})`,
      describeAccessToken(accessToken),
    ],
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      log.end();
    },
  };
};
