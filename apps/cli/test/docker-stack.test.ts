import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadSettings } from '@tempo/core/settings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, type RunningTempo, runTempo, startTempo } from './run-tempo.ts';

/**
 * The Docker stack, checked without a Docker engine: the settings files the compose file mounts
 * load as the images would load them, the worker image's entry point issues its own token from a
 * real server and connects, and the build and publish scripts name the images they should.
 */

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const DOCKER = join(REPO, 'docker');

interface ComposeService {
  readonly image?: string;
  readonly environment?: Record<string, string>;
  readonly volumes?: readonly string[];
  readonly depends_on?: Record<string, { condition: string }>;
}

let compose: { services: Record<string, ComposeService> };
let dir: string;

beforeAll(async () => {
  compose = parse(await readFile(join(DOCKER, 'compose.yaml'), 'utf8'), { merge: true });
  dir = await mkdtemp(join(tmpdir(), 'tempo-docker-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A compose environment with every `${NAME:?...}`/`${NAME:-default}` filled as compose would. */
const resolvedEnvironment = (service: string, given: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(compose.services[service]?.environment ?? {}).map(([name, value]) => [
      name,
      String(value).replace(/\$\{(\w+)(?::[?-]([^}]*))?\}/g, (_whole, variable: string, fallback = '') =>
        variable in given ? (given[variable] as string) : fallback,
      ),
    ]),
  );

const SECRETS = {
  TEMPO_AUTH_ADMIN_API_KEY: 'docker-test-admin-key-0123456789abcdef',
  TEMPO_AUTH_SIGNING_KEY: 'docker-test-signing-key-0123456789abcdef',
  TEMPO_AUTH_CREDENTIAL_HASH_KEY: 'docker-test-hash-key-0123456789abcdef',
  TEMPO_SECRETS_KEY: 'docker-test-secrets-key-0123456789abcdef',
  TEMPO_DB_PASSWORD: 'docker-test-db-password',
};

describe('docker/compose.yaml', () => {
  it('has the services of the stack, each image pinned to the release version', async () => {
    const version = (JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string })
      .version;
    const ours = [
      'dashboard',
      'tempo-mcp',
      'tempo-server',
      'tempo-worker-1',
      'tempo-worker-2',
      'tempo-worker-3',
    ];
    for (const name of ours) {
      expect(compose.services[name]?.image, name).toMatch(
        new RegExp(`/\\w+:\\$\\{TEMPO_VERSION:-${version}\\}$`),
      );
    }
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining([...ours, 'postgres']));
    for (const name of ours.filter((service) => service !== 'tempo-server')) {
      expect(compose.services[name]?.depends_on?.['tempo-server']?.condition, name).toBe('service_healthy');
    }
  });

  it('gives the server settings that load read-only, with its secrets from the environment', async () => {
    const file = join(dir, 'tempo.json');
    const text = await readFile(join(DOCKER, 'tempo.server.json'), 'utf8');
    await writeFile(file, text);
    const env = resolvedEnvironment('tempo-server', SECRETS);
    const { settings } = loadSettings({ filePath: file, env, prepareAuthSecrets: true });
    // Nothing was generated into the file: in the container it is a read-only mount.
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(settings.database).toMatchObject({
      type: 'Postgresql',
      server: 'postgres',
      password: 'docker-test-db-password',
    });
    expect(settings.auth.signingKey).toBe(SECRETS.TEMPO_AUTH_SIGNING_KEY);
    expect(settings.auth.adminApiKey).toBe(SECRETS.TEMPO_AUTH_ADMIN_API_KEY);
    expect(settings.rest.hostname).toBe('0.0.0.0');
    expect(settings.engine.serverCanExecuteWorkload).toBe(false);
    expect(settings.telemetry.otlpEnabled).toBe(false);
    expect(settings.logViewer.workerRootPath).toBe('/var/lib/tempo-server/worker-logs');
    // The worker logs the server reads are the volume the workers write.
    expect(compose.services['tempo-server']?.volumes).toContain(
      'tempo_worker_logs:/var/lib/tempo-server/worker-logs:ro',
    );
    expect(compose.services['tempo-worker-1']?.volumes).toContain(
      'tempo_worker_logs:/var/lib/tempo-worker/logs',
    );
  });

  it('starts a worker image entry point that issues its own token and connects', async () => {
    const port = await freePort();
    const dataDir = join(dir, 'data');
    const env = {
      TEMPO_TELEMETRY_ENABLED: 'false',
      TEMPO_AUTH_ADMIN_API_KEY: SECRETS.TEMPO_AUTH_ADMIN_API_KEY,
    };
    const up: RunningTempo = await startTempo(
      ['up', '--data-dir', dataDir, '--port', String(port)],
      /server http:\/\/\S+:\d+/,
      90_000,
      env,
    );
    const workerDir = join(dir, 'worker');
    const settings = JSON.parse(await readFile(join(DOCKER, 'tempo.worker.json'), 'utf8')) as {
      runtimes: { externalExecution: Record<string, string> };
    };
    // The image's folders under /var/lib are the container's; here they go to a scratch folder.
    const workerSettings = {
      ...settings,
      logging: { logDirectory: join(workerDir, 'logs'), logFilename: 'tempo-worker.log' },
      runLogs: { rootPath: join(workerDir, 'run-logs') },
      runtimes: {
        externalExecution: { scratchRoot: join(workerDir, 'scratch'), cacheRoot: join(workerDir, 'cache') },
      },
    };
    await writeFile(join(dir, 'tempo.worker.json'), JSON.stringify(workerSettings));
    const composeEnv = resolvedEnvironment('tempo-worker-2', SECRETS);
    const worker = spawn(join(DOCKER, 'worker-entrypoint.sh'), [], {
      env: {
        ...process.env,
        // The image's node is on PATH; here it is the one running this test.
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        ...composeEnv,
        TEMPO_WORKER_SERVER_ENDPOINT: `http://127.0.0.1:${port}`,
        TEMPO_WORKER_SETTINGS_FILE: join(dir, 'tempo.worker.json'),
        TEMPO_WORKER_LOG_DIRECTORY: join(workerDir, 'logs', 'wrk_docker_2'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const admin = { 'x-api-key': SECRETS.TEMPO_AUTH_ADMIN_API_KEY };
      let state = '';
      for (let tries = 0; tries < 120 && state !== 'Online'; tries++) {
        await new Promise((wait) => setTimeout(wait, 250));
        const answer = await fetch(`http://127.0.0.1:${port}/v1.0/workers/wrk_docker_2`, { headers: admin });
        if (answer.ok) state = ((await answer.json()) as { state: string }).state;
      }
      expect(state, output).toBe('Online');
      expect(output).toContain('token issued for wrk_docker_2');
      // The entry point became the worker (exec): no process of the container keeps the
      // bootstrap key in its environment, where a handler could read it from /proc.
      const command = await readFile(`/proc/${worker.pid}/cmdline`, 'utf8');
      expect(command).toContain('apps/worker/src/main.ts');
      const environ = await readFile(`/proc/${worker.pid}/environ`, 'utf8');
      expect(environ).toContain('TEMPO_WORKER_TOKEN=');
      expect(environ).not.toContain(SECRETS.TEMPO_AUTH_ADMIN_API_KEY);
    } finally {
      worker.kill('SIGTERM');
      await new Promise((done) => worker.once('exit', done));
      await up.stop();
    }
  }, 120_000);
});

describe('docker/build.sh and docker/publish.sh', () => {
  it('build the four images and push them under the given prefix in a dry run', async () => {
    const version = (JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string })
      .version;
    const run = (script: string, args: readonly string[]) =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const child = spawn('sh', [join(DOCKER, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('exit', (code) => done({ code, out }));
      });
    const built = await run('build.sh', ['--dry-run']);
    expect(built.code).toBe(0);
    for (const app of ['server', 'worker', 'mcp', 'dashboard']) {
      expect(built.out).toContain(
        `-f ${join(DOCKER, `${app}.Dockerfile`)} -t tempo/${app}:${version} ${REPO}`,
      );
    }
    const pushed = await run('publish.sh', ['--prefix', 'example.test/tempo', '--dry-run']);
    expect(pushed.code).toBe(0);
    expect(pushed.out.trim().split('\n')).toHaveLength(16);
    expect(pushed.out).toContain(`docker push example.test/tempo/worker:${version}`);
    expect(pushed.out).toContain('docker push example.test/tempo/dashboard:latest');
    const refused = await run('publish.sh', ['--dry-run']);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('--prefix is required');
  });

  it('keeps ./tempo test checking the compose file and every Dockerfile', async () => {
    const result = await runTempo(['test', '--only', 'deploy'], {}, 120_000);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('ok   deploy (compose lint)');
    expect(result.stdout).toContain('ok   deploy (Dockerfile lint)');
  }, 130_000);
});
