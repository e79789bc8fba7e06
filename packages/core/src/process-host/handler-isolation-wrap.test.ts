import { resolve } from 'node:path';
import { TempoSettings } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { detectHandlerIsolation, resolveCommand } from './handler-isolation.ts';
import { type HidingPlan, hidingCommandLine, serverFilePaths } from './server-file-hiding.ts';

const searchPath = process.env.PATH;
const helper = (name: string) => resolveCommand(name, '/', searchPath) ?? `missing ${name}`;
const noLimits = { memoryLimitMb: 0, cpuTimeLimitSeconds: 0 };
const auto = detectHandlerIsolation({ requested: 'auto', searchPath });
const asRoot = process.getuid?.() === 0;

const plan: HidingPlan = {
  hiddenFolders: ['/srv/data'],
  hiddenFiles: ['/etc/tempo.keys'],
  binds: [
    { path: '/srv/data/cache/pkg', writable: false },
    { path: '/srv/data/scratch/call', writable: true },
    { path: '/srv/data/logs/step.log', writable: true, file: true },
  ],
  cwd: '/srv/data/cache/pkg',
};

describe('isolation command lines', () => {
  it('puts prlimit first with each limit set, soft and hard, and no core files', () => {
    const tracking = detectHandlerIsolation({ requested: 'tracking', searchPath });
    expect(tracking.reason).toBe('tracking was asked for');
    expect(tracking.limitsApply).toBe(resolveCommand('prlimit', '/', searchPath) !== null);
    expect(tracking.hidingApplies).toBe(false);
    expect(tracking.handlerUser).toBeNull();
    expect(tracking.wrap('/bin/h', ['a'], noLimits, true)).toEqual({ command: '/bin/h', args: ['a'] });
    if (!tracking.limitsApply) return;
    expect(tracking.wrap('/bin/h', ['a'], { memoryLimitMb: 2, cpuTimeLimitSeconds: 0 }, false)).toEqual({
      command: helper('prlimit'),
      args: ['--core=0', `--data=${2 * 1024 * 1024}`, '--', '/bin/h', 'a'],
    });
    expect(tracking.wrap('/bin/h', [], { memoryLimitMb: 0, cpuTimeLimitSeconds: 3 }, false)).toEqual({
      command: helper('prlimit'),
      args: ['--core=0', '--cpu=3', '--', '/bin/h'],
    });
  });

  it('finds no limits helper off the PATH', () => {
    const bare = detectHandlerIsolation({ requested: 'tracking', searchPath: '/nonexistent' });
    expect(bare.limitsApply).toBe(false);
    expect(bare.wrap('/bin/h', [], { memoryLimitMb: 5, cpuTimeLimitSeconds: 5 }, false)).toEqual({
      command: '/bin/h',
      args: [],
    });
  });

  it.skipIf(auto.mode !== 'namespace' || !asRoot)(
    'wraps a namespaced call in setpriv and unshare, and hides server files only where told',
    () => {
      expect(auto.reason).toBe('a PID namespace per call');
      expect(detectHandlerIsolation({ requested: 'namespace', searchPath }).mode).toBe('namespace');
      const prefix = [
        helper('setpriv'),
        '--pdeathsig',
        'KILL',
        '--',
        helper('unshare'),
        '--ipc',
        '--uts',
        '--pid',
        '--fork',
        '--kill-child',
        '--mount-proc',
        '--',
      ];
      const limits = { memoryLimitMb: 1, cpuTimeLimitSeconds: 2 };
      expect(auto.wrap('/bin/h', ['a'], limits, true, plan)).toEqual({
        command: helper('prlimit'),
        args: ['--core=0', '--data=1048576', '--cpu=2', '--', ...prefix, '/bin/h', 'a'],
      });
      expect(auto.wrap('/bin/h', ['a'], noLimits, false, plan)).toEqual({ command: '/bin/h', args: ['a'] });
      const [first, ...rest] = prefix;
      expect(auto.wrap('/bin/h', ['a'], noLimits, true)).toEqual({
        command: first,
        args: [...rest, '/bin/h', 'a'],
      });

      const user = { uid: 65533, gid: 65532 };
      const hiding = detectHandlerIsolation({
        requested: 'auto',
        searchPath,
        hideServerFiles: true,
        handlerUser: user,
      });
      expect(hiding.reason).toBe(
        'a PID namespace per call, server files hidden, handlers run as 65533:65532',
      );
      expect(hiding.hidingApplies).toBe(true);
      expect(hiding.handlerUser).toEqual(user);
      expect(hiding.wrap('/bin/h', ['a'], noLimits, true, plan)).toEqual({
        command: first,
        args: [...rest, ...hidingCommandLine(helper('setpriv'), plan, user, '/bin/h', ['a'])],
      });
      // Without a plan, or outside a namespace, nothing is hidden.
      expect(hiding.wrap('/bin/h', ['a'], noLimits, true)).toEqual({
        command: first,
        args: [...rest, '/bin/h', 'a'],
      });
      expect(hiding.wrap('/bin/h', ['a'], noLimits, false, plan)).toEqual({ command: '/bin/h', args: ['a'] });
      expect(
        detectHandlerIsolation({ requested: 'auto', searchPath, hideServerFiles: true }).handlerUser,
      ).toEqual({
        uid: 65534,
        gid: 65534,
      });
    },
  );
});

describe('hidingCommandLine', () => {
  it('passes the plan to the hiding script as mode and path pairs', () => {
    const line = hidingCommandLine('/usr/bin/setpriv', plan, { uid: 7, gid: 8 }, '/bin/h', ['a', 'b']);
    expect(line.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(line[2]).toMatch(/^set -eu\n/);
    expect(line.slice(3)).toEqual([
      'tempo-hide',
      '/usr/bin/setpriv',
      '/srv/data/cache/pkg',
      '7:8',
      'ro',
      '/srv/data/cache/pkg',
      'rw',
      '/srv/data/scratch/call',
      'rwf',
      '/srv/data/logs/step.log',
      '--',
      'd',
      '/srv/data',
      'f',
      '/etc/tempo.keys',
      '--',
      '/bin/h',
      'a',
      'b',
    ]);
  });

  it('refuses more binds than the shell can hold open', () => {
    const binds = Array.from({ length: 6 }, (_, index) => ({ path: `/b${index}`, writable: false }));
    expect(() => hidingCommandLine('/s', { ...plan, binds }, { uid: 1, gid: 1 }, '/h', [])).not.toThrow();
    expect(() =>
      hidingCommandLine(
        '/s',
        { ...plan, binds: [...binds, { path: '/b6', writable: true }] },
        { uid: 1, gid: 1 },
        '/h',
        [],
      ),
    ).toThrow('A call can keep at most 6 folders.');
  });
});

describe('serverFilePaths', () => {
  it('lists every file and folder of the server a handler must not read', () => {
    const settings = TempoSettings.parse({
      database: { type: 'Sqlite', filename: 'data/tempo.db' },
      secrets: { keyFile: 'keys/secrets.key' },
      hydration: { hydrationFile: 'hydrate.json' },
      runtimes: { externalExecution: { hiddenHostPaths: ['/opt/private'] } },
    });
    const paths = serverFilePaths(settings, 'tempo.json');
    const { secrets, artifacts, runLogs, logging, logViewer, runtimes } = settings;
    expect(paths).toEqual(
      [
        secrets.keyFile,
        'keys',
        artifacts.rootPath,
        runLogs.rootPath,
        logging.logDirectory,
        logViewer.workerRootPath,
        runtimes.externalExecution.cacheRoot,
        runtimes.externalExecution.scratchRoot,
        'data/tempo.db',
        'data/tempo.db-wal',
        'data/tempo.db-shm',
        'data/tempo.db-journal',
        'data',
        'hydrate.json',
        'tempo.json',
        '/opt/private',
      ].map((path) => resolve(path)),
    );
    const memory = TempoSettings.parse({ database: { type: 'Sqlite', filename: ':memory:' } });
    // An in-memory database has no file, and no settings file was named.
    expect(serverFilePaths(memory)).toHaveLength(
      8 + memory.runtimes.externalExecution.hiddenHostPaths.length,
    );
  });
});
