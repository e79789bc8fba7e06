import { copyFileSync, existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The rows one answered 1-step trigger call stores, table by table. */
const RUN_TABLES = ['flow_runs', 'run_assignments', 'step_runs', 'request_history'] as const;

/** Columns naming the run a row belongs to, kept pointing at the copy's own run id. */
const RUN_ID_COLUMNS = new Set(['flow_run_id']);

/** What storing a run's rows costs SQLite itself, per run, in microseconds. */
export interface SqliteFloor {
  readonly perRunUs: number;
  readonly perTableUs: Readonly<Record<(typeof RUN_TABLES)[number], number>>;
  readonly runsPerCommit: number;
}

/**
 * The least a run can cost on SQLite: the four rows of the last run in a benchmark's database,
 * inserted again `runs` times with fresh ids through prepared statements, `runsPerCommit` runs
 * per transaction (as the server's group commit shares one), with the server's pragmas, on a copy
 * of that database (same schema, indexes and size). No Tempo code runs here: this is the floor
 * under the server's CPU per call, the part no change to Tempo's own code can remove while every
 * run is stored as it is.
 */
export const measureSqliteFloor = (databaseFile: string, copyFile: string, runs = 20_000): SqliteFloor => {
  for (const suffix of ['', '-wal']) {
    if (existsSync(`${databaseFile}${suffix}`))
      copyFileSync(`${databaseFile}${suffix}`, `${copyFile}${suffix}`);
  }
  const db = new Database(copyFile);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const inserts = RUN_TABLES.map((table) => {
      const sample = db.prepare(`SELECT * FROM ${table} ORDER BY rowid DESC LIMIT 1`).get() as
        | Record<string, unknown>
        | undefined;
      if (!sample) throw new Error(`the benchmark database has no ${table} row to copy`);
      const columns = Object.keys(sample);
      const statement = db.prepare(
        `INSERT INTO ${table} (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      return { table, sample, columns, statement };
    });
    const begin = db.prepare('BEGIN');
    const commit = db.prepare('COMMIT');
    let sequence = 0;
    const timeInserts = (only: readonly (typeof inserts)[number][], runsPerCommit: number): number => {
      const started = process.hrtime.bigint();
      for (let done = 0; done < runs; done += runsPerCommit) {
        begin.run();
        for (let index = 0; index < runsPerCommit; index++) {
          // Ids sort after the existing ones, as the server's time-ordered ids do.
          const id = `zz_floor_${String(sequence++).padStart(12, '0')}`;
          for (const { sample, columns, statement } of only)
            statement.run(
              ...columns.map((column) =>
                column === 'id' || RUN_ID_COLUMNS.has(column) ? id : sample[column],
              ),
            );
        }
        commit.run();
      }
      return Number(process.hrtime.bigint() - started) / 1000 / runs;
    };
    const runsPerCommit = 16;
    const perRunUs = timeInserts(inserts, runsPerCommit);
    const perTableUs = Object.fromEntries(
      inserts.map((insert) => [insert.table, timeInserts([insert], runsPerCommit)]),
    ) as SqliteFloor['perTableUs'];
    return { perRunUs, perTableUs, runsPerCommit };
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${copyFile}${suffix}`, { force: true });
  }
};
