import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DATA_FOLDER_LOCK_FILE,
  DATA_FOLDER_PID_FILE,
  DataFolderInUseError,
  lockDataFolder,
} from './data-folder-lock.ts';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tempo-folder-lock-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Another process that takes the folder and says so; resolves once it holds it. */
const holdInChild = (dataDir: string) => {
  const script = `
    const { lockDataFolder } = await import(${JSON.stringify(join(import.meta.dirname, 'data-folder-lock.ts'))});
    lockDataFolder(${JSON.stringify(dataDir)});
    process.stdout.write('held\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const held = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, held, exited };
};

describe('lockDataFolder', () => {
  it('refuses a second holder, naming the first, until the first releases', () => {
    const dataDir = join(root, 'data');
    const first = lockDataFolder(dataDir);
    expect(readFileSync(join(dataDir, DATA_FOLDER_PID_FILE), 'utf8').trim()).toBe(String(process.pid));
    let refusal: unknown;
    try {
      lockDataFolder(dataDir);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataFolderInUseError);
    expect((refusal as DataFolderInUseError).holderPid).toBe(process.pid);
    expect((refusal as Error).message).toContain(dataDir);
    first.release();
    first.release();
    expect(existsSync(join(dataDir, DATA_FOLDER_PID_FILE))).toBe(false);
    lockDataFolder(dataDir).release();
  });

  it('is refused while another process holds it and free once that process is killed', async () => {
    const holder = holdInChild(root);
    await holder.held;
    expect(() => lockDataFolder(root)).toThrow(DataFolderInUseError);
    holder.child.kill('SIGKILL');
    await holder.exited;
    // The killed holder left its pid file; the folder is free all the same.
    expect(existsSync(join(root, DATA_FOLDER_PID_FILE))).toBe(true);
    lockDataFolder(root).release();
  });

  it('is not kept by a pid file naming a live process that holds no lock', () => {
    // After a reboot or a container restart, an old pid may name any live process (here: init).
    writeFileSync(join(root, DATA_FOLDER_PID_FILE), '1\n');
    const lock = lockDataFolder(root);
    expect(readFileSync(join(root, DATA_FOLDER_PID_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('names the lock file when something else sits under its name', () => {
    writeFileSync(join(root, DATA_FOLDER_LOCK_FILE), 'not a lock, '.repeat(200));
    expect(() => lockDataFolder(root)).toThrow(
      new RegExp(`cannot lock the data folder through ${join(root, DATA_FOLDER_LOCK_FILE)}: `),
    );
  });
});
