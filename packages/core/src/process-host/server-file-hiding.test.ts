import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { detectHandlerIsolation } from './handler-isolation.ts';
import { planServerFileHiding } from './server-file-hiding.ts';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'tempo-hiding-test-')));
const data = join(root, 'data');
const elsewhere = join(root, 'elsewhere');
for (const folder of [
  join(data, 'cache', 'packages', 't1', 'abc'),
  join(data, 'cache', 'python', 'abc', 'python3', 'bin'),
  join(data, 'scratch', 't1', 'call'),
  join(data, 'tools', 'bin'),
  elsewhere,
]) {
  mkdirSync(folder, { recursive: true });
}
writeFileSync(join(data, 'tempo.db'), 'db');
writeFileSync(join(elsewhere, 'secrets.keys'), 'key');
writeFileSync(join(data, 'tools', 'bin', 'runner'), '');
writeFileSync(join(data, 'cache', 'python', 'abc', 'python3', 'bin', 'python'), '');
// The handler user must reach the package through the folders left in view, as under /work.
chmodSync(root, 0o755);
// Root's alone, in a folder no cover hides: only the change of user keeps a handler out.
const rootOnly = join(root, 'root-only.txt');
writeFileSync(rootOnly, 'root-only', { mode: 0o600 });

afterAll(() => rmSync(root, { recursive: true, force: true }));

const serverPaths = [
  data,
  join(data, 'tempo.db'),
  join(data, 'cache'),
  join(data, 'scratch'),
  join(elsewhere, 'secrets.keys'),
  join(root, 'missing'),
];

describe('planServerFileHiding', () => {
  it('covers the outermost folders and the files outside them, and puts the call back', () => {
    const plan = planServerFileHiding({
      serverPaths,
      command: join(data, 'cache', 'python', 'abc', 'python3', 'bin', 'python'),
      cwd: join(data, 'cache', 'packages', 't1', 'abc'),
      scratch: join(data, 'scratch', 't1', 'call'),
    });
    expect(plan.hiddenFolders).toEqual([data]);
    expect(plan.hiddenFiles).toEqual([join(elsewhere, 'secrets.keys')]);
    expect(plan.binds).toEqual([
      { path: join(data, 'cache', 'packages', 't1', 'abc'), writable: false },
      { path: join(data, 'cache', 'python', 'abc', 'python3'), writable: false },
      { path: join(data, 'scratch', 't1', 'call'), writable: true },
    ]);
  });

  it('puts back a runtime installed under a hidden folder, outermost first', () => {
    const plan = planServerFileHiding({
      serverPaths,
      command: join(data, 'tools', 'bin', 'runner'),
      cwd: join(data, 'tools', 'bin'),
      scratch: join(data, 'scratch', 't1', 'call'),
    });
    expect(plan.hiddenFolders).toEqual([data]);
    expect(plan.binds).toEqual([
      { path: join(data, 'tools'), writable: false },
      { path: join(data, 'scratch', 't1', 'call'), writable: true },
    ]);
  });

  it('finds the outermost folders in any order, and leaves out files another folder covers', () => {
    const plan = planServerFileHiding({
      serverPaths: [join(data, 'cache'), elsewhere, join(elsewhere, 'secrets.keys'), data],
      command: '/bin/sh',
      cwd: '/',
      scratch: join(data, 'scratch', 't1', 'call'),
    });
    expect(plan.hiddenFolders).toEqual([data, elsewhere]);
    expect(plan.hiddenFiles).toEqual([]);
  });

  it('puts back a version manager’s installation above its shims, and single writable files', () => {
    const plan = planServerFileHiding({
      serverPaths,
      command: join(data, 'tools', 'shims', 'python'),
      cwd: join(data, 'cache', 'packages', 't1', 'abc'),
      scratch: join(data, 'scratch', 't1', 'call'),
      writableFiles: [join(data, 'logs', 'step.log')],
    });
    expect(plan.binds).toEqual([
      { path: join(data, 'tools'), writable: false },
      { path: join(data, 'cache', 'packages', 't1', 'abc'), writable: false },
      { path: join(data, 'scratch', 't1', 'call'), writable: true },
      { path: join(data, 'logs', 'step.log'), writable: true, file: true },
    ]);
  });
});

const hiding = detectHandlerIsolation({
  requested: 'auto',
  searchPath: process.env.PATH,
  hideServerFiles: true,
});

describe.skipIf(!hiding.hidingApplies)('a call under the hiding', () => {
  const cwd = join(data, 'cache', 'packages', 't1', 'abc');
  const scratch = join(data, 'scratch', 't1', 'call');
  writeFileSync(join(cwd, 'own.txt'), 'own', { mode: 0o644 });
  const plan = planServerFileHiding({ serverPaths, command: '/bin/sh', cwd, scratch });
  // What the process host does for each call: the scratch folder is the handler user's.
  if (hiding.handlerUser) chownSync(scratch, hiding.handlerUser.uid, hiding.handlerUser.gid);

  /** Runs `script` as a hidden call; answers its stdout lines. */
  const call = (script: string) => {
    const line = hiding.wrap(
      '/bin/sh',
      ['-c', script],
      { memoryLimitMb: 0, cpuTimeLimitSeconds: 0 },
      true,
      plan,
    );
    const done = spawnSync(line.command, [...line.args], { cwd, encoding: 'utf8' });
    expect(done.stderr).not.toMatch(/^tempo:/m);
    return done.stdout.trim().split('\n');
  };

  it('keeps its package and scratch, and nothing else of the server', () => {
    expect(
      call(
        [
          'cat own.txt; echo',
          `cat ${join(data, 'tempo.db')} ${join(elsewhere, 'secrets.keys')} 2>/dev/null; echo [$(ls ${data})]`,
          'echo w > own.txt 2>/dev/null || echo package-read-only',
          `echo s > ${scratch}/s && cat ${scratch}/s`,
        ].join('; '),
      ),
    ).toEqual(['own', '[cache scratch]', 'package-read-only', 's']);
    expect(readFileSync(join(scratch, 's'), 'utf8')).toBe('s\n');
  });

  it('runs as the handler user, which cannot read what root alone may', () => {
    expect(hiding.handlerUser).toEqual({ uid: 65534, gid: 65534 });
    expect(
      call(
        [
          'id -u; id -g; id -G',
          `cat ${rootOnly} 2>/dev/null || echo no-root-only`,
          `[ -s ${rootOnly} ] && echo visible`,
        ].join('; '),
      ),
    ).toEqual(['65534', '65534', '65534', 'no-root-only', 'visible']);
  });

  it('dies with its namespace even after the change of user cleared its parent-death signal', async () => {
    // A duration no other process here uses, to find the handler on the host by its command line.
    const seconds = `${4000 + Math.floor(Math.random() * 1000)}.25`;
    const line = hiding.wrap(
      '/bin/sleep',
      [seconds],
      { memoryLimitMb: 0, cpuTimeLimitSeconds: 0 },
      true,
      plan,
    );
    const child = spawn(line.command, [...line.args], { cwd, stdio: 'ignore' });
    const sleeper = () =>
      readdirSync('/proc')
        .filter((pid) => /^\d+$/.test(pid))
        .find((pid) => {
          try {
            const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
            return (
              !/^\d+ \(.*\) Z/.test(stat) &&
              readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `/bin/sleep\0${seconds}\0`
            );
          } catch {
            return false;
          }
        });
    const waitFor = async (wanted: boolean) => {
      for (let i = 0; i < 100 && (sleeper() !== undefined) !== wanted; i++) await delay(50);
      return sleeper() !== undefined;
    };
    try {
      expect(await waitFor(true)).toBe(true);
      // `unshare` itself (the wrapper execs it), killed as a crash would.
      child.kill('SIGKILL');
      expect(await waitFor(false)).toBe(false);
    } finally {
      const left = sleeper();
      if (left) process.kill(Number(left), 'SIGKILL');
    }
  });

  it('cannot take the cover away, write the host or reach a disk', () => {
    expect(
      call(
        [
          `umount -l ${data} 2>/dev/null || echo no-umount`,
          'mount -t tmpfs x /mnt 2>/dev/null || echo no-mount',
          `cat /proc/1/root${join(data, 'tempo.db')} 2>/dev/null || echo no-proc-root`,
          // A user namespace of its own gives capabilities there, but the covers stay locked.
          `echo "[$(unshare -U -m sh -c 'umount -l ${data} 2>/dev/null; cat ${join(data, 'tempo.db')}' 2>/dev/null)]"`,
          'echo core > /proc/sys/kernel/core_pattern 2>/dev/null || echo no-sysctl',
          'echo x > /usr/tempo-hiding-test 2>/dev/null || echo no-host-write',
          'ls /dev | tr "\\n" " "; echo',
          "grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status | tr -s '\\t' ' ' | tr '\\n' ' '; echo",
        ].join('; '),
      ),
    ).toEqual([
      'no-umount',
      'no-mount',
      'no-proc-root',
      '[]',
      'no-sysctl',
      'no-host-write',
      'fd full null random shm stderr stdin stdout tty urandom zero ',
      'CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000',
    ]);
  });
});
