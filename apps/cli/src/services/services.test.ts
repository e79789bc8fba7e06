import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freeLoopbackPort as freePort } from './free-port.ts';
import { type DatabaseService, type EnsureDatabaseOptions, ensureMariadb, ensurePostgres } from './index.ts';

// The folder `./tempo test` uses, so these tests warm the servers up rather than start their own.
const sharedRoot = fileURLToPath(new URL('../../../../.tempo-test', import.meta.url));
// A cold install of mariadb-server from apt takes half a minute or more.
const SLOW_MS = 300_000;

type Row = Record<string, unknown>;

const query = async (service: DatabaseService, sql: string): Promise<Row[]> => {
  if (service.kind === 'Postgresql') {
    const client = new pg.Client({ connectionString: service.url });
    await client.connect();
    try {
      return (await client.query<Row>(sql)).rows;
    } finally {
      await client.end();
    }
  }
  const connection = await mysql.createConnection(service.url);
  try {
    const [rows] = await connection.query<RowDataPacket[]>(sql);
    return rows;
  } finally {
    await connection.end();
  }
};

const writeRows = async (service: DatabaseService): Promise<void> => {
  await query(service, 'drop table if exists services_check');
  await query(service, 'create table services_check (id integer primary key, label varchar(40) not null)');
  await query(service, "insert into services_check (id, label) values (1, 'first'), (2, 'second')");
};

const readRows = (service: DatabaseService): Promise<Row[]> =>
  query(service, 'select id, label from services_check order by id');

const expectedRows = [
  { id: 1, label: 'first' },
  { id: 2, label: 'second' },
];

const cases = [
  { name: 'ensurePostgres', kind: 'Postgresql', scheme: 'postgres:', ensure: ensurePostgres },
  { name: 'ensureMariadb', kind: 'Mysql', scheme: 'mysql:', ensure: ensureMariadb },
] as const;

describe.each(cases)('$name', ({ kind, scheme, ensure }) => {
  it(
    'serves the test database and reuses the running server on the second call',
    async () => {
      const first = await ensure({ rootDir: sharedRoot });
      const lines: string[] = [];
      const second = await ensure({ rootDir: sharedRoot, log: (line) => lines.push(line) });

      expect(lines.some((line) => line.includes('reusing the server'))).toBe(true);
      expect(second).toMatchObject({ kind, host: '127.0.0.1', port: first.port, user: 'tempo' });
      expect(second.database).toBe('tempo_test');
      expect(new URL(second.url).protocol).toBe(scheme);
      expect(await query(second, 'select 1 as one')).toEqual([{ one: 1 }]);
      await writeRows(second);
      expect(await readRows(second)).toEqual(expectedRows);
    },
    SLOW_MS,
  );

  it(
    'stops, then starts again from the existing folder with the data kept',
    async () => {
      // The postgres account must traverse this folder; mkdtemp makes it private to root.
      const rootDir = mkdtempSync(join(tmpdir(), 'tempo-services-'));
      chmodSync(rootDir, 0o755);
      const options: EnsureDatabaseOptions = { rootDir, port: await freePort() };
      let running: DatabaseService | undefined;
      try {
        running = await ensure(options);
        await writeRows(running);
        await running.stop();
        await expect(query(running, 'select 1')).rejects.toThrow();

        const lines: string[] = [];
        running = await ensure({ ...options, log: (line) => lines.push(line) });
        expect(lines.some((line) => line.includes('started on 127.0.0.1'))).toBe(true);
        expect(lines.some((line) => line.includes('initialising'))).toBe(false);
        expect(await readRows(running)).toEqual(expectedRows);
      } finally {
        await running?.stop();
        rmSync(rootDir, { recursive: true, force: true });
      }
    },
    SLOW_MS,
  );
});
