import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRollingFile } from './rolling-file.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('rolling log file', () => {
  it('numbers on from existing files, rolls past the size, keeps the newest files, owner-only', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tempo-roll-'));
    folders.push(folder);
    writeFileSync(join(folder, 'tempo.7.log'), 'old\n');
    // Written two days ago: a new day starts a new file.
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(join(folder, 'tempo.7.log'), twoDaysAgo, twoDaysAgo);
    const file = openRollingFile({
      file: join(folder, 'tempo.log'),
      maxBytes: 10,
      keep: 3,
      mode: 0o600,
      maxBufferedBytes: 1024,
    });
    for (const line of ['0123456789\n', 'abcdefghij\n', 'second\n', 'third\n', 'fourth\n']) file.write(line);
    file.flush();
    await settle();
    const names = readdirSync(folder).sort();
    expect(names).toEqual(['tempo.10.log', 'tempo.11.log', 'tempo.9.log']);
    expect(readFileSync(join(folder, 'tempo.11.log'), 'utf8')).toBe('fourth\n');
    expect(statSync(join(folder, 'tempo.11.log')).mode & 0o777).toBe(0o600);

    // A restart on the same day goes on in the last file while it has room.
    const again = openRollingFile({
      file: join(folder, 'tempo.log'),
      maxBytes: 10,
      keep: 3,
      mode: 0o600,
      maxBufferedBytes: 1024,
    });
    again.write('more\n');
    again.flush();
    await settle();
    expect(readdirSync(folder).sort()).toEqual(['tempo.10.log', 'tempo.11.log', 'tempo.9.log']);
    expect(readFileSync(join(folder, 'tempo.11.log'), 'utf8')).toBe('fourth\nmore\n');
  });
});
