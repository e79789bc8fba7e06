import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What {@link checkSqliteIntegrity} found. */
export interface IntegrityReport {
  /** True when SQLite reported `ok`. */
  readonly ok: boolean;
  /** SQLite's findings (at most 20), or why the check could not run. */
  readonly problems: readonly string[];
  readonly durationMs: number;
}

// Plain JavaScript run by the worker: it opens its own read-only connection, so the server's
// connection and its event loop are not held while the whole file is read.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const started = Date.now();
try {
  const Database = require(workerData.driver);
  const db = new Database(workerData.filename, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('quick_check(20)', { simple: false });
    const problems = rows.map((row) => String(Object.values(row)[0])).filter((text) => text !== 'ok');
    parentPort.postMessage({ ok: problems.length === 0, problems, durationMs: Date.now() - started });
  } finally {
    db.close();
  }
} catch (error) {
  parentPort.postMessage({ ok: false, problems: [String(error && error.message || error)], durationMs: Date.now() - started });
}
`;

/**
 * Checks an SQLite file's integrity (`PRAGMA quick_check`: every page, index order and
 * constraint, without cross-checking index contents against tables) on a worker thread. A full
 * check reads the whole file, seconds for a large database, so it runs beside the server's
 * start rather than before it.
 */
export const checkSqliteIntegrity = (filename: string): Promise<IntegrityReport> =>
  new Promise((resolve) => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { filename, driver } });
    let settled = false;
    const settle = (report: IntegrityReport) => {
      if (settled) return;
      settled = true;
      resolve(report);
      void worker.terminate();
    };
    worker.once('message', (report: IntegrityReport) => settle(report));
    worker.once('error', (error) => settle({ ok: false, problems: [error.message], durationMs: 0 }));
    worker.once('exit', (code) =>
      settle({ ok: false, problems: [`the check stopped (exit ${code})`], durationMs: 0 }),
    );
  });
