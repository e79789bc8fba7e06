import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freeLoopbackPort as freePort } from './free-port.ts';
import { ensureMariadb, ensurePostgres, runningTestServices, stopTestServices } from './index.ts';

// A cold install of mariadb-server from apt takes half a minute or more.
const SLOW_MS = 300_000;

/** Whether something accepts TCP connections on a loopback port. */
const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the test databases of a folder', () => {
  it(
    'are listed while running, and stopTestServices ends exactly them (what `./tempo services stop` runs)',
    async () => {
      // The postgres account must traverse this folder; mkdtemp makes it private to root.
      const rootDir = mkdtempSync(join(tmpdir(), 'tempo-services-stop-'));
      chmodSync(rootDir, 0o755);
      try {
        expect(runningTestServices(rootDir)).toEqual([]);
        const postgres = await ensurePostgres({ rootDir, port: await freePort() });
        const mariadb = await ensureMariadb({ rootDir, port: await freePort() });
        expect(runningTestServices(rootDir)).toEqual(['Postgresql', 'Mysql']);

        // Only the kinds asked for: a run stops what it started and leaves the rest.
        expect(await stopTestServices(rootDir, () => {}, ['Mysql'])).toEqual(['Mysql']);
        expect(await answers(mariadb.port)).toBe(false);
        expect(runningTestServices(rootDir)).toEqual(['Postgresql']);

        const lines: string[] = [];
        expect(await stopTestServices(rootDir, (line) => lines.push(line))).toEqual(['Postgresql']);
        expect(await answers(postgres.port)).toBe(false);
        expect(lines.some((line) => line.startsWith('PostgreSQL: stopped process'))).toBe(true);
        expect(runningTestServices(rootDir)).toEqual([]);
        // Nothing left to stop is not an error.
        expect(await stopTestServices(rootDir, () => {})).toEqual([]);
      } finally {
        await stopTestServices(rootDir, () => {});
        rmSync(rootDir, { recursive: true, force: true });
      }
    },
    SLOW_MS,
  );
});
