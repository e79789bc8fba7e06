import type { RunLogFileKind } from '@tempo/contracts';

/** The index file of a run's folder; not a log file, never listed or served. */
export const MANIFEST_FILE = 'manifest.json';
/** The run's own summary log, directly in its folder. */
export const RUN_LOG_FILE = 'run.log';
/** An attempt's assignment events. */
export const WORKER_LOG_FILE = 'worker.log';
/** An attempt's host and runtime failures: timeouts, exit codes, processes that did not start. */
export const HOST_LOG_FILE = 'host.log';

/** Longest part of a step file's name taken from its execution key. */
const MAX_KEY_IN_NAME = 64;

/** Ids as Tempo makes them (prefix, `_`, ULID); a folder or file name never holds anything else. */
const ID = '[A-Za-z]+_[A-Za-z0-9_]+';
const ATTEMPT_FOLDER = new RegExp(`^attempt-(\\d{3,6})-(${ID})$`);
const STEP_FILE = new RegExp(`^step-(\\d{3,6})-(${ID})-([A-Za-z0-9_-]+)(\\.stderr)?\\.log$`);
/** A run's folder name: its id. */
export const RUN_FOLDER = /^run_[A-Za-z0-9_]+$/;

const number3 = (value: number) => String(value).padStart(3, '0');

/**
 * `[A-Za-z0-9_-]` only, bounded: an execution key as part of a file name. Dots go too, so a key
 * can neither walk the tree nor end in `.stderr` and pass for the other stream's file.
 */
export const keyInFileName = (key: string): string =>
  (key.replace(/[^A-Za-z0-9_-]/g, '_') || '_').slice(0, MAX_KEY_IN_NAME);

/** `attempt-NNN-<runAssignmentId>`. */
export const attemptFolderName = (attemptNumber: number, runAssignmentId: string): string =>
  `attempt-${number3(attemptNumber)}-${runAssignmentId}`;

/** `step-NNN-<stepRunId>-<key>.log`, or `….stderr.log` for its captured stderr. */
export const stepFileName = (
  sequence: number,
  stepRunId: string,
  stepId: string,
  stream: 'log' | 'stderr',
): string =>
  `step-${number3(sequence)}-${stepRunId}-${keyInFileName(stepId)}${stream === 'stderr' ? '.stderr' : ''}.log`;

/** What a run-relative path names, read from the names alone. */
export interface RunLogPathInfo {
  readonly kind: RunLogFileKind;
  readonly attemptNumber?: number;
  readonly runAssignmentId?: string;
  readonly stepRunId?: string;
  /** The execution key as it appears in the file name (made file-safe). */
  readonly stepKeyInName?: string;
  readonly sequence?: number;
}

/** What an attempt folder's name says; null when it is not one. */
export const parseAttemptFolder = (
  name: string,
): { readonly attemptNumber: number; readonly runAssignmentId: string } | null => {
  const match = ATTEMPT_FOLDER.exec(name);
  return match ? { attemptNumber: Number(match[1]), runAssignmentId: match[2] as string } : null;
};

/**
 * The kind and ids of a run-relative log path (`run.log`, `attempt-…/worker.log`, …); null for
 * anything that is not a log file of the layout (the manifest, stray files, deeper paths).
 */
export const parseRunLogPath = (segments: readonly string[]): RunLogPathInfo | null => {
  if (segments.length === 1) return segments[0] === RUN_LOG_FILE ? { kind: 'Run' } : null;
  if (segments.length !== 2) return null;
  const attempt = parseAttemptFolder(segments[0] as string);
  if (!attempt) return null;
  const name = segments[1] as string;
  if (name === WORKER_LOG_FILE) return { kind: 'Worker', ...attempt };
  if (name === HOST_LOG_FILE) return { kind: 'Host', ...attempt };
  const step = STEP_FILE.exec(name);
  if (!step) return null;
  return {
    kind: step[4] ? 'StepStderr' : 'Step',
    ...attempt,
    sequence: Number(step[1]),
    stepRunId: step[2] as string,
    stepKeyInName: step[3] as string,
  };
};
