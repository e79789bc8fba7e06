import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WorkerSettings } from '@tempo/contracts';
import { matchKeyCase } from '@tempo/core/settings';
import { UsageError } from './flags.ts';

/**
 * The fields of a `--worker-settings` file that `up` replaces in every local worker: they must
 * differ per worker or point at this machine's server and data folder (the run logs are the
 * server's, which reads them back).
 */
export const PER_WORKER_FIELDS = [
  'serverEndpoint',
  'serverEndpoints',
  'workerId',
  'workerToken',
  'name',
  'logging',
  'runLogs',
  'runtimes.externalExecution.scratchRoot',
  'runtimes.externalExecution.cacheRoot',
] as const;

/** A `--worker-settings` file and its validated content. */
export interface LocalWorkerTemplate {
  readonly file: string;
  readonly settings: WorkerSettings;
}

/**
 * Reads the `tempo.worker.json` every local worker of `up --worker-settings FILE` starts from,
 * validated by the worker's own schema (keys in any case, numbers clamped as the worker does).
 * Unlike a worker's own file it needs no `workerToken`: `up` issues one per worker.
 * @throws UsageError naming the file and the field when the file is missing or invalid.
 */
export const loadLocalWorkerTemplate = (file: string): LocalWorkerTemplate => {
  const path = resolve(file);
  const refuse = (problem: string) => new UsageError(`--worker-settings: ${path}: ${problem}`);
  if (!existsSync(path)) throw refuse('the worker settings file does not exist.');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw refuse(`cannot be read as JSON (${(error as Error).message}).`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw refuse('must hold a JSON object.');
  const parsed = WorkerSettings.safeParse(matchKeyCase(raw, WorkerSettings));
  if (parsed.success) return { file: path, settings: parsed.data };
  const issue = parsed.error.issues[0];
  const field =
    issue?.code === 'unrecognized_keys'
      ? [...issue.path.map(String), issue.keys[0] ?? ''].join('.')
      : (issue?.path.map(String).join('.') ?? '');
  const problem =
    issue?.code === 'unrecognized_keys' ? 'is not a known setting' : (issue?.message ?? 'is invalid');
  throw refuse(`${field} ${problem}.`);
};
