import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ChildProcessOutcome } from './child-process-run.ts';
import { detectHandlerIsolation, resolveCommand } from './handler-isolation.ts';
import { describeLimitFailure } from './handler-limit-errors.ts';

const searchPath = process.env.PATH;
const noLimits = { memoryLimitMb: 0, cpuTimeLimitSeconds: 0 };

/** Runs a wrapped command line and answers its exit status and output. */
const run = (line: { command: string; args: readonly string[] }) => {
  const done = spawnSync(line.command, [...line.args], { encoding: 'utf8' });
  return { status: done.status, stdout: done.stdout.trim() };
};

const exited = (exitCode: number, signal: NodeJS.Signals | null = null): ChildProcessOutcome => ({
  kind: 'exited',
  exitCode,
  signal,
  stdout: Buffer.alloc(0),
  stderr: Buffer.alloc(0),
});

describe('detectHandlerIsolation', () => {
  it('uses tracking when asked, and then starts the command itself without limits', () => {
    const isolation = detectHandlerIsolation({ requested: 'tracking', searchPath });
    expect(isolation.mode).toBe('tracking');
    expect(isolation.wrap('/bin/echo', ['hi'], noLimits, true)).toEqual({
      command: '/bin/echo',
      args: ['hi'],
    });
  });

  it.skipIf(process.platform !== 'linux')('refuses namespace mode when the helpers cannot be found', () => {
    expect(() => detectHandlerIsolation({ requested: 'namespace', searchPath: '/nonexistent' })).toThrow(
      /isolation is "namespace", but setpriv or unshare/,
    );
    expect(detectHandlerIsolation({ requested: 'auto', searchPath: '/nonexistent' }).mode).toBe('tracking');
  });

  it.skipIf(process.platform !== 'linux' || process.getuid?.() !== 0)(
    'refuses a root server whose handlers could not be hidden from its files, unless told to accept it',
    () => {
      for (const requested of ['auto', 'tracking'] as const)
        expect(() =>
          detectHandlerIsolation({ requested, searchPath: '/nonexistent', hideServerFiles: true }),
        ).toThrow(/runs as root, but handlers cannot be isolated from its files/);
      const accepted = detectHandlerIsolation({
        requested: 'auto',
        searchPath: '/nonexistent',
        hideServerFiles: false,
      });
      expect(accepted.mode).toBe('tracking');
    },
  );

  const auto = detectHandlerIsolation({ requested: 'auto', searchPath });
  it.skipIf(auto.mode !== 'namespace')(
    'runs a namespaced command as the first process of its namespace',
    () => {
      const line = auto.wrap('/bin/sh', ['-c', 'echo $$; exit 5'], noLimits, true);
      expect(run(line)).toEqual({ status: 5, stdout: '1' });
    },
  );

  it.skipIf(!auto.limitsApply)('applies the limits as the soft and hard limit alike', () => {
    const line = auto.wrap(
      '/bin/sh',
      ['-c', 'ulimit -S -d; ulimit -H -d; ulimit -S -t; ulimit -H -t'],
      { memoryLimitMb: 64, cpuTimeLimitSeconds: 3 },
      false,
    );
    expect(run(line)).toEqual({ status: 0, stdout: ['65536', '65536', '3', '3'].join('\n') });
  });
});

describe('resolveCommand', () => {
  it('finds a bare name on the child PATH and a relative one from the working folder', () => {
    expect(resolveCommand('sh', '/', '/nonexistent:/bin')).toBe('/bin/sh');
    expect(resolveCommand('sh', '/', '/nonexistent')).toBeNull();
    expect(resolveCommand('./sh', '/bin', undefined)).toBe('/bin/sh');
    expect(resolveCommand('/bin/no-such-program', '/', searchPath)).toBeNull();
  });
});

describe('describeLimitFailure', () => {
  const limits = { memoryLimitMb: 256, cpuTimeLimitSeconds: 2 };

  it('names the CPU limit for a SIGKILL or SIGXCPU the host did not send', () => {
    const message =
      'External process was killed at its CPU-time limit of 2 s (runtimes.externalExecution.cpuTimeLimitSeconds).';
    expect(describeLimitFailure(exited(137, 'SIGKILL'), '', limits)).toBe(message);
    expect(describeLimitFailure(exited(152, 'SIGXCPU'), '', limits)).toBe(message);
    expect(
      describeLimitFailure(exited(137, 'SIGKILL'), '', { ...limits, cpuTimeLimitSeconds: 0 }),
    ).toBeNull();
  });

  it("names the memory limit with the runtime's own words", () => {
    expect(
      describeLimitFailure(exited(1), 'Traceback (most recent call last):\n  ...\nMemoryError\n', limits),
    ).toBe(
      'External process ran out of memory under its limit of 256 MiB (runtimes.externalExecution.memoryLimitMb): MemoryError',
    );
    expect(describeLimitFailure(exited(1), 'MemoryError', { ...limits, memoryLimitMb: 0 })).toBeNull();
  });

  it('leaves every other ending alone', () => {
    expect(describeLimitFailure(exited(0), 'MemoryError', limits)).toBeNull();
    expect(describeLimitFailure(exited(3), 'boom', limits)).toBeNull();
    expect(describeLimitFailure({ kind: 'timedOut', stderr: Buffer.alloc(0) }, '', limits)).toBeNull();
  });
});
