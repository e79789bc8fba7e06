import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoSettings } from '@tempo/contracts';
import { resolveSettingsPaths } from '@tempo/core/settings';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secureDataFolder } from './data-folder.ts';

let root: string;
let savedMask: number;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tempo-data-folder-'));
  savedMask = process.umask(0o022);
});

afterEach(() => {
  process.umask(savedMask);
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Lays out a data folder as an older build left it: everything readable by group and others. */
const oldDataFolder = (dataDir: string, outside: string) => {
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  mkdirSync(join(dataDir, 'artifacts', 'blobs'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  for (const file of ['tempo.json', 'tempo.db', 'tempo.db-wal', 'logs/tempo.log', 'artifacts/blobs/a.zip'])
    writeFileSync(join(dataDir, file), '{}');
  writeFileSync(join(outside, 'keep.txt'), 'x');
  for (const path of [dataDir, join(dataDir, 'logs'), join(dataDir, 'artifacts'), outside])
    chmodSync(path, 0o755);
};

describe('secureDataFolder', () => {
  it('repairs what an older build left inside the data folder and leaves outside folders alone', () => {
    const dataDir = join(root, 'data');
    const outside = join(root, 'shared-cache');
    oldDataFolder(dataDir, outside);
    const settingsFile = join(dataDir, 'tempo.json');
    const settings = resolveSettingsPaths(
      TempoSettings.parse({ runtimes: { externalExecution: { cacheRoot: outside } } }),
      dataDir,
    );
    secureDataFolder({ settingsFile, settings, dedicated: false });
    for (const file of ['tempo.json', 'tempo.db', 'tempo.db-wal', 'logs/tempo.log', 'artifacts/blobs/a.zip'])
      expect(modeOf(join(dataDir, file)), file).toBe(0o600);
    expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
    expect(modeOf(join(dataDir, 'artifacts', 'blobs'))).toBe(0o700);
    // Not dedicated: the folder itself (it may be the working directory) keeps its mode.
    expect(modeOf(dataDir)).toBe(0o755);
    expect(modeOf(outside)).toBe(0o755);
    expect(modeOf(join(outside, 'keep.txt'))).toBe(0o644);
    // From now on this process creates owner-only files.
    writeFileSync(join(dataDir, 'new.txt'), 'x');
    expect(modeOf(join(dataDir, 'new.txt'))).toBe(0o600);
  });

  it('makes a dedicated data folder owner-only, and creates a missing one that way', () => {
    const dedicated = join(root, 'up');
    oldDataFolder(dedicated, join(root, 'elsewhere'));
    secureDataFolder({
      settingsFile: join(dedicated, 'tempo.json'),
      settings: resolveSettingsPaths(TempoSettings.parse({}), dedicated),
      dedicated: true,
    });
    expect(modeOf(dedicated)).toBe(0o700);
    process.umask(0o022);
    const fresh = join(root, 'fresh', 'data');
    secureDataFolder({
      settingsFile: join(fresh, 'tempo.json'),
      settings: resolveSettingsPaths(TempoSettings.parse({}), fresh),
      dedicated: false,
    });
    expect(modeOf(fresh)).toBe(0o700);
  });
});
