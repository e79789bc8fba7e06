import { AsyncLocalStorage } from 'node:async_hooks';

/** A handler's log file, as the process host hands it to the handler. */
export interface HandlerLogFile {
  /** The attempt's folder (`TEMPO_RUN_LOG_DIR`), real path. */
  readonly dir: string;
  /** The step's log file (`TEMPO_RUN_LOG_FILE`), real path; the only run-log file a handler may write. */
  readonly file: string;
}

/**
 * The log of one step call, as a runtime that starts processes sees it. Every method is safe to
 * call when logging has failed or the run's cap is reached: it then does nothing.
 */
export interface StepLogTarget {
  readonly flowRunId: string;
  readonly runAssignmentId: string;
  readonly workerId: string;
  readonly stepRunId: string;
  readonly stepId: string;
  /**
   * Creates the step's log file for a handler to append to and starts watching its size against
   * the run's cap; null when run logs are off, failed or full (the handler then gets no file).
   */
  openHandlerFile(): Promise<HandlerLogFile | null>;
  /** Stops the watch once the handler has ended, cutting the file to the cap if it passed it. */
  closeHandlerFile(): Promise<void>;
  /** Keeps the handler's stderr (secrets already redacted) in the step's `.stderr.log`. */
  stderr(text: string): void;
  /** A host event (exit code, timeout, failure to start) for the attempt's `host.log`. */
  hostEvent(text: string): void;
}

const scope = new AsyncLocalStorage<StepLogTarget>();

/**
 * The log of the step being executed in this async context, if its run has one. The engine's
 * provider interface stays as it is: a run's log wraps its providers and enters this scope
 * around each call (see `RunLog.providers`), so whichever process runs the engine, the server's
 * pseudo-worker or a worker daemon, the process host finds the step's log the same way.
 */
export const currentStepLog = (): StepLogTarget | undefined => scope.getStore();

/** Runs `call` with `step` as {@link currentStepLog}. */
export const runWithStepLog = <T>(step: StepLogTarget, call: () => T): T => scope.run(step, call);
