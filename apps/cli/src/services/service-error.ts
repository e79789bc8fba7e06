import { existsSync, readFileSync } from 'node:fs';
import type { DatabaseKind } from './database-service.ts';

/** The step of bringing a server up (or down) that failed. */
export const ServiceStep = {
  Install: 'Install',
  Initialise: 'Initialise',
  Start: 'Start',
  Provision: 'Provision',
  Stop: 'Stop',
} as const;
export type ServiceStep = (typeof ServiceStep)[keyof typeof ServiceStep];

const LOG_TAIL_LINES = 20;

/** The last lines of a log file, or a note that there is none yet. */
export const logTail = (logFile: string, lines = LOG_TAIL_LINES): string => {
  if (!existsSync(logFile)) return '(no log file yet)';
  const text = readFileSync(logFile, 'utf8').trimEnd();
  return text === '' ? '(log file is empty)' : text.split('\n').slice(-lines).join('\n');
};

/**
 * A test database server could not be installed, initialised, started, provisioned or stopped.
 * The message names the step, what went wrong and the log file, and quotes the log's last lines
 * so a failing `./tempo test` is readable without opening it.
 */
export class DatabaseServiceError extends Error {
  override readonly name = 'DatabaseServiceError';
  /** Which server failed. */
  readonly kind: DatabaseKind;
  /** Which step failed. */
  readonly step: ServiceStep;
  /** The log file that holds the server's or the tool's output for this step. */
  readonly logFile: string;

  constructor(kind: DatabaseKind, step: ServiceStep, problem: string, logFile: string, cause?: unknown) {
    const reason = cause instanceof Error ? ` (${cause.message})` : '';
    super(
      `${kind} test server, step ${step}: ${problem}${reason}. Log: ${logFile}\n` +
        `--- last lines of ${logFile} ---\n${logTail(logFile)}`,
      cause === undefined ? undefined : { cause },
    );
    this.kind = kind;
    this.step = step;
    this.logFile = logFile;
  }
}
