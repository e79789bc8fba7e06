import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidIsAlive, waitUntil } from './process-probe.ts';
import { createShellStep, triggerFor } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// Handlers that try to outlive their call or their server, over one database and one scratch
// root that a restarted server takes over. Each handler writes the pids it starts to a file of
// the test's folder, so the test can look for them in /proc afterwards.
const SECRET_NAME = 'TEMPO_TEST_CONTAINMENT_TOKEN';
const SECRET = 'tok-SECRET-1234';

let shared: string;
let scratchRoot: string;
let server: ServerProcess;
let admin: TempoClient;
let t: TenantClient;

const serverSettings = () => ({
  database: { filename: join(shared, 'tempo.db') },
  runtimes: { externalExecution: { scratchRoot, environmentAllowList: [SECRET_NAME] } },
});

const connect = async (running: ServerProcess) => {
  admin = new TempoClient({ baseUrl: running.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  const tenants = await admin.tenants.list();
  t = admin.tenant(tenants.items[0]?.id ?? '');
};

/** The pids a handler wrote to `name` in the test folder, one a line. */
const pidsIn = (name: string): number[] => {
  const file = join(shared, name);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
};

/** The per-call scratch folders left under the scratch root. */
const scratchFolders = (): string[] =>
  existsSync(scratchRoot)
    ? readdirSync(scratchRoot).flatMap((tenant) =>
        readdirSync(join(scratchRoot, tenant)).map((call) => join(scratchRoot, tenant, call)),
      )
    : [];

/** The server's own process: the one whose command line names its settings file. */
const serverPid = (running: ServerProcess): number => {
  const settingsFile = join(running.dataDir, 'tempo.json');
  const found = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(settingsFile);
      } catch {
        return false;
      }
    });
  if (found.length !== 1) throw new Error(`expected one server process, found ${found.length}`);
  return Number(found[0]);
};

const fire = (triggerId: string) => admin.httpTriggers.fire(triggerId, { body: {} });

beforeAll(async () => {
  shared = mkdtempSync(join(tmpdir(), 'tempo-containment-test-'));
  scratchRoot = join(shared, 'scratch');
  process.env[SECRET_NAME] = SECRET;
  server = await startServerProcess(serverSettings());
  await connect(server);
});

afterAll(async () => {
  await server?.stop();
  // A failing run of this suite must not leave its sleepers behind either.
  for (const file of existsSync(shared ?? '') ? readdirSync(shared) : []) {
    if (!file.endsWith('.pids')) continue;
    for (const pid of pidsIn(file)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  rmSync(shared, { recursive: true, force: true });
});

describe('handler processes stay inside their call', () => {
  it('a grandchild in a session of its own holding stdout cannot keep the run past its limit', async () => {
    const pids = join(shared, 'escape.pids');
    await createShellStep(
      t,
      'escape.session',
      `#!/bin/sh\necho $$ >> ${pids}\nsetsid -f sh -c 'echo $$ >> ${pids}; exec sleep 97'\nexec sleep 97\n`,
      { maxRuntimeMs: 2_000 },
    );
    const started = Date.now();
    const answer = await fire(await triggerFor(t, 'escape.session'));
    const elapsedMs = Date.now() - started;
    expect(answer.run.state).toBe('Exception');
    expect(answer.headers['x-run-error']).toMatch(/^External process exceeded maximum runtime of \d+ms/);
    expect(elapsedMs).toBeLessThan(10_000);
    expect(pidsIn('escape.pids')).toHaveLength(2);
    expect(pidsIn('escape.pids').filter(pidIsAlive)).toEqual([]);
  }, 60_000);

  it('a detached grandchild writing to /dev/null does not outlive a handler that succeeds', async () => {
    const pids = join(shared, 'orphan.pids');
    await createShellStep(
      t,
      'escape.orphan',
      [
        '#!/bin/sh',
        'cat > /dev/null',
        `setsid -f sh -c 'echo $$ >> ${pids}; exec sleep 97' > /dev/null 2>&1 < /dev/null`,
        `while [ ! -s ${pids} ]; do sleep 0.05; done`,
        `printf '{"result":"Success","data":{"done":true}}'`,
        '',
      ].join('\n'),
    );
    const answer = await fire(await triggerFor(t, 'escape.orphan'));
    expect(answer.status).toBe(200);
    expect(answer.output).toEqual({ done: true });
    expect(pidsIn('orphan.pids')).toHaveLength(1);
    expect(pidsIn('orphan.pids').filter(pidIsAlive)).toEqual([]);
  });
});

describe('what a handler says about itself is redacted', () => {
  /** A step whose handler may read the secret variable, as the operator allows. */
  const secretStep = async (key: string, script: string) => {
    const step = await createShellStep(t, key, script);
    await t.steps.update(step.id, {
      runtimeConfig: {
        runtimeKey: 'Artifact.Process',
        artifactId: step.artifactId ?? '',
        artifactVersion: '1.0.0',
        environmentReferences: [SECRET_NAME],
      },
    });
    return fire(await triggerFor(t, key));
  };

  /** Every place the run's error is kept or answered. */
  const errorTexts = async (answer: Awaited<ReturnType<typeof fire>>) => {
    const run = await t.runs.get(answer.run.runId);
    const steps = await t.runs.steps(answer.run.runId);
    return [
      answer.headers['x-run-error'] ?? '',
      run.errorMessage ?? '',
      ...steps.map((s) => s.errorMessage ?? ''),
    ];
  };

  it.each([
    {
      what: 'the exception a handler returns',
      printf: `'{"result":"Exception","exception":"auth failed with %s"}'`,
      error: /^auth failed with \[redacted\]$/,
    },
    {
      what: 'what is wrong with stdout that is not JSON',
      printf: `'token=%s'`,
      error: /^External process stdout was not valid StepResult JSON: /,
    },
  ])('$what', async ({ what, printf, error }) => {
    const answer = await secretStep(
      `leak.${what.split(' ').at(-1)}`,
      `#!/bin/sh\ncat > /dev/null\nprintf ${printf} "$${SECRET_NAME}"\n`,
    );
    expect(answer.run.state).toBe('Exception');
    const texts = await errorTexts(answer);
    expect(texts[0]).toMatch(error);
    for (const text of texts) expect(text).not.toContain('tok-S');
  });
});

describe('handlers do not outlive their server', () => {
  it('a restart on the same data kills what a server killed with SIGKILL left running and clears its scratch', async () => {
    const pids = join(shared, 'crash.pids');
    const scratchList = join(shared, 'crash-scratch.txt');
    await createShellStep(
      t,
      'crash.sleeper',
      [
        '#!/bin/sh',
        `echo "$TEMPO_SCRATCH_DIR" >> ${scratchList}`,
        `echo $$ >> ${pids}`,
        `setsid -f sh -c 'echo $$ >> ${pids}; exec sleep 300' > /dev/null 2>&1 < /dev/null`,
        'exec sleep 300',
        '',
      ].join('\n'),
      { maxRuntimeMs: 120_000 },
    );
    const running = fire(await triggerFor(t, 'crash.sleeper')).catch(() => null);
    await waitUntil(() => pidsIn('crash.pids').length === 2, 15_000, 'the handler and its grandchild');
    const handlerPids = pidsIn('crash.pids');
    const [scratch = ''] = readFileSync(scratchList, 'utf8').split('\n');
    expect(handlerPids.filter(pidIsAlive)).toEqual(handlerPids);
    expect(existsSync(scratch)).toBe(true);

    const killed = serverPid(server);
    process.kill(killed, 'SIGKILL');
    await waitUntil(() => !pidIsAlive(killed), 10_000, 'the server to die');
    await running;
    await server.stop();

    server = await startServerProcess(serverSettings());
    await connect(server);
    expect(handlerPids.filter(pidIsAlive)).toEqual([]);
    expect(existsSync(scratch)).toBe(false);
    expect(scratchFolders()).toEqual([]);
  }, 90_000);
});
