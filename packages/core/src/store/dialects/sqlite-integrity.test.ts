import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSqliteIntegrity } from './sqlite-integrity.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const databaseWithRows = () => {
  const folder = mkdtempSync(join(tmpdir(), 'tempo-integrity-'));
  folders.push(folder);
  const filename = join(folder, 'tempo.db');
  const db = new Database(filename);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX ix_t_v ON t (v)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 5_000; i++) insert.run(`value ${i} ${'x'.repeat(50)}`);
  })();
  db.close();
  return filename;
};

describe('SQLite integrity check', () => {
  it('reports ok for a sound file', async () => {
    const report = await checkSqliteIntegrity(databaseWithRows());
    expect(report).toMatchObject({ ok: true, problems: [] });
  });

  it('reports the problems of a damaged file', async () => {
    const filename = databaseWithRows();
    // Overwrite pages past the schema page: the table's b-tree no longer holds together.
    const fd = openSync(filename, 'r+');
    const junk = Buffer.alloc(4096 * 8, 0xa5);
    writeSync(fd, junk, 0, junk.length, Math.floor(statSync(filename).size / 2));
    closeSync(fd);
    const report = await checkSqliteIntegrity(filename);
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
  });

  it('reports a file it cannot open instead of throwing', async () => {
    const report = await checkSqliteIntegrity(join(tmpdir(), 'tempo-no-such-folder', 'none.db'));
    expect(report.ok).toBe(false);
  });
});
