import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from './server-process.ts';

/**
 * What a new user meets in the first hour with `./tempo`: one server per data folder, a taken
 * port reported before the database is touched, the product version in one place, CLI answers
 * that match the docs, and a sign-in failure that says what went wrong.
 */

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const TEMPO = join(REPO_ROOT, 'tempo');
const ROOT_VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
const LISTENING = /tempo: (up: server|server listening on) http/;

/** A `./tempo` process: its output so far and its end. */
interface TempoRun {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code, or -1 when a signal ended it. */
  readonly exited: Promise<number>;
}

const runTempo = (args: readonly string[], env: Readonly<Record<string, string>> = {}): TempoRun => {
  // Its own process group, so a command that starts children (a benchmark) is stopped whole.
  const child = spawn(TEMPO, [...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, TEMPO_SETTINGS_FILE: '', ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number>((done) => child.on('exit', (code) => done(code ?? -1)));
  return { child, output: () => output, exited };
};

const killGroup = (run: TempoRun, signal: NodeJS.Signals): void => {
  try {
    if (run.child.pid !== undefined) process.kill(-run.child.pid, signal);
  } catch {
    // Already gone.
  }
};

/** Which came first: the process ended (its code), it listened, or the time ran out. */
const settle = async (run: TempoRun, timeoutMs: number): Promise<number | 'listening' | 'timeout'> => {
  const deadline = Date.now() + timeoutMs;
  let code: number | undefined;
  void run.exited.then((value) => {
    code = value;
  });
  while (Date.now() < deadline) {
    if (code !== undefined) return code;
    if (LISTENING.test(run.output())) return 'listening';
    await new Promise((wake) => setTimeout(wake, 50));
  }
  return 'timeout';
};

/** Runs a command that must end by itself; one that keeps running is stopped and reported. */
const runToEnd = async (
  args: readonly string[],
  timeoutMs = 20_000,
  env: Readonly<Record<string, string>> = {},
) => {
  const run = runTempo(args, env);
  const outcome = await settle(run, timeoutMs);
  if (typeof outcome !== 'number') {
    killGroup(run, 'SIGKILL');
    await run.exited;
  }
  return { outcome, output: run.output() };
};

const started: TempoRun[] = [];
const folders: string[] = [];

/** Starts a long-running command and waits until it listens. */
const startListening = async (args: readonly string[]): Promise<TempoRun> => {
  const run = runTempo(args);
  started.push(run);
  const outcome = await settle(run, 60_000);
  if (outcome !== 'listening')
    throw new Error(`./tempo ${args.join(' ')} did not start (${outcome}):\n${run.output()}`);
  return run;
};

const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });

const tempFolder = (): string => {
  const folder = mkdtempSync(join(tmpdir(), 'tempo-first-hour-'));
  folders.push(folder);
  return folder;
};

afterEach(async () => {
  for (const run of started.splice(0)) {
    killGroup(run, 'SIGKILL');
    await run.exited;
  }
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('one server per data folder', () => {
  it('refuses a second up or server on a folder in use, and takes over the folder of a killed one', async () => {
    const dataDir = tempFolder();
    const first = await startListening(['up', '--data-dir', dataDir, '--port', String(await freePort())]);

    const again = await runToEnd(['up', '--data-dir', dataDir, '--port', String(await freePort())]);
    expect(again.outcome, again.output).toBe(1);
    expect(again.output).toMatch(
      new RegExp(`data folder ${dataDir} is in use by another Tempo server \\(process ${first.child.pid}\\)`),
    );
    // `server --settings FILE` locks the folder of the file.
    const bySettings = await runToEnd([
      'server',
      '--settings',
      join(dataDir, 'tempo.json'),
      '--port',
      String(await freePort()),
    ]);
    expect(bySettings.outcome, bySettings.output).toBe(1);
    expect(bySettings.output).toMatch(/is in use by another Tempo server/);

    // The kernel frees the lock of a killed server: no stale lock keeps the folder.
    killGroup(first, 'SIGKILL');
    await first.exited;
    const port = await freePort();
    const next = await startListening(['up', '--data-dir', dataDir, '--port', String(port)]);
    const info = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { name: string };
    expect(info.name).toBe('Tempo Server');

    // A clean stop lets go of the folder and exits 0.
    killGroup(next, 'SIGTERM');
    expect(await next.exited).toBe(0);
    expect(existsSync(join(dataDir, 'tempo.pid'))).toBe(false);
  }, 120_000);
});

describe('a port in use', () => {
  let holder: Server;
  let port: number;

  beforeAll(async () => {
    holder = createServer();
    port = await new Promise<number>((resolvePort) =>
      holder.listen(0, '127.0.0.1', () => {
        const address = holder.address();
        resolvePort(typeof address === 'object' && address ? address.port : 0);
      }),
    );
  });
  afterAll(() => new Promise<void>((done) => holder.close(() => done())));

  it('is reported before the database is created, with what to do', async () => {
    const dataDir = tempFolder();
    const settingsFile = join(dataDir, 'tempo.json');
    writeFileSync(settingsFile, JSON.stringify({ rest: { hostname: '127.0.0.1', port } }));
    const result = await runToEnd(['server', '--settings', settingsFile]);
    expect(result.outcome, result.output).toBe(1);
    expect(result.output).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(result.output).toMatch(/--port N/);
    expect(existsSync(join(dataDir, 'tempo.db'))).toBe(false);
  }, 60_000);
});

describe('the CLI says what the docs say', () => {
  it('prints the root package version for --version and version', async () => {
    for (const args of [['--version'], ['version']]) {
      const result = await runToEnd(args);
      expect(result.outcome, result.output).toBe(0);
      expect(result.output.trim()).toBe(ROOT_VERSION);
    }
  });

  it('lists bench steps, the services stage and --version in --help', async () => {
    const result = await runToEnd(['--help']);
    expect(result.outcome).toBe(0);
    expect(result.output).toMatch(
      /bench \[trigger\|distributed\|steps\] \[--profile\] \[--only sqlite\|postgres\]/,
    );
    expect(result.output).toMatch(/--only [a-z|]*services/);
    expect(result.output).toMatch(/--version/);
  });

  it('lists the benchmarks when bench is given no name, without running one', async () => {
    const result = await runToEnd(['bench'], 15_000);
    expect(result.outcome, result.output).toBe(0);
    expect(result.output).toMatch(/^\s+trigger\s+\S/m);
    expect(result.output).toMatch(/^\s+steps\s+\S/m);
  }, 30_000);

  it('accepts --only services, the stage the summary shows', async () => {
    // A bad stage name lists the accepted ones; services must be among them.
    const result = await runToEnd(['test', '--only', 'no-such-stage']);
    expect(result.outcome).toBe(2);
    expect(result.output).toMatch(/--only takes [a-z, ]*services/);
  });

  it('shows the MCP server’s settings with --showconfig, its credentials masked', async () => {
    const key = 'first-hour-mcp-key-0123456789';
    const result = await runToEnd(['mcp', '--showconfig'], 30_000, { TEMPO_API_KEY: key });
    expect(result.outcome, result.output).toBe(0);
    expect(result.output).toMatch(/8910/);
    expect(result.output).not.toContain(key);
  });

  it('refuses to start a worker on a settings file that does not exist, and says so', async () => {
    const result = await runToEnd(['worker', '--config', join(tmpdir(), 'no-such-tempo.worker.json')]);
    expect(result.outcome).toBe(2);
    expect(result.output).toMatch(/settings file does not exist/);
  });

  it('has no bootstrap header promising a dashboard build', () => {
    const header = readFileSync(TEMPO, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .slice(0, 6)
      .join('\n');
    expect(header).not.toMatch(/dashboard/i);
  });
});

describe('a running server', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reports the root package version in GET / and the OpenAPI document', async () => {
    const info = (await (await fetch(`${server.baseUrl}/`)).json()) as { version: string };
    const document = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
      info: { version: string };
    };
    expect({ root: info.version, openApi: document.info.version }).toEqual({
      root: ROOT_VERSION,
      openApi: ROOT_VERSION,
    });
  });

  it('answers a wrong password and an unknown email with "Invalid email or password."', async () => {
    for (const body of [
      { email: 'admin@tempo.local', password: 'not-the-password' },
      { email: 'nobody@example.test', password: 'password' },
    ]) {
      const answer = await fetch(`${server.baseUrl}/v1.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({
        error: 'Unauthorized',
        message: 'Invalid email or password.',
      });
    }
  });
});
