import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildProcessSpec, runChildProcess } from './child-process-run.ts';

/** Whether a process is alive; a zombie waiting to be reaped counts as gone. */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.charAt(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
};

const waitFor = async (check: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
};

/** A shell that starts a background sleeper, prints its pid, and then runs `then`. */
const spawnSpec = (killTree: boolean, then: string, signal?: AbortSignal): ChildProcessSpec => ({
  command: '/bin/sh',
  args: ['-c', `sleep 60 & echo $!; ${then}`],
  cwd: '/',
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  stdin: Buffer.alloc(0),
  timeoutMs: 0,
  maxStdoutBytes: 4096,
  maxStderrBytes: 4096,
  killTree,
  ...(signal ? { signal } : {}),
});

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** Runs the spec and answers the background sleeper's pid with the outcome. */
const runAndReadSleeper = async (spec: ChildProcessSpec) => {
  const outcome = await runChildProcess(spec);
  const text = 'stdout' in outcome ? outcome.stdout.toString() : '';
  return { outcome, text };
};

describe.skipIf(process.platform === 'win32')('runChildProcess and killProcessTreeOnCancel', () => {
  it('kills what the child started when it exits, with killTree', async () => {
    const { outcome, text } = await runAndReadSleeper(spawnSpec(true, 'exit 0'));
    expect(outcome.kind).toBe('exited');
    const sleeper = Number(text.trim());
    leftovers.push(sleeper);
    expect(await waitFor(() => !alive(sleeper), 2_000)).toBe(true);
  });

  it('leaves what the child started alone without killTree, and still ends the step', async () => {
    const started = Date.now();
    const { outcome, text } = await runAndReadSleeper(spawnSpec(false, 'exit 0'));
    expect(outcome.kind).toBe('exited');
    // The sleeper holds the pipes; the step must not wait for it.
    expect(Date.now() - started).toBeLessThan(5_000);
    const sleeper = Number(text.trim());
    leftovers.push(sleeper);
    expect(alive(sleeper)).toBe(true);
  });

  it('on cancel kills only the child without killTree, and the whole tree with it', async () => {
    for (const killTree of [false, true]) {
      const controller = new AbortController();
      const spec = { ...spawnSpec(killTree, 'echo $$ >&2; wait'), signal: controller.signal };
      const running = runChildProcess(spec);
      await new Promise((resolve) => setTimeout(resolve, 300));
      controller.abort();
      const outcome = await running;
      expect(outcome.kind).toBe('cancelled');
      const shellPid = Number(('stderr' in outcome ? outcome.stderr.toString() : '').trim());
      expect(shellPid).toBeGreaterThan(0);
      expect(await waitFor(() => !alive(shellPid), 2_000)).toBe(true);
      // The sleeper's pid went to stdout, which a cancelled outcome does not carry: find it as the
      // shell's former child by its process group, which is the shell's pid.
      const group = groupMembers(shellPid);
      leftovers.push(...group);
      if (killTree) expect(group).toEqual([]);
      else expect(group.length).toBe(1);
    }
  });
});

describe.skipIf(process.platform !== 'linux')('runChildProcess contains the whole tree', () => {
  /** A shell whose grandchild moves to a session of its own, prints its pid and sleeps. */
  const escaping = (redirect: string, then: string, timeoutMs = 0): ChildProcessSpec => ({
    ...spawnSpec(true, ''),
    args: ['-c', `setsid -f sh -c 'echo $$ >&2; exec sleep 60' ${redirect}; sleep 0.2; ${then}`],
    timeoutMs,
  });
  const sleeperOf = (outcome: Awaited<ReturnType<typeof runChildProcess>>) => {
    const pid = Number(('stderr' in outcome ? outcome.stderr.toString() : '').trim().split('\n')[0]);
    leftovers.push(pid);
    return pid;
  };

  it('ends at the time limit although a grandchild in another session holds the pipes', async () => {
    const started = Date.now();
    const outcome = await runChildProcess(escaping('', 'exec sleep 60', 1_000));
    expect(outcome.kind).toBe('timedOut');
    expect(Date.now() - started).toBeLessThan(5_000);
    const sleeper = sleeperOf(outcome);
    expect(sleeper).toBeGreaterThan(0);
    expect(alive(sleeper)).toBe(false);
  });

  it('ends when the child exits although such a grandchild holds the pipes, and kills it', async () => {
    const started = Date.now();
    const outcome = await runChildProcess(escaping('', 'echo done'));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(alive(sleeperOf(outcome))).toBe(false);
  });

  it('kills a grandchild that let go of the pipes and lost its parent', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tempo-orphan-'));
    const pidFile = join(folder, 'sleeper.pid');
    try {
      const outcome = await runChildProcess({
        ...spawnSpec(true, ''),
        args: [
          '-c',
          `setsid -f sh -c 'echo $$ > ${pidFile}; exec sleep 60' > /dev/null 2>&1 < /dev/null
          while [ ! -s ${pidFile} ]; do sleep 0.02; done`,
        ],
        timeoutMs: 10_000,
      });
      expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
      const sleeper = Number(readFileSync(pidFile, 'utf8').trim());
      leftovers.push(sleeper);
      expect(alive(sleeper)).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

/** Live processes whose process group id is `pgid` (Linux `/proc`). */
const groupMembers = (pgid: number): number[] => {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === pgid && fields[0] !== 'Z';
      } catch {
        return false;
      }
    });
};
