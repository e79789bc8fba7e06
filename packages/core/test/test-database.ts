import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseOptions, openDatabase, Tables, type TempoDatabase } from '../src/store/index.ts';

/** Which database this run of the suite talks to: `TEMPO_TEST_DB` = Sqlite (default), Postgresql or Mysql. */
export const testDatabaseType = (): DatabaseOptions['type'] => {
  const value = process.env.TEMPO_TEST_DB ?? 'Sqlite';
  if (value === 'Sqlite' || value === 'Postgresql' || value === 'Mysql') return value;
  throw new Error(`TEMPO_TEST_DB must be Sqlite, Postgresql or Mysql, not "${value}".`);
};

const env = (name: string): string => {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} must be set to run the suite against ${testDatabaseType()} (./tempo test sets it).`,
    );
  return value;
};

/** Connection options of the test database; a fresh SQLite file per call. */
export const testDatabaseOptions = (): DatabaseOptions & { cleanup(): void } => {
  const type = testDatabaseType();
  if (type === 'Sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tempo-store-'));
    return {
      type,
      filename: join(dir, 'tempo.db'),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  return {
    type,
    server: env('TEMPO_TEST_DB_HOST'),
    port: Number(env('TEMPO_TEST_DB_PORT')),
    databaseName: env('TEMPO_TEST_DB_NAME'),
    username: env('TEMPO_TEST_DB_USER'),
    password: env('TEMPO_TEST_DB_PASSWORD'),
    cleanup: () => undefined,
  };
};

/** Drops every Tempo table, so the next migration starts from an empty database. */
export const dropAllTables = async (db: TempoDatabase): Promise<void> => {
  const q = db.dialect.quote;
  for (const name of [...Object.values(Tables).map((spec) => spec.name), 'schema_migrations']) {
    await db.dialect.executeDdl(`DROP TABLE IF EXISTS ${q(name)}`);
  }
};

/** An empty, migrated test database; `close()` also removes a temporary SQLite file. */
export const freshTestDatabase = async (): Promise<TempoDatabase> => {
  const options = testDatabaseOptions();
  const db = await openDatabase(options);
  await dropAllTables(db);
  await db.migrate();
  return {
    ...db,
    close: async () => {
      await db.close();
      options.cleanup();
    },
  };
};
