import { join } from 'node:path';
import { REPO_ROOT } from '../repo-paths.ts';
import { runNode } from '../run-process.ts';

/** Options of `./tempo worker`. */
export interface WorkerCommandOptions {
  /** `--config FILE`; else `TEMPO_WORKER_SETTINGS_FILE`, else `./tempo.worker.json`. */
  readonly config?: string | undefined;
}

/** The worker's entry script. */
const WORKER_MAIN = join(REPO_ROOT, 'apps', 'worker', 'src', 'main.ts');

/**
 * `./tempo worker`: runs the execution-plane worker as its own process (it shares no code path
 * with the server and never opens the database) in the caller's folder, so a relative `--config`
 * and the default `./tempo.worker.json` are found where the operator is. SIGINT and SIGTERM are
 * passed on, and the worker's exit code is this command's.
 */
export const runWorker = (options: WorkerCommandOptions): Promise<number> =>
  runNode(WORKER_MAIN, options.config === undefined ? [] : ['--config', options.config], {
    cwd: process.cwd(),
  });
