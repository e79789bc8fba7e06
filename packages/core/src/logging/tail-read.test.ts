import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTail } from './tail-read.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const tailOf = async (text: string | Buffer, maxLines: number, maxBytes: number, filter?: string) => {
  const folder = mkdtempSync(join(tmpdir(), 'tempo-tail-'));
  folders.push(folder);
  const path = join(folder, 'a.log');
  writeFileSync(path, text);
  const file = await open(path, 'r');
  try {
    return await readTail(file, { maxLines, maxBytes, filter });
  } finally {
    await file.close();
  }
};

describe('readTail', () => {
  it('returns the last lines whole when the file fits', async () => {
    expect(await tailOf('one\ntwo\nthree\n', 2, 1000)).toEqual({
      content: 'two\nthree\n',
      truncated: true,
      fileByteLength: 14,
      returnedByteLength: 10,
    });
    expect(await tailOf('one\ntwo\n', 5, 1000)).toMatchObject({ content: 'one\ntwo\n', truncated: false });
    expect(await tailOf('', 5, 1000)).toMatchObject({ content: '', truncated: false, fileByteLength: 0 });
  });

  it('drops the line the byte window cuts and never splits a character', async () => {
    // 'é' is two bytes: a window starting inside it must not yield a replacement character.
    const result = await tailOf('aaaaé\nbbb\nccc\n', 100, 9);
    expect(result).toMatchObject({ content: 'bbb\nccc\n', truncated: true });
    const oneLine = await tailOf('xxxxxxxxé', 100, 1 + 1);
    expect(oneLine.content).not.toContain('\uFFFD');
  });

  it('filters the lines read, ignoring case', async () => {
    const result = await tailOf('info start\nERROR boom\ninfo end\nerror again\n', 1, 1000, 'error');
    expect(result).toMatchObject({ content: 'error again\n', truncated: true });
  });

  it('reads a large file with a bounded window', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 'x\n');
    const result = await tailOf(big, 3, 64);
    expect(result).toMatchObject({ content: 'x\nx\nx\n', truncated: true, fileByteLength: big.length });
  });
});
