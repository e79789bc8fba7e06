import { copyFileSync, existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The rows one answered 1-step trigger call stores, table by table. */
const RUN_TABLES = ['flow_runs', 'run_assignments', 'step_runs', 'request_history'] as const;

/** Runs per transaction: about what one turn of the server's group commit holds under load. */
const RUNS_PER_COMMIT = 16;

/** What storing a run's rows costs SQLite itself, per run, in microseconds. */
export interface SqliteFloor {
  readonly perRunUs: number;
  readonly perTableUs: Readonly<Record<(typeof RUN_TABLES)[number], number>>;
  readonly runsPerCommit: number;
}

/**
 * The least a run can cost on SQLite: the four rows of the last run in a benchmark's database,
 * inserted again `runs` times with fresh ids through prepared statements, {@link RUNS_PER_COMMIT}
 * runs per transaction (as the server's group commit shares one), with the server's pragmas, on a copy
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
    const timeInserts = (only: readonly (typeof inserts)[number][]): number => {
      const started = process.hrtime.bigint();
      for (let done = 0; done < runs; done += RUNS_PER_COMMIT) {
        begin.run();
        for (let index = 0; index < RUNS_PER_COMMIT; index++) {
          // Ids sort after the existing ones, as the server's time-ordered ids do; a row's
          // `flow_run_id` names the copy's own run.
          const id = `zz_floor_${String(sequence++).padStart(12, '0')}`;
          for (const { sample, columns, statement } of only)
            statement.run(
              ...columns.map((column) => (column === 'id' || column === 'flow_run_id' ? id : sample[column])),
            );
        }
        commit.run();
      }
      return Number(process.hrtime.bigint() - started) / 1000 / runs;
    };
    const perRunUs = timeInserts(inserts);
    const perTableUs = Object.fromEntries(
      inserts.map((insert) => [insert.table, timeInserts([insert])]),
    ) as SqliteFloor['perTableUs'];
    return { perRunUs, perTableUs, runsPerCommit: RUNS_PER_COMMIT };
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${copyFile}${suffix}`, { force: true });
  }
};
