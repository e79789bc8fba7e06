import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
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

/** The MCP server `up` runs beside the server: how to stop it and the lines that say where it is. */
export interface McpCompanion {
  readonly lines: readonly string[];
  stop(): Promise<void>;
}

/**
 * Starts the MCP server for `./tempo up`, as a client of `server` with its administrator key
 * (passed in the environment, never on a command line), its log in `logDirectory/tempo-mcp.log`.
 * Resolves to null, with the reason in `report`, when it cannot start (its ports are taken): the
 * stack runs without it rather than not at all.
 */
export const startMcpCompanion = async (
  server: ListeningServer,
  logDirectory: string,
  report: (line: string) => void,
): Promise<McpCompanion | null> => {
  mkdirSync(logDirectory, { recursive: true });
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
    lines: [`MCP server ${transports.split(' ').join(', ')} (log ${logFile})`],
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      log.end();
    },
  };
};
