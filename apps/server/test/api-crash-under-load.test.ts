import { createRequire } from 'node:module';
import { basename, join, resolve, sep } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  pidIsAlive,
  pidsWithEnvironment,
  scratchFoldersUnder,
  serverPidOf,
  waitUntil,
} from './process-probe.ts';
import { triggerFor } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// Issue 11 asks that a server killed with SIGKILL in the middle of trigger load, with handler
// processes running, leaves a sound database and nothing behind once it starts again: no handler
// process, no scratch folder, no answered run lost and no run stuck Queued or Running.

/** The part of better-sqlite3 the integrity check uses. */
interface ReadOnlyDatabase {
  pragma(source: string, options: { readonly simple: true }): unknown;
  close(): void;
}
type DatabaseConstructor = new (
  filename: string,
  options: { readonly readonly: boolean; readonly fileMustExist: boolean },
) => ReadOnlyDatabase;

// The driver the server itself uses, a dependency of @tempo/core, so the file is read by the very
// SQLite build that wrote it.
const Database = createRequire(
  resolve(import.meta.dirname, '..', '..', '..', 'packages', 'core', 'package.json'),
)('better-sqlite3') as DatabaseConstructor;

/** `PRAGMA integrity_check` of an SQLite file opened read-only, so checking it changes nothing. */
const integrityOf = (filename: string): unknown => {
  const database = new Database(filename, { readonly: true, fileMustExist: true });
  try {
    return database.pragma('integrity_check', { simple: true });
  } finally {
    database.close();
  }
};

const PYTHON_HANDLER = `import time

def run(request):
    time.sleep(0.2)
    return {"lang": "python", "n": request["data"]["n"]}
`;
const JAVASCRIPT_HANDLER = `exports.run = (request) => ({ lang: 'javascript', n: request.data.n });
`;

const CLIENTS = 9;

const servers: ServerProcess[] = [];

afterAll(async () => {
  for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
});

describe('kill -9 of a SQLite server under a mix of trigger load', () => {
  // In a PID namespace the kernel ends a call's processes when the server dies; in `tracking`
  // mode they live on, and only the restart's clean-up can end them.
  it.each(['auto', 'tracking'] as const)(
    'with %s handler isolation, leaves a sound file, every answered run Succeeded, and no handler or scratch folder once restarted',
    async (isolation) => {
      const settings = {
        // A short heartbeat lets the restarted server judge the killed one dead within seconds.
        engine: { workerHeartbeatTimeoutMs: 1000, maxConcurrentRuns: 6 },
        runtimes: {
          externalExecution: {
            isolation,
            // A root server refuses `tracking` unless told that handlers may see its files.
            hideServerFiles: isolation !== 'tracking',
            maxConcurrentProcessesServerWide: 4,
            maxConcurrentProcessesPerTenant: 4,
          },
        },
      };
      const first = await startServerProcess(settings);
      servers.push(first);
      const databaseFile = join(first.dataDir, 'tempo.db');
      const scratchRoot = join(first.dataDir, 'scratch');
      // Every handler call carries its scratch folder in its environment, and the processes it
      // starts inherit it: the marker of this server's handlers, whichever PID namespace holds them.
      const handlers = (inFolder: (folder: string) => boolean = () => true) =>
        pidsWithEnvironment(
          (name, value) =>
            name === 'TEMPO_SCRATCH_DIR' && value.startsWith(scratchRoot + sep) && inFolder(value),
        );

      const admin = new TempoClient({ baseUrl: first.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
      const t: TenantClient = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
      await t.steps.create({
        executionKey: 'crash.builtin',
        name: 'crash.builtin',
        runtimeKey: 'Builtin.Method',
        runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.builtin.echo' },
      });
      await t.steps.fromSource({ name: 'crash.python', language: 'py', code: PYTHON_HANDLER });
      await t.steps.fromSource({ name: 'crash.javascript', language: 'js', code: JAVASCRIPT_HANDLER });
      const kinds = ['builtin', 'python', 'javascript'] as const;
      const triggers = await Promise.all(kinds.map((kind) => triggerFor(t, `crash.${kind}`)));

      const answered = new Map<string, (typeof kinds)[number]>();
      const refused: string[] = [];
      let killed = false;
      const caller = async (index: number) => {
        for (let call = index; !killed; call++) {
          const kind = kinds[call % kinds.length] ?? 'builtin';
          try {
            const response = await fetch(
              `${first.baseUrl}/v1.0/triggers/http/${triggers[call % kinds.length]}`,
              {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ n: call }),
              },
            );
            const body = await response.text();
            const runId = response.headers.get('x-run-id');
            if (response.status === 200 && runId) answered.set(runId, kind);
            else if (!killed) refused.push(`${kind} ${response.status} ${body}`);
          } catch {
            // The server died with this call open: it was never answered.
            return;
          }
        }
      };
      const callers = Array.from({ length: CLIENTS }, (_, index) => caller(index));
      // Killed only once every kind has been answered a few times (a loaded machine starts
      // Python slowly) and a handler process is running.
      const answeredOf = (kind: (typeof kinds)[number]) =>
        [...answered.values()].filter((each) => each === kind).length;
      await waitUntil(
        () => kinds.every((kind) => answeredOf(kind) > 2),
        30_000,
        'three answers of each kind',
      );
      await waitUntil(() => handlers().length > 0, 10_000, 'a handler process to be running');
      const serverPid = serverPidOf(join(first.dataDir, 'tempo.json'));
      process.kill(serverPid, 'SIGKILL');
      killed = true;
      await waitUntil(() => !pidIsAlive(serverPid), 10_000, 'the server to die');
      // What the dead server left: it can start nothing more, so this list is complete.
      const deadScratch = new Set(scratchFoldersUnder(scratchRoot));
      const deadServerHandlers = () => handlers((folder) => deadScratch.has(folder));
      await Promise.all(callers);
      await first.stop({ keepDataDir: true });

      expect(refused).toEqual([]);
      for (const kind of kinds) expect(answeredOf(kind)).toBeGreaterThan(2);
      // The file exactly as the dead server left it (its WAL included) must be sound.
      expect(integrityOf(databaseFile)).toBe('ok');

      const second = await startServerProcess(settings, first.dataDir);
      servers.push(second);
      // Cleared before the restarted server listens, so nothing is waited for here. The new
      // server may already run the queued runs again, in folders of its own.
      expect(deadServerHandlers()).toEqual([]);
      expect(scratchFoldersUnder(scratchRoot).filter((folder) => deadScratch.has(folder))).toEqual([]);

      const t2 = new TempoClient({
        baseUrl: second.baseUrl,
        credentials: { apiKey: TEST_ADMIN_API_KEY },
      }).tenant(t.tenantId);
      const states = new Map<string, string>();
      const readAll = async () => {
        states.clear();
        for (let page = 1; ; page++) {
          const batch = await t2.runs.list({ pageSize: 1000, pageNumber: page });
          for (const run of batch.items) states.set(run.id, run.state);
          if (batch.items.length < 1000) return;
        }
      };
      for (const runId of answered.keys()) expect((await t2.runs.get(runId)).state).toBe('Succeeded');
      // The killed server's unfinished runs end once it is judged dead, its queued ones run again.
      await waitUntil(
        async () => {
          await readAll();
          return [...states.values()].every((state) => state !== 'Queued' && state !== 'Running');
        },
        20_000,
        'no run left Queued or Running',
      );
      expect([...answered.keys()].filter((runId) => states.get(runId) !== 'Succeeded')).toEqual([]);
      // With every run ended, what is left is the restarted server's warm handlers waiting idle
      // (source steps run warm by default), each in its own warm folder; no per-call folder.
      const isWarmFolder = (folder: string) => basename(folder).startsWith('warm');
      await waitUntil(
        () => scratchFoldersUnder(scratchRoot).every(isWarmFolder),
        5_000,
        'the last per-call folders to clear up',
      ).catch(() => undefined);
      expect(scratchFoldersUnder(scratchRoot).filter((folder) => !isWarmFolder(folder))).toEqual([]);
      expect(handlers((folder) => !isWarmFolder(folder))).toEqual([]);
      // Its stop ends them: no handler process and no scratch folder outlives the server.
      await second.stop({ keepDataDir: true });
      servers.splice(servers.indexOf(second), 1);
      expect(handlers()).toEqual([]);
      expect(scratchFoldersUnder(scratchRoot)).toEqual([]);
      expect(integrityOf(databaseFile)).toBe('ok');
    },
    120_000,
  );
});
