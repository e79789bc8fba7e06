import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTreeOpenToHandlers,
  giveToHandlerUser,
  openTreeToHandlers,
  parseHandlerUser,
} from './handler-user.ts';
import { LANGUAGE_SHIMS, writeShim } from './language-shims.ts';
import { createScratchFolder, removeScratchFolder, safePathSegment } from './scratch-folder.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tempo-scratch-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await lstat(path)).mode & 0o777;

describe('safePathSegment', () => {
  it('keeps the safe characters and turns the rest, and walking names, into `_`', () => {
    expect(safePathSegment('ten_A-1.b')).toBe('ten_A-1.b');
    expect(safePathSegment('a/b\\c d')).toBe('a_b_c_d');
    expect(safePathSegment('é')).toBe('_');
    expect(safePathSegment('')).toBe('_');
    expect(safePathSegment('.')).toBe('_');
    expect(safePathSegment('..')).toBe('_');
    expect(safePathSegment('...')).toBe('_');
    expect(safePathSegment('.hidden')).toBe('.hidden');
    expect(safePathSegment('a..')).toBe('a..');
  });
});

describe('scratch folders', () => {
  it('creates an owner-only folder per call under the tenant, and removes it with its contents', async () => {
    const folder = await createScratchFolder(join(root, 'scratch'), '../ten a', 'sru/1');
    expect(folder.startsWith(join(root, 'scratch', '.._ten_a', 'sru_1-'))).toBe(true);
    expect(folder).toMatch(/sru_1-[0-9a-f]{12}$/);
    expect((await stat(folder)).isDirectory()).toBe(true);
    expect(await modeOf(folder)).toBe(0o700);
    const again = await createScratchFolder(join(root, 'scratch'), '../ten a', 'sru/1');
    expect(again).not.toBe(folder);
    await mkdir(join(folder, 'deep', 'er'), { recursive: true });
    await writeFile(join(folder, 'deep', 'er', 'file'), 'x');
    await removeScratchFolder(folder);
    expect(await readdir(join(root, 'scratch', '.._ten_a'))).toEqual([
      again.slice(again.lastIndexOf('/') + 1),
    ]);
    await expect(removeScratchFolder(folder)).resolves.toBeUndefined();
  });
});

describe('handler user', () => {
  it('reads `uid:gid` and refuses anything else', () => {
    expect(parseHandlerUser('65534:65534')).toEqual({ uid: 65534, gid: 65534 });
    expect(parseHandlerUser('0:0')).toEqual({ uid: 0, gid: 0 });
    for (const text of [
      'nobody',
      '1000',
      '-1:5',
      '5:-1',
      '1.5:2',
      '2:x',
      '1000:',
      ':1000',
      ' 7:7',
      '0x10:5',
      '1e3:5',
    ]) {
      expect(() => parseHandlerUser(text)).toThrow(
        `runtimes.externalExecution.handlerUser must be "uid:gid" in numbers, not "${text}".`,
      );
    }
  });

  it('opens a tree to other users: folders and executables rx, files r, links left alone', async () => {
    const tree = join(root, 'tree');
    await mkdir(join(tree, 'bin'), { recursive: true });
    await writeFile(join(tree, 'data.txt'), 'x', { mode: 0o600 });
    await writeFile(join(tree, 'bin', 'run'), '#!/bin/sh', { mode: 0o700 });
    await writeFile(join(tree, 'open.txt'), 'x', { mode: 0o644 });
    await writeFile(join(root, 'outside.txt'), 'x', { mode: 0o600 });
    await symlink(join(root, 'outside.txt'), join(tree, 'link'));
    await chmod(join(tree, 'bin'), 0o700);
    await chmod(tree, 0o700);
    await openTreeToHandlers(tree);
    expect(await modeOf(tree)).toBe(0o755);
    expect(await modeOf(join(tree, 'bin'))).toBe(0o755);
    expect(await modeOf(join(tree, 'bin', 'run'))).toBe(0o755);
    expect(await modeOf(join(tree, 'data.txt'))).toBe(0o644);
    expect(await modeOf(join(tree, 'open.txt'))).toBe(0o644);
    // The link's target is not the tree's to change.
    expect(await modeOf(join(root, 'outside.txt'))).toBe(0o600);
  });

  it('opens a tree once: an open root is taken as an open tree', async () => {
    const tree = join(root, 'ensure');
    await mkdir(tree);
    await writeFile(join(tree, 'inner.txt'), 'x', { mode: 0o600 });
    await chmod(tree, 0o755);
    await ensureTreeOpenToHandlers(tree);
    expect(await modeOf(join(tree, 'inner.txt'))).toBe(0o600);
    await chmod(tree, 0o750);
    await ensureTreeOpenToHandlers(tree);
    expect(await modeOf(join(tree, 'inner.txt'))).toBe(0o644);
    expect(await modeOf(tree)).toBe(0o755);
  });

  it('leaves a root that is open to others already as it is', async () => {
    for (const mode of [0o777, 0o355]) {
      const tree = join(root, `open-${mode.toString(8)}`);
      await mkdir(tree);
      await chmod(tree, mode);
      await openTreeToHandlers(tree);
      expect(await modeOf(tree)).toBe(mode);
    }
  });

  it('writes a language shim into the call folder, readable by its owner only', async () => {
    const folder = join(root, 'shim');
    await mkdir(folder);
    const path = await writeShim('javascript', folder);
    expect(path).toBe(join(folder, LANGUAGE_SHIMS.javascript.fileName));
    expect(await modeOf(path)).toBe(0o600);
    const source = new URL(`./shims/${LANGUAGE_SHIMS.javascript.source}`, import.meta.url);
    expect(await readFile(path, 'utf8')).toBe(await readFile(source, 'utf8'));
    expect(await writeShim('python', folder)).toBe(join(folder, '__tempo_python_shim.py'));
  });

  it('gives the scratch paths to the handler user', async () => {
    const file = join(root, 'given.txt');
    await writeFile(file, 'x');
    const user = { uid: 65534, gid: 65533 };
    await giveToHandlerUser([file], user);
    const info = await stat(file);
    expect({ uid: info.uid, gid: info.gid }).toEqual(user);
  });
});
