import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { freePort } from '../../server/test/server-process.ts';

/** The MCP server's entry script. */
export const MCP_MAIN = resolve(import.meta.dirname, '..', 'src', 'main.ts');

/** Node flags every MCP child process runs with. */
export const NODE_FLAGS = ['--disable-warning=ExperimentalWarning'] as const;

/** An MCP server started as a real process on loopback ports of its own. */
export interface McpProcess {
  /** `http://127.0.0.1:PORT` of the HTTP listener (`/rpc`, `/mcp`, `/events`). */
  readonly httpBase: string;
  readonly tcpPort: number;
  /** `ws://127.0.0.1:PORT/mcp`. */
  readonly webSocketUrl: string;
  /** The access token every network caller must bring (`TEMPO_MCP_ACCESS_TOKEN`). */
  readonly accessToken: string;
  /** `{ authorization: 'Bearer <accessToken>' }`. */
  readonly authHeaders: Readonly<Record<string, string>>;
  /** Everything it wrote to stderr so far (its log). */
  output(): string;
  /** Sends SIGTERM and resolves to the exit code (SIGKILL after 10 s, which yields null). */
  stop(): Promise<number | null>;
}

/**
 * Starts `apps/mcp/src/main.ts` against `endpoint` with the credentials in `env`
 * (`TEMPO_API_KEY`, `TEMPO_ACCESS_KEY`, ...) and a random access token, on free ports, and waits
 * until it listens.
 */
export const startMcpProcess = async (
  endpoint: string,
  env: Readonly<Record<string, string>> = {},
): Promise<McpProcess> => {
  const [httpPort, tcpPort, wsPort] = [await freePort(), await freePort(), await freePort()];
  const accessToken = randomBytes(24).toString('base64url');
  const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, MCP_MAIN], {
    // A folder without tempo.mcp.json: defaults, environment and nothing else.
    cwd: resolve(import.meta.dirname),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TEMPO_ENDPOINT: endpoint,
      TEMPO_MCP_HTTP_PORT: String(httpPort),
      TEMPO_MCP_TCP_PORT: String(tcpPort),
      TEMPO_MCP_WS_PORT: String(wsPort),
      TEMPO_MCP_ACCESS_TOKEN: accessToken,
      ...env,
    },
  });
  let output = '';
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`MCP server did not start within 30 s:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('MCP server listening')) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`MCP server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    httpBase: `http://127.0.0.1:${httpPort}`,
    tcpPort,
    webSocketUrl: `ws://127.0.0.1:${wsPort}/mcp`,
    accessToken,
    authHeaders: { authorization: `Bearer ${accessToken}` },
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
};
