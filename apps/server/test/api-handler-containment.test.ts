import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostPidOf, pidIsAlive, scratchFoldersUnder, serverPidOf, waitUntil } from './process-probe.ts';
import { createShellStep, triggerFor } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// Handlers that try to outlive their call or their server, or to take more memory or CPU than
// they are given, over one database and one scratch root that a restarted server takes over.
// Inside a PID namespace a handler sees other pids than the host, so the processes a handler
// starts are found on the host by their command line: `sleep` with a number unique to this run.
const SECRET_NAME = 'TEMPO_TEST_CONTAINMENT_TOKEN';
const SECRET = 'tok-SECRET-1234';
const MEMORY_LIMIT_MB = 256;
const CPU_LIMIT_SECONDS = 2;

let shared: string;
let scratchRoot: string;
let server: ServerProcess;
let admin: TempoClient;
let t: TenantClient;

const serverSettings = () => ({
  database: { filename: join(shared, 'tempo.db') },
  runtimes: {
    externalExecution: {
      scratchRoot,
      environmentAllowList: [SECRET_NAME],
      memoryLimitMb: MEMORY_LIMIT_MB,
      cpuTimeLimitSeconds: CPU_LIMIT_SECONDS,
      // These handlers leave flag files where the test reads them; hiding is tested below.
      hideServerFiles: false,
    },
  },
});

const connect = async (running: ServerProcess) => {
  admin = new TempoClient({ baseUrl: running.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  const tenants = await admin.tenants.list();
  t = admin.tenant(tenants.items[0]?.id ?? '');
};

/** A `sleep` duration in seconds no other process on this machine is likely to use. */
let nextSleep = 90_000 + Math.floor(Math.random() * 9_000) * 100;

/** The live host pids of `sleep {seconds}`, started by handlers of this file. */
const sleepers = (...seconds: string[]): number[] =>
  seconds.flatMap((each) => {
    const pid = hostPidOf(['sleep', each]);
    return pid === null ? [] : [pid];
  });

/** Every sleeper this file started, for the clean-up of a failing run. */
const startedSleeps: string[] = [];
const sleep = () => {
  nextSleep += 1;
  const seconds = String(nextSleep);
  startedSleeps.push(seconds);
  return seconds;
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
  for (const pid of sleepers(...startedSleeps)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(shared, { recursive: true, force: true });
});

describe('handler processes stay inside their call', () => {
  /** A flag file the handler writes once its grandchild runs, so the test knows it started. */
  const startedFlag = (name: string) => join(shared, `${name}.started`);

  it('a grandchild in a session of its own holding stdout cannot keep the run past its limit', async () => {
    const [child, grandchild] = [sleep(), sleep()];
    await createShellStep(
      t,
      'escape.session',
      [
        '#!/bin/sh',
        `setsid -f sh -c 'touch ${startedFlag('session')}; exec sleep ${grandchild}'`,
        `exec sleep ${child}`,
        '',
      ].join('\n'),
      { maxRuntimeMs: 2_000 },
    );
    const started = Date.now();
    const answer = await fire(await triggerFor(t, 'escape.session'));
    const elapsedMs = Date.now() - started;
    expect(answer.run.state).toBe('Exception');
    expect(answer.headers['x-run-error']).toMatch(/^External process exceeded maximum runtime of \d+ms/);
    expect(elapsedMs).toBeLessThan(10_000);
    expect(existsSync(startedFlag('session'))).toBe(true);
    expect(sleepers(child, grandchild)).toEqual([]);
  }, 60_000);

  it('a grandchild that clears its environment and leaves the session ends with the call at its limit', async () => {
    // `env -i` drops the call's tag and `setsid -f` forks twice, so the grandchild is adopted by
    // init before any walk of the tree sees it: only a kernel boundary still holds it.
    const [child, grandchild] = [sleep(), sleep()];
    await createShellStep(
      t,
      'escape.clean',
      [
        '#!/bin/sh',
        `env -i /usr/bin/setsid -f /bin/sh -c 'touch ${startedFlag('clean')}; exec sleep ${grandchild}'`,
        `while [ ! -e ${startedFlag('clean')} ]; do sleep 0.05; done`,
        `exec sleep ${child}`,
        '',
      ].join('\n'),
      { maxRuntimeMs: 2_000 },
    );
    const started = Date.now();
    const answer = await fire(await triggerFor(t, 'escape.clean'));
    const elapsedMs = Date.now() - started;
    expect(answer.run.state).toBe('Exception');
    expect(answer.headers['x-run-error']).toMatch(/^External process exceeded maximum runtime of 2000ms/);
    expect(elapsedMs).toBeLessThan(10_000);
    expect(existsSync(startedFlag('clean'))).toBe(true);
    expect(sleepers(child, grandchild)).toEqual([]);
  }, 60_000);

  it.each([
    { what: 'keeps its marker', prefix: '' },
    { what: 'clears its environment', prefix: 'env -i /usr/bin/' },
  ])(
    'a detached grandchild that $what does not outlive a handler that succeeds',
    async ({ what, prefix }) => {
      const grandchild = sleep();
      const flag = startedFlag(`orphan-${what.split(' ')[0]}`);
      const key = `escape.orphan.${what.split(' ')[0]}`;
      await createShellStep(
        t,
        key,
        [
          '#!/bin/sh',
          'cat > /dev/null',
          `${prefix}setsid -f /bin/sh -c 'touch ${flag}; exec sleep ${grandchild}' > /dev/null 2>&1 < /dev/null`,
          `while [ ! -e ${flag} ]; do sleep 0.05; done`,
          `printf '{"result":"Success","data":{"done":true}}'`,
          '',
        ].join('\n'),
      );
      const answer = await fire(await triggerFor(t, key));
      expect(answer.status).toBe(200);
      expect(answer.output).toEqual({ done: true });
      expect(existsSync(flag)).toBe(true);
      expect(sleepers(grandchild)).toEqual([]);
    },
  );
});

describe('handlers stay within their memory and CPU limits', () => {
  it.each([
    {
      runtime: 'python',
      // Takes up to 1 GiB in 32 MiB blocks, then answers: far past the limit, never the machine.
      hog: `exec python3 -c 'import json; b = [bytearray(32 << 20) for _ in range(32)]; print(json.dumps({"result": "Success"}))'`,
      error: /MemoryError/,
    },
    {
      runtime: 'node',
      hog: `exec node -e 'const b = []; for (let i = 0; i < 32; i++) b.push(Buffer.alloc(32 << 20, 1)); console.log(JSON.stringify({ result: "Success" }))'`,
      error: /allocation failed|out of memory/i,
    },
  ])(
    'a $runtime handler that takes more memory than allowed fails its run, saying so',
    async ({ runtime, hog, error }) => {
      await createShellStep(t, `limits.memory.${runtime}`, `#!/bin/sh\ncat > /dev/null\n${hog}\n`, {
        maxRuntimeMs: 30_000,
      });
      const started = Date.now();
      const answer = await fire(await triggerFor(t, `limits.memory.${runtime}`));
      expect(answer.run.state).toBe('Exception');
      const message = answer.headers['x-run-error'] ?? '';
      expect(message).toMatch(
        new RegExp(`^External process ran out of memory under its limit of ${MEMORY_LIMIT_MB} MiB`),
      );
      expect(message).toMatch(error);
      expect(Date.now() - started).toBeLessThan(20_000);
      // The server lives on and answers.
      expect((await admin.tenants.list()).items.length).toBeGreaterThan(0);
    },
    60_000,
  );

  it('a handler that spins on the CPU is killed at its CPU-time limit, well before its time limit', async () => {
    await createShellStep(t, 'limits.cpu', '#!/bin/sh\nwhile :; do :; done\n', { maxRuntimeMs: 30_000 });
    const started = Date.now();
    const answer = await fire(await triggerFor(t, 'limits.cpu'));
    expect(answer.run.state).toBe('Exception');
    expect(answer.headers['x-run-error']).toBe(
      `External process was killed at its CPU-time limit of ${CPU_LIMIT_SECONDS} s (runtimes.externalExecution.cpuTimeLimitSeconds).`,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
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
    const scratchList = join(shared, 'crash-scratch.txt');
    const [child, grandchild] = [sleep(), sleep()];
    await createShellStep(
      t,
      'crash.sleeper',
      [
        '#!/bin/sh',
        `echo "$TEMPO_SCRATCH_DIR" >> ${scratchList}`,
        `setsid -f sh -c 'exec sleep ${grandchild}' > /dev/null 2>&1 < /dev/null`,
        `exec sleep ${child}`,
        '',
      ].join('\n'),
      { maxRuntimeMs: 120_000 },
    );
    const running = fire(await triggerFor(t, 'crash.sleeper')).catch(() => null);
    await waitUntil(() => sleepers(child, grandchild).length === 2, 15_000, 'the handler and its grandchild');
    const handlerPids = sleepers(child, grandchild);
    const [scratch = ''] = readFileSync(scratchList, 'utf8').split('\n');
    expect(existsSync(scratch)).toBe(true);

    const killed = serverPidOf(join(server.dataDir, 'tempo.json'));
    process.kill(killed, 'SIGKILL');
    await waitUntil(() => !pidIsAlive(killed), 10_000, 'the server to die');
    await running;
    await server.stop();

    server = await startServerProcess(serverSettings());
    await connect(server);
    expect(handlerPids.filter(pidIsAlive)).toEqual([]);
    expect(existsSync(scratch)).toBe(false);
    expect(scratchFoldersUnder(scratchRoot)).toEqual([]);
  }, 90_000);
});

describe('a handler cannot read the server files or another artifact', () => {
  // A server on the defaults: its data folder holds the settings, the database, the key file,
  // the artifact store and the package cache of every tenant. Of the host paths it hides only
  // one, so a folder of the temporary area stays in view for the handler-user test (the default
  // list covers /tmp, where a clean clone may live too).
  let hiding: ServerProcess;
  let tenant: TenantClient;
  const VICTIM_MARK = 'victim-package-mark-7f3a';

  beforeAll(async () => {
    hiding = await startServerProcess({
      runtimes: { externalExecution: { hiddenHostPaths: ['/etc/shadow'] } },
    });
    const client = new TempoClient({ baseUrl: hiding.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
    tenant = client.tenant((await client.tenants.list()).items[0]?.id ?? '');
  });

  afterAll(async () => {
    await hiding?.stop();
  });

  const run = async (key: string, script: string) => {
    await createShellStep(tenant, key, ['#!/bin/sh', 'cat > /dev/null', script, ''].join('\n'));
    const triggerId = await triggerFor(tenant, key);
    return new TempoClient({
      baseUrl: hiding.baseUrl,
      credentials: { apiKey: TEST_ADMIN_API_KEY },
    }).httpTriggers.fire(triggerId, { body: {} });
  };

  it('gets nothing of the settings, database, key file or another package, and cannot unmount', async () => {
    // The victim runs once, so its package is unpacked in the shared cache next to the attacker's.
    const victim = await run(
      'hide.victim',
      `echo ${VICTIM_MARK} > /dev/null; printf '{"result":"Success","data":{"ok":true}}'`,
    );
    expect(victim.status).toBe(200);
    const settingsFile = join(hiding.dataDir, 'tempo.json');
    const serverFiles = [
      settingsFile,
      join(hiding.dataDir, 'tempo.db'),
      join(hiding.dataDir, 'secrets.keys'),
    ];
    for (const file of serverFiles) expect(existsSync(file)).toBe(true);
    // The mark is put together at run time, so the attacker's own file does not hold it.
    const [markHead, markTail] = [VICTIM_MARK.slice(0, 8), VICTIM_MARK.slice(8)];
    const script = [
      'got=""',
      `mark=${markHead}; mark="$mark"${markTail}`,
      // Each file as it is and after an attempt to take the cover away.
      'for attempt in plain unmounted; do',
      `  for f in ${serverFiles.join(' ')}; do`,
      '    [ -s "$f" ] && got="$got $attempt:$f"',
      '  done',
      // Another package: found from this package's own path, two folders up in the cache.
      '  for f in "$TEMPO_ARTIFACT_ROOT"/../../*/*/handler.sh "$TEMPO_ARTIFACT_ROOT"/../*/handler.sh; do',
      '    grep -q "$mark" "$f" 2>/dev/null && got="$got $attempt:other-package"',
      '  done',
      `  grep -rqs "$mark" ${hiding.dataDir} /proc/1/root${hiding.dataDir} && got="$got $attempt:grep"`,
      `  umount -l ${hiding.dataDir} 2>/dev/null; umount -l /proc/1/root${hiding.dataDir} 2>/dev/null`,
      'done',
      // Its own package and scratch folder still work.
      'own=$(cat "$TEMPO_ARTIFACT_ROOT/tempo.step.json" | head -c 1)',
      'echo kept > "$TEMPO_SCRATCH_DIR/kept" && kept=$(cat "$TEMPO_SCRATCH_DIR/kept")',
      `printf '{"result":"Success","data":{"got":"%s","own":"%s","kept":"%s"}}' "$got" "$own" "$kept"`,
    ].join('\n');
    const answer = await run('hide.attacker', script);
    expect(answer.status).toBe(200);
    expect(answer.output).toEqual({ got: '', own: '{', kept: 'kept' });
  }, 60_000);

  it('runs as an unprivileged user, which cannot read a root-only file no cover hides', async () => {
    // Outside every hidden path of this server: a folder open to all holding a file only root
    // may read.
    const folder = mkdtempSync(join(tmpdir(), 'tempo-handler-user-'));
    try {
      chmodSync(folder, 0o755);
      const rootOnly = join(folder, 'root-only.txt');
      writeFileSync(rootOnly, 'root-only-mark', { mode: 0o600 });
      chmodSync(rootOnly, 0o600);
      const answer = await run(
        'hide.user',
        [
          `seen=no; [ -e ${rootOnly} ] && seen=yes`,
          `read=$(cat ${rootOnly} 2>/dev/null || echo denied)`,
          // Its HOME (the scratch folder) is its own to write.
          'echo home > "$HOME/h" && home=$(cat "$HOME/h")',
          // The interpreters still run for that user.
          `js=$(node -e 'process.stdout.write("js")' 2>&1)`,
          `py=$(python3 -c 'print("py", end="")' 2>&1)`,
          `printf '{"result":"Success","data":{"uid":"%s","gid":"%s","groups":"%s","seen":"%s","read":"%s","home":"%s","js":"%s","py":"%s"}}' "$(id -u)" "$(id -g)" "$(id -G)" "$seen" "$read" "$home" "$js" "$py"`,
        ].join('\n'),
      );
      expect(answer.status).toBe(200);
      expect(answer.output).toEqual({
        uid: '65534',
        gid: '65534',
        groups: '65534',
        seen: 'yes',
        read: 'denied',
        home: 'home',
        js: 'js',
        py: 'py',
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
