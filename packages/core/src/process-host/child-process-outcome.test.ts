import { getEventListeners } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BoundedBuffer,
  type ChildProcessOutcome,
  type ChildProcessSpec,
  killChild,
  runChildProcess,
  signalNumber,
} from './child-process-run.ts';
import { detectHandlerIsolation, UNSHARE_SIGKILL_MARKER } from './handler-isolation.ts';

const sh = (script: string, overrides: Partial<ChildProcessSpec> = {}) =>
  runChildProcess({
    command: 'sh',
    args: ['-c', script],
    cwd: '/',
    env: { PATH: process.env.PATH ?? '' },
    stdin: Buffer.alloc(0),
    timeoutMs: 10_000,
    maxStdoutBytes: 1024,
    maxStderrBytes: 1024,
    killTree: false,
    ...overrides,
  });

const text = (outcome: ChildProcessOutcome) => ({
  ...outcome,
  ...('stdout' in outcome ? { stdout: outcome.stdout.toString() } : {}),
  ...('stderr' in outcome ? { stderr: outcome.stderr.toString() } : {}),
});

describe('BoundedBuffer', () => {
  it('keeps bytes up to its limit and reports the first chunk past it', () => {
    const buffer = new BoundedBuffer(5);
    expect(buffer.push(Buffer.from('abc'))).toBe(true);
    expect(buffer.push(Buffer.from('de'))).toBe(true);
    expect(buffer.contents().toString()).toBe('abcde');
    expect(buffer.push(Buffer.from('f'))).toBe(false);
    expect(buffer.contents().toString()).toBe('abcde');
    const cut = new BoundedBuffer(4);
    expect(cut.push(Buffer.from('abcdef'))).toBe(false);
    expect(cut.contents().toString()).toBe('abcd');
    expect(cut.push(Buffer.alloc(0))).toBe(true);
  });
});

describe('signalNumber', () => {
  it('numbers the signals a handler ends by, and none as 0', () => {
    expect([signalNumber('SIGKILL'), signalNumber('SIGTERM'), signalNumber('SIGXCPU')]).toEqual([9, 15, 24]);
    expect([signalNumber('SIGHUP'), signalNumber('SIGINT'), signalNumber('SIGSEGV')]).toEqual([1, 2, 11]);
    expect(signalNumber('SIGUSR1')).toBe(0);
    expect(signalNumber(null)).toBe(0);
  });

  it('lets killChild of no process pass', () => {
    expect(() => killChild(undefined, true)).not.toThrow();
    expect(() => killChild(2 ** 30, false)).not.toThrow();
  });
});

describe('runChildProcess', () => {
  it('feeds stdin and answers exit code, stdout and stderr', async () => {
    const outcome = await sh('cat; echo err >&2; exit 4', { stdin: Buffer.from('in') });
    expect(text(outcome)).toEqual({
      kind: 'exited',
      exitCode: 4,
      signal: null,
      stdout: 'in',
      stderr: 'err\n',
    });
  });

  it('reports a child killed by a signal the shell way', async () => {
    expect(text(await sh('kill -9 $$'))).toEqual({
      kind: 'exited',
      exitCode: 137,
      signal: 'SIGKILL',
      stdout: '',
      stderr: '',
    });
  });

  it('keeps the unshare marker of a process that was not namespaced', async () => {
    const outcome = await sh(`echo '${UNSHARE_SIGKILL_MARKER}' >&2; exit 1`);
    expect(text(outcome)).toMatchObject({ kind: 'exited', exitCode: 1, signal: null });
  });

  it('stops a child at its time limit', async () => {
    const started = Date.now();
    expect(text(await sh('echo partial >&2; exec sleep 30', { timeoutMs: 200 }))).toEqual({
      kind: 'timedOut',
      stderr: 'partial\n',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops a child whose stdout or stderr passes its limit', async () => {
    expect(text(await sh('head -c 2000 /dev/zero; exec sleep 30', { maxStdoutBytes: 100 }))).toEqual({
      kind: 'overflow',
      stream: 'stdout',
      stderr: '',
    });
    const stderr = await sh('head -c 2000 /dev/zero >&2; exec sleep 30', { maxStderrBytes: 100 });
    expect(stderr.kind === 'overflow' && [stderr.stream, stderr.stderr.length]).toEqual(['stderr', 100]);
  });

  it('stops a child when its signal aborts, and starts none for an aborted one', async () => {
    const controller = new AbortController();
    const running = sh('exec sleep 30', { signal: controller.signal, killTree: true });
    setTimeout(() => controller.abort(), 100);
    expect(text(await running)).toEqual({ kind: 'cancelled', stderr: '' });
    expect(text(await sh('exit 0', { signal: AbortSignal.abort() }))).toEqual({
      kind: 'cancelled',
      stderr: '',
    });
  });

  it('answers a command that cannot start', async () => {
    const outcome = await runChildProcess({
      command: 'tempo-no-such-command',
      args: [],
      cwd: '/',
      env: { PATH: '/nonexistent' },
      stdin: Buffer.alloc(0),
      timeoutMs: 0,
      maxStdoutBytes: 10,
      maxStderrBytes: 10,
      killTree: true,
    });
    expect(outcome.kind === 'failedToStart' && outcome.message).toMatch(/ENOENT/);
  });

  it('passes the call tag to the child, a given one or a random one', async () => {
    const given = await sh('printf %s "$TEMPO_HANDLER_TAG"', { killTree: true, containmentTag: 'tag.given' });
    expect(text(given)).toMatchObject({ stdout: 'tag.given' });
    const random = await sh('printf %s "$TEMPO_HANDLER_TAG"', { killTree: true });
    expect(text(random).stdout).toMatch(/^call\.[0-9a-f]{16}$/);
    // The shell's default-value expansion: `unset` when the variable is not there.
    const untagged = await sh(`printf %s "\${TEMPO_HANDLER_TAG-unset}"`);
    expect(text(untagged)).toMatchObject({ stdout: 'unset' });
  });
});

/** Live processes whose command line is exactly `args` (a duration no other process uses). */
const pidsRunning = (...args: string[]): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return (
          !/^\d+ \(.*\) Z/.test(stat) &&
          readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `${args.join('\0')}\0`
        );
      } catch {
        return false;
      }
    });

/** A duration for `sleep` that no other process here uses, to find it by its command line. */
const uniqueSeconds = () => `${5000 + Math.floor(Math.random() * 1000)}.${Math.floor(Math.random() * 1000)}`;

const waitUntil = async (check: () => boolean, timeoutMs = 5_000): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resume) => setTimeout(resume, 20));
  return check();
};

describe('runChildProcess ends', () => {
  it('answers a command line that cannot be spawned at all', async () => {
    const outcome = await sh('', { command: '' });
    expect(outcome.kind === 'failedToStart' && outcome.message).toMatch(/cannot be empty/);
  });

  it('by the first reason to stop it, whatever comes later', async () => {
    // Without killTree the background sleeper keeps the pipes open after the shell is killed,
    // so the abort comes before the step's end.
    const controller = new AbortController();
    const seconds = uniqueSeconds();
    const running = sh(`sleep ${seconds} & exec sleep 30`, { timeoutMs: 100, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    try {
      expect((await running).kind).toBe('timedOut');
    } finally {
      for (const pid of pidsRunning('sleep', seconds)) process.kill(pid, 'SIGKILL');
    }
  });

  it('lets go of the abort signal once it has ended', async () => {
    const controller = new AbortController();
    expect((await sh('exit 0', { signal: controller.signal })).kind).toBe('exited');
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
  });
});

const isolation = detectHandlerIsolation({ requested: 'auto', searchPath: process.env.PATH });

describe.skipIf(isolation.mode !== 'namespace')('runChildProcess of a namespaced call', () => {
  /** Runs `script` under the namespace wrapper, as the process host does. */
  const namespaced = (script: string, overrides: Partial<ChildProcessSpec> = {}) => {
    const line = isolation.wrap(
      '/bin/sh',
      ['-c', script],
      { memoryLimitMb: 0, cpuTimeLimitSeconds: 0 },
      true,
    );
    return sh('', { command: line.command, args: line.args, namespaced: true, killTree: true, ...overrides });
  };

  it('reports a handler killed by SIGKILL as killed, without the wrapper’s own line', async () => {
    const seconds = uniqueSeconds();
    const running = namespaced(`echo before >&2; exec sleep ${seconds}`);
    expect(await waitUntil(() => pidsRunning('sleep', seconds).length === 1)).toBe(true);
    // The namespace's first process, killed from outside as the kernel's limits would.
    for (const pid of pidsRunning('sleep', seconds)) process.kill(pid, 'SIGKILL');
    expect(text(await running)).toEqual({
      kind: 'exited',
      exitCode: 137,
      signal: 'SIGKILL',
      stdout: '',
      stderr: 'before\n',
    });
  }, 15_000);

  it('reports a namespaced handler’s own exit 1 as it is', async () => {
    expect(text(await namespaced('echo failed >&2; exit 1'))).toEqual({
      kind: 'exited',
      exitCode: 1,
      signal: null,
      stdout: '',
      stderr: 'failed\n',
    });
  }, 15_000);

  it('sweeps the whole namespace at the time limit before it answers', async () => {
    const [background, first] = [uniqueSeconds(), uniqueSeconds()];
    const outcome = await namespaced(`sleep ${background} & exec sleep ${first}`, { timeoutMs: 500 });
    expect(outcome.kind).toBe('timedOut');
    expect([...pidsRunning('sleep', background), ...pidsRunning('sleep', first)]).toEqual([]);
  }, 15_000);
});
