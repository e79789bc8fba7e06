import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  canReadProcessTable,
  isSameProcessAlive,
  type ProcessStat,
  readEnvironmentVariables,
  readProcessStatSync,
  readProcessTable,
  stopAndKill,
  withDescendants,
} from './process-tree.ts';
import { NamespaceContainment, TreeContainment } from './tree-containment.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

const start = (script: string, env: Record<string, string> = {}) => {
  const child = spawn('sh', ['-c', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
};

/** The pids below `pid` now, waited for until `count` are there. */
const descendantsOf = async (pid: number, count: number) => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const table = await readProcessTable();
    const root = table.get(pid);
    const found = root ? withDescendants(table, [root]).filter((stat) => stat.pid !== pid) : [];
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${count} processes below ${pid}`);
};

const alive = (stat: ProcessStat) => {
  const now = readProcessStatSync(stat.pid);
  return now !== null && now.startTicks === stat.startTicks && !now.zombie;
};

const stat = (pid: number, ppid: number, zombie = false, startTicks = 100): ProcessStat => ({
  pid,
  ppid,
  startTicks,
  zombie,
});

describe('process table', () => {
  it('reads this process from /proc', async () => {
    expect(canReadProcessTable()).toBe(true);
    const self = readProcessStatSync(process.pid);
    expect(self).toMatchObject({ pid: process.pid, ppid: process.ppid, zombie: false });
    expect(self?.startTicks).toBeGreaterThan(0);
    expect(readProcessStatSync(2 ** 30)).toBeNull();
    const table = await readProcessTable();
    expect(table.get(process.pid)).toEqual(self);
    expect(table.get(1)?.pid).toBe(1);
  });

  it('follows the parent links below the seeds, leaving out zombies and this process', () => {
    const table = new Map(
      [
        stat(10, 1),
        stat(11, 10),
        stat(12, 11),
        stat(13, 11, true),
        stat(14, 13),
        stat(20, 1),
        stat(process.pid, 12),
      ].map((each) => [each.pid, each]),
    );
    const pids = (seeds: ProcessStat[]) =>
      withDescendants(table, seeds)
        .map((each) => each.pid)
        .sort((a, b) => a - b);
    expect(pids([stat(10, 1)])).toEqual([10, 11, 12, 14]);
    expect(pids([stat(11, 10), stat(20, 1)])).toEqual([11, 12, 14, 20]);
    expect(pids([])).toEqual([]);
  });

  it('ends the walk on a table whose parent links loop (a scan is not one instant)', () => {
    // Pids above any pid_max, so none is this process's own.
    const [a, b, c] = [2 ** 22 + 30, 2 ** 22 + 31, 2 ** 22 + 32];
    const table = new Map([stat(a, b), stat(b, a), stat(c, b)].map((each) => [each.pid, each]));
    expect(
      withDescendants(table, [stat(a, b)])
        .map((each) => each.pid)
        .sort((x, y) => x - y),
    ).toEqual([a, b, c]);
  });

  it('reads a table longer than one slice of reads', async () => {
    const root = start('for i in $(seq 140); do sleep 30 & done; wait');
    const below = await descendantsOf(root.pid ?? 0, 140);
    try {
      const table = await readProcessTable();
      expect(below.every((each) => table.get(each.pid)?.startTicks === each.startTicks)).toBe(true);
    } finally {
      for (const each of below) process.kill(each.pid, 'SIGKILL');
    }
  }, 15_000);

  it('reads an environment that shows empty again, after pauses, before it gives up', async () => {
    const empty = start('exec env -i sleep 30');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const emptyStat = readProcessStatSync(empty.pid ?? 0);
    if (!emptyStat) throw new Error('no process');
    const started = Date.now();
    expect(await readEnvironmentVariables([emptyStat], 'TEMPO_TAG')).toEqual(new Map());
    // Five reads with a pause of 10 ms between each two.
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it('tells the same process from one that reused its pid or became a zombie', () => {
    const table = new Map([
      [5, stat(5, 1, false, 300)],
      [6, stat(6, 1, true, 300)],
    ]);
    expect(isSameProcessAlive(table, 5, 300)).toBe(true);
    expect(isSameProcessAlive(table, 5, 301)).toBe(false);
    expect(isSameProcessAlive(table, 6, 300)).toBe(false);
    expect(isSameProcessAlive(table, 7, 300)).toBe(false);
  });

  it('reads one variable of each process environment, by its exact name', async () => {
    const tagged = start('exec sleep 30', { TEMPO_TAG_X: 'wrong', TEMPO_TAG: 'right' });
    const plain = start('exec sleep 30');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stats = [tagged, plain].map((child) => readProcessStatSync(child.pid ?? 0));
    const values = await readEnvironmentVariables(
      stats.filter((each) => each !== null),
      'TEMPO_TAG',
    );
    expect([...values]).toEqual([[tagged.pid, 'right']]);
  });

  it('stops a whole tree and kills it, counting its processes', async () => {
    const root = start('sleep 30 & sleep 30 & wait');
    const below = await descendantsOf(root.pid ?? 0, 2);
    const rootStat = readProcessStatSync(root.pid ?? 0);
    if (!rootStat) throw new Error('no root');
    const killed = await stopAndKill(async (table) => {
      const now = table.get(rootStat.pid);
      return now && now.startTicks === rootStat.startTicks ? [now] : [];
    });
    expect(killed).toBe(3);
    expect(below.some(alive)).toBe(false);
    expect(await stopAndKill(async () => [])).toBe(0);
  });
});

describe('containment', () => {
  it('kills a call’s tree and the tagged processes that left it', async () => {
    const containment = new TreeContainment('call.test-tag');
    const root = start('setsid sleep 31 & sleep 30 & wait', { TEMPO_HANDLER_TAG: 'call.test-tag' });
    containment.attach(root.pid ?? 0);
    expect(containment.tag).toBe('call.test-tag');
    const below = await descendantsOf(root.pid ?? 0, 2);
    expect(await containment.killAll()).toBe(3);
    expect(below.some(alive)).toBe(false);
  });

  it('remembers a process seen in the tree after it cleared its tag and lost its parent', async () => {
    const containment = new TreeContainment('call.remember');
    const root = start('setsid env -i sleep 32 & sleep 2.5', { TEMPO_HANDLER_TAG: 'call.remember' });
    containment.attach(root.pid ?? 0);
    const [orphan] = await descendantsOf(root.pid ?? 0, 1);
    if (!orphan) throw new Error('no orphan');
    // The tree is walked once a second: the orphan is seen before its parent exits.
    await new Promise((resolve) => root.on('exit', resolve));
    expect(readProcessStatSync(orphan.pid)?.ppid).not.toBe(root.pid);
    expect(await containment.killAll()).toBe(1);
    expect(alive(orphan)).toBe(false);
  }, 15_000);

  it('kills nothing for a call that never started, and leaves other tags alone', async () => {
    expect(await new TreeContainment('call.none').killAll()).toBe(0);
    expect(await new NamespaceContainment().killAll()).toBe(0);
    const other = start('exec sleep 30', { TEMPO_HANDLER_TAG: 'call.other' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const containment = new TreeContainment('call.mine');
    const root = start('exec sleep 30', { TEMPO_HANDLER_TAG: 'call.mine' });
    containment.attach(root.pid ?? 0);
    expect(await containment.killAll()).toBe(1);
    const otherStat = readProcessStatSync(other.pid ?? 0);
    expect(otherStat?.zombie).toBe(false);
  });

  it('leaves alone a process of the same tag started before the call, and other tags started since', async () => {
    const before = start('exec sleep 30', { TEMPO_HANDLER_TAG: 'call.same' });
    // Start times count in clock ticks (10 ms): the call's root must start in a later one.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const containment = new TreeContainment('call.same');
    const root = start('exec sleep 30', { TEMPO_HANDLER_TAG: 'call.same' });
    containment.attach(root.pid ?? 0);
    const since = start('exec sleep 30', { TEMPO_HANDLER_TAG: 'call.since' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await containment.killAll()).toBe(1);
    expect([before, since].map((child) => readProcessStatSync(child.pid ?? 0)?.zombie)).toEqual([
      false,
      false,
    ]);
  });

  it('kills nothing of its tag before it was attached to a call', async () => {
    const tagged = start('exec sleep 30', { TEMPO_HANDLER_TAG: 'call.unattached' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await new TreeContainment('call.unattached').killAll()).toBe(0);
    expect(readProcessStatSync(tagged.pid ?? 0)?.zombie).toBe(false);
  });

  it('kills the tree below a namespace wrapper, and nothing once it is gone', async () => {
    const containment = new NamespaceContainment();
    const root = start('sleep 30 & wait');
    const exited = new Promise((resolve) => root.on('exit', resolve));
    containment.attach(root.pid ?? 0);
    await descendantsOf(root.pid ?? 0, 1);
    expect(await containment.killAll()).toBe(2);
    await exited;
    expect(await containment.killAll()).toBe(0);
    containment.dispose();
  });
});
