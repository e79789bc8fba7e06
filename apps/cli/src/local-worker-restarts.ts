/** How `up` restarts a local worker that ended by itself. */
export const RESTART_POLICY = {
  /** Wait before the first restart, in ms; doubled per quick failure after it. */
  firstDelayMs: 1000,
  /** Longest wait between restarts, in ms. */
  maxDelayMs: 30_000,
  /** Quick failures in a row after which the worker is left stopped. */
  maxQuickFailures: 5,
  /** A worker that ran this long before ending counts as healthy again: its failures are forgotten. */
  stableAfterMs: 60_000,
} as const;

/** Exit code of a worker whose settings are unusable: starting it again cannot help. */
export const WORKER_SETTINGS_EXIT_CODE = 2;

/** How a worker process ended. */
export interface WorkerExit {
  /** Exit code, or null when a signal ended it (or it could not be started). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** How long it ran, in ms. */
  readonly ranForMs: number;
}

/** What to do after a worker ended by itself. */
export type RestartDecision =
  | {
      readonly kind: 'restart';
      readonly delayMs: number;
      /** This failure's number in the current run of quick failures, from 1. */
      readonly attempt: number;
    }
  | { readonly kind: 'give-up'; readonly reason: string };

/**
 * Decides whether to start a worker again, from how it ended and how many quick failures came
 * before (`failuresBefore`): a capped, jittered (±20%) doubling backoff, so a worker that cannot
 * stay up is not started in a tight loop, and a bound, so one that never can is given up on.
 */
export const decideRestart = (
  exit: WorkerExit,
  failuresBefore: number,
  random: () => number = Math.random,
): RestartDecision => {
  if (exit.code === WORKER_SETTINGS_EXIT_CODE)
    return { kind: 'give-up', reason: 'its settings are unusable (exit code 2)' };
  const attempt = exit.ranForMs >= RESTART_POLICY.stableAfterMs ? 1 : failuresBefore + 1;
  if (attempt > RESTART_POLICY.maxQuickFailures)
    return {
      kind: 'give-up',
      reason: `it ended ${RESTART_POLICY.maxQuickFailures} times in a row within ${RESTART_POLICY.stableAfterMs / 1000} s of starting`,
    };
  const doubled = RESTART_POLICY.firstDelayMs * 2 ** (attempt - 1);
  const jittered = doubled * (0.8 + 0.4 * random());
  return { kind: 'restart', delayMs: Math.round(Math.min(RESTART_POLICY.maxDelayMs, jittered)), attempt };
};

/** How an exit reads in `up`'s output: `exit code 1` or `signal SIGKILL`. */
export const describeExit = (exit: Pick<WorkerExit, 'code' | 'signal'>): string =>
  exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
