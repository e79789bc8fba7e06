import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearHandlerLeftovers, handlerCallTag, handlerOwnerOf } from './handler-leftovers.ts';
import { readProcessStatSync, readProcessTable, withDescendants } from './process-tree.ts';

let root: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tempo-leftovers-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const start = (script: string, env: Record<string, string>) => {
  const child = spawn('sh', ['-c', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
};

const running = (child: ChildProcess) => {
  const stat = readProcessStatSync(child.pid ?? 0);
  return stat !== null && !stat.zombie;
};

/** Waits until `count` processes run below `child`, so its whole tree is in place. */
const treeOf = async (child: ChildProcess, count: number) => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const table = await readProcessTable();
    const top = table.get(child.pid ?? 0);
    if (top && withDescendants(table, [top]).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the tree did not start');
};

describe('handler owners and tags', () => {
  it('names this process and its scratch root, and tags each call apart', () => {
    const owner = handlerOwnerOf(`${root}/./sub/..`);
    expect(owner).toEqual({
      rootKey: createHash('sha256').update(root).digest('hex').slice(0, 16),
      pid: process.pid,
      startTicks: readProcessStatSync(process.pid)?.startTicks,
    });
    const tag = handlerCallTag(owner);
    expect(tag).toMatch(
      new RegExp(`^${owner.rootKey}\\.${process.pid}\\.${owner.startTicks}\\.[0-9a-f]{12}$`),
    );
    expect(handlerCallTag(owner)).not.toBe(tag);
  });
});

describe('clearHandlerLeftovers', () => {
  it('kills the trees of a gone server and removes the scratch folders no running handler uses', async () => {
    const scratchRoot = join(root, 'scratch');
    const owner = handlerOwnerOf(scratchRoot);
    const parent = readProcessStatSync(process.ppid);
    if (!parent) throw new Error('no parent');
    const inUse = join(scratchRoot, 'ten_a', 'sru_1-aaaa');
    const otherServer = join(scratchRoot, 'ten_b', 'sru_2-bbbb');
    const stale = join(scratchRoot, 'ten_a', 'sru_3-cccc');
    for (const folder of [inUse, otherServer, stale]) await mkdir(folder, { recursive: true });
    await writeFile(join(scratchRoot, 'ten_a', 'not-a-folder'), 'x');

    const orphan = start('sleep 30 & wait', {
      TEMPO_HANDLER_TAG: `${owner.rootKey}.${2 ** 22 + 7}.12345.abcdef`,
      TEMPO_SCRATCH_DIR: stale,
    });
    const restartedPid = start('exec sleep 30', {
      TEMPO_HANDLER_TAG: `${owner.rootKey}.${process.pid}.${owner.startTicks + 1}.abcdef`,
    });
    const mine = start('exec sleep 30', {
      TEMPO_HANDLER_TAG: handlerCallTag(owner),
      TEMPO_SCRATCH_DIR: inUse,
    });
    const liveServer = start('exec sleep 30', {
      TEMPO_HANDLER_TAG: `${owner.rootKey}.${parent.pid}.${parent.startTicks}.abcdef`,
      TEMPO_SCRATCH_DIR: `${otherServer}/`,
    });
    const otherRoot = start('exec sleep 30', {
      TEMPO_HANDLER_TAG: `0123456789abcdef.${2 ** 22 + 7}.12345.abcdef`,
    });
    const forged = start('exec sleep 30', { TEMPO_HANDLER_TAG: `${owner.rootKey}.x.12345.abcdef` });
    await treeOf(orphan, 2);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(await clearHandlerLeftovers(scratchRoot, owner)).toEqual({
      processesKilled: 3,
      scratchFoldersRemoved: 1,
    });
    expect(running(orphan)).toBe(false);
    expect(running(restartedPid)).toBe(false);
    expect([mine, liveServer, otherRoot, forged].every(running)).toBe(true);
    expect((await readdir(join(scratchRoot, 'ten_a'))).sort()).toEqual(['not-a-folder', 'sru_1-aaaa']);
    expect(await readdir(join(scratchRoot, 'ten_b'))).toEqual(['sru_2-bbbb']);
  });

  it('leaves alone the handlers of the owner it is given, though no such process runs', async () => {
    const scratchRoot = join(root, 'given');
    // An owner as a server that was started again over the same root would pass it on.
    const owner = { rootKey: handlerOwnerOf(scratchRoot).rootKey, pid: 2 ** 22 + 11, startTicks: 777 };
    const handler = start('exec sleep 30', { TEMPO_HANDLER_TAG: handlerCallTag(owner) });
    await treeOf(handler, 1);
    expect(await clearHandlerLeftovers(scratchRoot, owner)).toEqual({
      processesKilled: 0,
      scratchFoldersRemoved: 0,
    });
    expect(running(handler)).toBe(true);
  });

  it('finds nothing over a scratch root that does not exist', async () => {
    const scratchRoot = join(root, 'missing');
    expect(await clearHandlerLeftovers(scratchRoot, handlerOwnerOf(scratchRoot))).toEqual({
      processesKilled: 0,
      scratchFoldersRemoved: 0,
    });
  });
});
