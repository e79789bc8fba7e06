import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file lives in apps/server/test). */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Admin API key the test servers are configured with. */
export const TEST_ADMIN_API_KEY = 'test-admin-key-0123456789';

/** A server started as a real process on a loopback port, with a data folder of its own. */
export interface ServerProcess {
  readonly baseUrl: string;
  readonly dataDir: string;
  /** The log file the server writes (for tests that read it). */
  readonly logDirectory: string;
  /** Everything the process printed so far. */
  output(): string;
  /** The access key of the seeded credential, printed once on first start. */
  readonly seededAccessKey: string;
  /** Stops the server and deletes its data folder, unless `keepDataDir` (to start it again). */
  stop(options?: { readonly keepDataDir?: boolean }): Promise<void>;
}

/** A port nothing listens on now, on loopback. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePort(address.port)
          : reject(new Error('no free port')),
      );
    });
  });

/** Extra `tempo.json` content merged over the test defaults. */
export type SettingsOverrides = Readonly<Record<string, unknown>>;

/**
 * Starts `./tempo server` with a fresh SQLite database in a temporary folder (or again on the
 * folder of a server stopped with `keepDataDir`, its settings file kept but for the port), waits
 * until it listens, and returns how to reach and stop it.
 */
export const startServerProcess = async (
  overrides: SettingsOverrides = {},
  reuseDataDir?: string,
): Promise<ServerProcess> => {
  const dataDir = reuseDataDir ?? mkdtempSync(join(tmpdir(), 'tempo-server-test-'));
  const port = await freePort();
  const kept: Record<string, Record<string, unknown>> = reuseDataDir
    ? JSON.parse(readFileSync(join(dataDir, 'tempo.json'), 'utf8'))
    : {};
  const defaults: Record<string, Record<string, unknown>> = {
    ...kept,
    rest: { ...kept.rest, hostname: '127.0.0.1', port },
    auth: {
      ...kept.auth,
      adminApiKey: TEST_ADMIN_API_KEY,
      signingKey: 'test-signing-key-for-black-box-suites',
    },
    logging: { consoleLogging: true, fileLogging: true },
    // REST steps in the suites call the server itself and small targets on loopback, which the
    // outbound policy refuses unless allowed.
    runtimes: { outboundRest: { allowedTargets: ['127.0.0.1'] } },
    // No collector listens in the suites: OTLP export would only warn and slow every stop.
    telemetry: { ...kept.telemetry, otlpEnabled: false },
  };
  // Sections merge one level deep, so an override keeps the port and keys above.
  const settings = Object.fromEntries(
    [...new Set([...Object.keys(defaults), ...Object.keys(overrides)])].map((section) => [
      section,
      { ...defaults[section], ...(overrides[section] as Record<string, unknown> | undefined) },
    ]),
  );
  const settingsFile = join(dataDir, 'tempo.json');
  writeFileSync(settingsFile, JSON.stringify(settings));
  const child: ChildProcess = spawn(join(REPO_ROOT, 'tempo'), ['server', '--settings', settingsFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TEMPO_SETTINGS_FILE: '' },
  });
  let output = '';
  const exited = new Promise<void>((resolveExit) => child.on('exit', () => resolveExit()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/server listening on http/.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // A server that refused to start leaves nothing to stop, so its folder goes now.
      if (!/server listening on http/.test(output) && !reuseDataDir)
        rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  const seededAccessKey = /access key (pub_\S+)/.exec(output)?.[1] ?? '';
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    logDirectory: join(dataDir, 'logs'),
    output: () => output,
    seededAccessKey,
    stop: async (options = {}) => {
      child.kill('SIGTERM');
      // A server that cannot shut down within 10 s is killed, so a hung suite never leaks it.
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** The `database` section of the PostgreSQL server `./tempo test` starts. */
export const postgresSection = () => {
  const env = (name: string) => {
    const value = process.env[`TEMPO_TEST_PG_${name}`];
    if (!value) throw new Error(`TEMPO_TEST_PG_${name} is not set: run this suite through ./tempo test.`);
    return value;
  };
  return {
    type: 'Postgresql' as const,
    server: env('HOST'),
    port: Number(env('PORT')),
    databaseName: env('NAME'),
    username: env('USER'),
    password: env('PASSWORD'),
  };
};
