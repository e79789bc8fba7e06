import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  killProcessesMentioning,
  pidsMentioning,
  type RunningTempo,
  runTempo,
  startTempo,
  waitFor,
} from './run-tempo.ts';

/**
 * `./tempo up --workers N`: the distributed path on one machine. N worker processes beside the
 * server, whose own execution is off for that start only; their logs where the log viewer looks;
 * a worker that dies started again; nothing left running after SIGTERM.
 */

let dir: string;
const running: RunningTempo[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tempo-up-workers-'));
});

afterEach(() => {
  // A failed test must not leave its stack behind: `up` and whatever it started.
  for (const up of running.splice(0)) up.child.kill('SIGKILL');
  killProcessesMentioning(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Worker processes of one data folder, by the settings file `up` starts each with. */
const workerPids = (dataDir: string, workerId: string): number[] =>
  pidsMentioning(join(dataDir, 'workers', workerId, 'tempo.worker.json'));

interface WorkerItem {
  readonly id: string;
  readonly state: string;
  readonly latestSession: { readonly id: string; readonly disconnectReason: string | null } | null;
}

const adminKeyOf = (dataDir: string): string =>
  JSON.parse(readFileSync(join(dataDir, 'tempo.json'), 'utf8')).auth.adminApiKey;

const adminGet = async <T>(port: number, dataDir: string, path: string): Promise<T> => {
  const answer = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { 'x-api-key': adminKeyOf(dataDir) },
  });
  expect(answer.status, path).toBe(200);
  return (await answer.json()) as T;
};

const workers = async (port: number, dataDir: string): Promise<Map<string, string>> => {
  const page = await adminGet<{ items: WorkerItem[] }>(port, dataDir, '/v1.0/workers?pageSize=100');
  return new Map(page.items.map((item) => [item.id, item.state]));
};

const LOCAL = ['wrk_local_1', 'wrk_local_2'] as const;
const hasSetpriv =
  process.platform === 'linux' &&
  (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/bin', '/bin'])
    .some((folder) => folder !== '' && existsSync(join(folder, 'setpriv')));
// Telemetry export to a collector that is not there only slows the stop down.
const ENV = { TEMPO_TELEMETRY_ENABLED: 'false' };

/** Starts `./tempo up ARGS --data-dir DIR --port P` on a new port, ready once `ready` is printed. */
const startUp = async (args: readonly string[], dataDir: string, ready: RegExp) => {
  const port = await freePort();
  const up = await startTempo([...args, '--data-dir', dataDir, '--port', String(port)], ready, 90_000, ENV);
  running.push(up);
  return { up, port };
};

/** Stops a stack started by {@link startUp}; resolves to its exit code. */
const stopUp = async (up: RunningTempo) => {
  running.splice(running.indexOf(up), 1);
  return up.stop();
};

describe('./tempo up --workers N', () => {
  it('is documented in ./tempo up --help and refuses more than 16', async () => {
    const help = await runTempo(['up', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--workers N');
    expect(help.stdout).toMatch(/local worker processes/);
    const tooMany = await runTempo(['up', '--workers', '17']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('--workers must be a whole number from 0 to 16');
  });

  it('runs flows on N worker processes for that start only, restarts a dead one, and leaves nothing behind', async () => {
    const dataDir = join(dir, 'stack');
    const { up, port } = await startUp(['up', '--workers', '2'], dataDir, /2 local workers run the flows/);

    // Both workers connect; the server's own pseudo-worker takes no runs this time.
    const listed = await waitFor('both local workers Online', async () => {
      const states = await workers(port, dataDir);
      return LOCAL.every((id) => states.get(id) === 'Online') ? states : undefined;
    });
    expect(listed.get('wrk_local_server') ?? 'absent').not.toBe('Online');
    // In memory only: the settings file keeps the single-process stack.
    const settings = JSON.parse(readFileSync(join(dataDir, 'tempo.json'), 'utf8'));
    expect(settings.engine?.serverCanExecuteWorkload).not.toBe(false);

    for (const id of LOCAL) {
      const file = join(dataDir, 'workers', id, 'tempo.worker.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const worker = JSON.parse(readFileSync(file, 'utf8'));
      expect(worker).toMatchObject({ workerId: id, serverEndpoint: `http://127.0.0.1:${port}` });
      expect(worker.workerToken).toMatch(/^key_/);
      // The worker's rolling log file (`tempo-worker.<n>.log`), in the log viewer's worker root.
      const logFolder = join(dataDir, 'worker-logs', id);
      await waitFor(`${id}'s log file`, () =>
        existsSync(logFolder) && readdirSync(logFolder).some((name) => name.startsWith('tempo-worker.'))
          ? true
          : undefined,
      );
      const files = await adminGet<{ path: string }[]>(
        port,
        dataDir,
        `/v1.0/logs/files?sourceKind=worker&sourceId=${id}`,
      );
      expect(files.map((file) => file.path)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^tempo-worker\.\d+\.log$/)]),
      );
    }
    const sources = await adminGet<{ sourceKind: string; sourceId: string }[]>(
      port,
      dataDir,
      '/v1.0/logs/sources',
    );
    const workerSources = sources.filter((source) => source.sourceKind === 'worker').map((s) => s.sourceId);
    expect(workerSources).toEqual(expect.arrayContaining([...LOCAL]));

    // A worker that dies is started again and reconnects with a new session.
    const sessionOf = async () =>
      (await adminGet<WorkerItem>(port, dataDir, '/v1.0/workers/wrk_local_1')).latestSession;
    const firstSession = await sessionOf();
    const [first] = workerPids(dataDir, 'wrk_local_1');
    expect(first, up.output()).toBeDefined();
    process.kill(first as number, 'SIGKILL');
    const second = await waitFor('wrk_local_1 started again', () => {
      const pids = workerPids(dataDir, 'wrk_local_1').filter((pid) => pid !== first);
      return pids[0];
    });
    expect(second).not.toBe(first);
    await waitFor('wrk_local_1 Online again in a new session', async () => {
      const session = await sessionOf();
      const online = (await workers(port, dataDir)).get('wrk_local_1') === 'Online';
      return online && session !== null && session.id !== firstSession?.id ? true : undefined;
    });
    expect(up.output()).toMatch(/worker wrk_local_1 ended \(signal SIGKILL\); starting it again/);

    const stack = pidsMentioning(dataDir);
    expect(stack.length, up.output()).toBeGreaterThanOrEqual(3);
    expect(await stopUp(up)).toBe(0);
    // The workers are stopped before the server, so once `up` has ended none may be left.
    expect(pidsMentioning(dataDir)).toEqual([]);

    // Without the flag the same data folder is the single-process stack again.
    const single = await startUp(['up'], dataDir, /server http:\/\/\S+:\d+/);
    const states = await workers(single.port, dataDir);
    expect(states.get('wrk_local_server')).toBe('Online');
    for (const id of LOCAL) {
      expect(states.get(id)).toBe('Offline');
      // Each worker ended its session itself, so it was stopped before the server was.
      const worker = await adminGet<WorkerItem>(single.port, dataDir, `/v1.0/workers/${id}`);
      expect(worker.latestSession?.disconnectReason).toBe('worker_stopped');
    }
    expect(LOCAL.flatMap((id) => workerPids(dataDir, id))).toEqual([]);
    expect(await stopUp(single.up)).toBe(0);
  }, 240_000);

  // `setpriv --pdeathsig` is what ties a worker to an `up` that cannot stop it itself.
  it.skipIf(!hasSetpriv)(
    'stops its workers even when up itself is killed outright',
    async () => {
      const dataDir = join(dir, 'killed');
      const { up, port } = await startUp(['up', '--workers', '1'], dataDir, /1 local worker runs the flows/);
      await waitFor('wrk_local_1 Online', async () =>
        (await workers(port, dataDir)).get('wrk_local_1') === 'Online' ? true : undefined,
      );
      expect(workerPids(dataDir, 'wrk_local_1')).toHaveLength(1);
      up.child.kill('SIGKILL');
      await waitFor(
        'no process of the killed stack',
        () => (pidsMentioning(dataDir).length === 0 ? true : undefined),
        30_000,
      );
    },
    120_000,
  );
});
