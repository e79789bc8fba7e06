import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExternalExecutionSettings, StepProtocolRequest } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HandlerInvocation, ProcessHandlerHost } from './process-handler-host.ts';
import { HANDLER_TAG_VARIABLE } from './tree-containment.ts';

let folder: string;
let scratchRoot: string;

const request: StepProtocolRequest = {
  protocolVersion: '1.0',
  tenantId: 'ten_host',
  dataFlowId: 'flow_host',
  flowRunId: 'run_host',
  stepRunId: 'sru_host',
  requestId: 'run_host',
  data: { n: 2 },
  metadata: { from: 'test' },
  previousResult: null,
};

const hostWith = (overrides: Partial<ExternalExecutionSettings> = {}) =>
  new ProcessHandlerHost({
    settings: ExternalExecutionSettings.parse({
      scratchRoot,
      environmentAllowList: ['TEMPO_TEST_ALLOWED'],
      ...overrides,
    }),
    environment: {
      ...process.env,
      TEMPO_TEST_ALLOWED: 'allowed-value',
      TEMPO_TEST_SECRET: 'server-secret-value',
    },
    workerId: 'wrk_test',
  });

/** A node script in the test folder as a handler. */
const script = async (
  name: string,
  source: string,
  extra: Partial<HandlerInvocation> = {},
): Promise<HandlerInvocation> => {
  const path = join(folder, name);
  await writeFile(path, source);
  return {
    request,
    stepId: 'step_key',
    launch: { command: process.execPath, args: [path], cwd: folder, requestedEnvironment: [] },
    timeoutMs: 10_000,
    signal: new AbortController().signal,
    ...extra,
  };
};

/** Alive and not a zombie: a killed orphan stays a zombie until an init that may never reap it. */
const isAlive = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && !/^\d+ \(.*\) Z/.test(stat);
};

/** Live host pids whose command line holds `argument`. */
const hostPidsWithArgument = async (argument: string): Promise<number[]> => {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found: number[] = [];
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(argument) && (await isAlive(Number(pid)))) found.push(Number(pid));
  }
  return found;
};

const readStdin = `const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));`;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tempo-host-'));
  // The handlers' folder, like an unpacked package: a root server runs them as the handler user.
  await chmod(folder, 0o755);
  scratchRoot = join(folder, 'scratch');
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('ProcessHandlerHost', () => {
  it('passes the request on stdin and reads the result from stdout', async () => {
    const invocation = await script(
      'echo.cjs',
      `${readStdin}
      process.stdout.write(JSON.stringify({ ...input, result: 'Success', data: { doubled: input.data.n * 2,
        step: process.env.TEMPO_STEP_ID, worker: process.env.TEMPO_WORKER_ID, version: process.env.TEMPO_PROTOCOL_VERSION } }));`,
    );
    const outcome = await hostWith().invoke(invocation);
    expect(outcome.result).toEqual({
      result: 'Success',
      data: { doubled: 4, step: 'step_key', worker: 'wrk_test', version: '1.0' },
      metadata: { from: 'test' },
      errorMessage: null,
    });
    expect(outcome.capacity?.waitMs).toBeGreaterThanOrEqual(0);
  });

  it('writes exactly the contract request document to stdin', async () => {
    const invocation = await script(
      'mirror.cjs',
      `${readStdin} process.stdout.write(JSON.stringify({ result: 'Success', data: input }));`,
    );
    const outcome = await hostWith().invoke(invocation);
    expect(StepProtocolRequest.strict().parse(outcome.result.data)).toEqual(request);
  });

  it('maps a non-zero exit to an Exception carrying stderr', async () => {
    const invocation = await script('crash.cjs', `console.error('boom happened'); process.exit(3);`);
    const { result } = await hostWith().invoke(invocation);
    expect(result.result).toBe('Exception');
    expect(result.errorMessage).toBe('External process exited with code 3: boom happened');
  });

  it('refuses stdout that is not a StepResult', async () => {
    const garbage = await script('garbage.cjs', `process.stdout.write('hello there');`);
    expect((await hostWith().invoke(garbage)).result.errorMessage).toMatch(
      /^External process stdout was not valid StepResult JSON: /,
    );
    const empty = await script('empty.cjs', `process.stdout.write('  ');`);
    expect((await hostWith().invoke(empty)).result.errorMessage).toBe(
      'External process produced empty stdout',
    );
    const foreign = await script(
      'foreign.cjs',
      `process.stdout.write(JSON.stringify({ requestId: 'req_other' }));`,
    );
    expect((await hostWith().invoke(foreign)).result.errorMessage).toMatch(
      /requestId 'req_other' does not match/,
    );
  });

  it.each(['namespace', 'tracking'] as const)(
    'kills a handler that never answers, with the processes it started (%s)',
    async (isolation) => {
      // Inside a PID namespace the handler sees other pids than the host does: the grandchild is
      // found on the host by a marker argument instead.
      const marker = `tempo-hang-marker-${isolation}-${process.pid}`;
      const startedFile = join(folder, `grandchild-${isolation}.started`);
      const invocation = await script(
        `hang-${isolation}.cjs`,
        `const { spawn } = require('node:child_process');
        spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(marker)}], { stdio: 'ignore' });
        require('node:fs').writeFileSync(${JSON.stringify(startedFile)}, 'yes');
        setInterval(() => {}, 1000);`,
        { timeoutMs: 1500 },
      );
      // The flag file lies outside the scratch folder, which hidden server files make read-only.
      const { result } = await hostWith({ isolation, hideServerFiles: false }).invoke(invocation);
      expect(result).toMatchObject({
        result: 'Timeout',
        errorMessage: 'External process exceeded maximum runtime of 1500ms',
      });
      expect(await readFile(startedFile, 'utf8')).toBe('yes');
      expect(await hostPidsWithArgument(marker)).toEqual([]);
    },
  );

  it('stops a handler that floods its output', async () => {
    const invocation = await script(
      'flood.cjs',
      `const chunk = 'x'.repeat(65536); for (;;) process.stdout.write(chunk);`,
    );
    const { result } = await hostWith({ maxStdoutBytes: 100_000 }).invoke(invocation);
    expect(result.errorMessage).toBe('External process stdout exceeded configured byte limit.');
  });

  it('passes only allowed, requested variables and redacts their values from stderr', async () => {
    const invocation = await script(
      'env.cjs',
      `${readStdin}
      console.error('value is ' + process.env.TEMPO_TEST_ALLOWED);
      process.stdout.write(JSON.stringify({ result: 'Error', data: { secret: process.env.TEMPO_TEST_SECRET ?? null,
        allowed: process.env.TEMPO_TEST_ALLOWED ?? null, names: Object.keys(process.env).sort() } }));`,
    );
    const outcome = await hostWith().invoke({
      ...invocation,
      launch: { ...invocation.launch, requestedEnvironment: ['TEMPO_TEST_ALLOWED', 'TEMPO_TEST_SECRET'] },
    });
    const data = outcome.result.data as { secret: string | null; allowed: string; names: string[] };
    expect(outcome.result.result).toBe('Error');
    expect(data.secret).toBeNull();
    expect(data.allowed).toBe('allowed-value');
    expect(data.names).not.toContain('TEMPO_TEST_SECRET');
    expect(outcome.stderr).toBe('value is [redacted]\n');
  });

  it("redacts allowed values from the handler's own exception and from stdout that is not JSON", async () => {
    const allowed = { requestedEnvironment: ['TEMPO_TEST_ALLOWED'] };
    const thrown = await script(
      'leak-exception.cjs',
      `process.stdout.write(JSON.stringify({ result: 'Exception', exception: 'auth failed with ' + process.env.TEMPO_TEST_ALLOWED }));`,
    );
    const exceptionOutcome = await hostWith().invoke({ ...thrown, launch: { ...thrown.launch, ...allowed } });
    expect(exceptionOutcome.result.errorMessage).toBe('auth failed with [redacted]');
    const garbage = await script(
      'leak-garbage.cjs',
      `process.stdout.write('token=' + process.env.TEMPO_TEST_ALLOWED);`,
    );
    const garbageOutcome = await hostWith().invoke({ ...garbage, launch: { ...garbage.launch, ...allowed } });
    // The parser would quote the start of the text, cut where no redaction recognises it.
    expect(garbageOutcome.result.errorMessage).toBe(
      'External process stdout was not valid StepResult JSON: the output is not a JSON document.',
    );
  });

  it('clears the processes and scratch folders of a host whose process is gone, not those of a live one', async () => {
    const root = join(folder, 'leftovers');
    const host = hostWith({ scratchRoot: root });
    const deadFolder = join(root, 'ten_dead', 'sru_dead-0001');
    const liveFolder = join(root, 'ten_live', 'sru_live-0001');
    await mkdir(deadFolder, { recursive: true });
    await mkdir(liveFolder, { recursive: true });
    // A tag that names this root under a process that has exited, and one naming this process.
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    const rootKey = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16);
    const ownStart = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]?.split(' ')[19];
    const sleeper = (tag: string, scratch: string) =>
      spawn('sleep', ['60'], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, [HANDLER_TAG_VARIABLE]: tag, TEMPO_SCRATCH_DIR: scratch },
      }).pid ?? 0;
    const orphan = sleeper(`${rootKey}.${exited}.1.abcdef`, deadFolder);
    const kept = sleeper(`${rootKey}.${process.pid}.${ownStart}.abcdef`, liveFolder);
    try {
      const report = await host.clearLeftovers();
      expect(report).toEqual({ processesKilled: 1, scratchFoldersRemoved: 1 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await isAlive(orphan)).toBe(false);
      expect(await isAlive(kept)).toBe(true);
      expect(await readdir(join(root, 'ten_dead'))).toEqual([]);
      expect(await readdir(join(root, 'ten_live'))).toEqual(['sru_live-0001']);
    } finally {
      process.kill(kept, 'SIGKILL');
      if (await isAlive(orphan)) process.kill(orphan, 'SIGKILL');
    }
  });

  it('refuses a request over maxInputBytes without starting anything, and takes one of that size', async () => {
    const invocation = await script('never.cjs', `process.exit(9);`);
    const size = Buffer.byteLength(JSON.stringify(request));
    expect(await hostWith({ maxInputBytes: size - 1 }).invoke(invocation)).toEqual({
      result: expect.objectContaining({
        result: 'Exception',
        errorMessage: 'Step request exceeds external execution maxInputBytes.',
      }),
      capacity: null,
      stderr: '',
    });
    const { result } = await hostWith({ maxInputBytes: size }).invoke(invocation);
    expect(result.errorMessage).toBe('External process exited with code 9');
  });

  it('counts the time its handlers ran, and tells the isolation it found', async () => {
    const invocation = await script(
      'quick.cjs',
      `process.stdout.write(JSON.stringify({ result: 'Success' }));`,
    );
    const host = hostWith({ isolation: 'tracking', hideServerFiles: false });
    const started = Date.now();
    expect((await host.invoke(invocation)).result.result).toBe('Success');
    const elapsedMs = Date.now() - started;
    expect(host.isolation.mode).toBe('tracking');
    expect(host.status().totalProcessRuntimeMs).toBeGreaterThan(0);
    expect(host.status().totalProcessRuntimeMs).toBeLessThanOrEqual(elapsedMs);
  });

  it('without a namespace, kills what a handler left running in a group of its own once it exits', async () => {
    const marker = `tempo-escape-marker-${process.pid}`;
    const invocation = await script(
      'escape.cjs',
      `const { spawn } = require('node:child_process');
      spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(marker)}], { stdio: 'ignore', detached: true }).unref();
      process.stdout.write(JSON.stringify({ result: 'Success' }));`,
    );
    try {
      const { result } = await hostWith({ isolation: 'tracking', hideServerFiles: false }).invoke(invocation);
      expect(result.result).toBe('Success');
      expect(await hostPidsWithArgument(marker)).toEqual([]);
    } finally {
      for (const pid of await hostPidsWithArgument(marker)) process.kill(pid, 'SIGKILL');
    }
  });

  it('reports a command that cannot start', async () => {
    const invocation = await script('unused.cjs', '');
    const { result } = await hostWith().invoke({
      ...invocation,
      launch: { ...invocation.launch, command: join(folder, 'no-such-binary') },
    });
    expect(result.errorMessage).toMatch(/^External process failed to start/);
  });

  it('runs no more processes per tenant than allowed and cleans its scratch folders', async () => {
    const invocation = await script(
      'slow.cjs',
      `${readStdin} setTimeout(() => process.stdout.write(JSON.stringify({ data: Date.now() })), 300);`,
    );
    const host = hostWith({ maxConcurrentProcessesPerTenant: 1 });
    const outcomes = await Promise.all([host.invoke(invocation), host.invoke(invocation)]);
    const waits = outcomes.map((outcome) => outcome.capacity?.waitMs ?? 0).sort((a, b) => a - b);
    expect(waits[1]).toBeGreaterThanOrEqual(250);
    expect(await readdir(join(scratchRoot, 'ten_host'))).toEqual([]);
  });

  it('kills the handler when the run is cancelled', async () => {
    const controller = new AbortController();
    const invocation = await script('wait.cjs', `setInterval(() => {}, 1000);`, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const { result } = await hostWith().invoke(invocation);
    expect(result.errorMessage).toBe('The run was cancelled.');
  });
});
