import type { FlowRunDispatchState, FlowRunRecord, FlowRunState, RunAssignmentState } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import { op, type Repositories } from '@tempo/core/store';
import type { RunWrites } from './run-writes.ts';
import { RUN_END_RETRY, retryStoreWrite } from './store-retry.ts';

/** The run error when a step run could not be written. */
export const STEP_RECORD_FAILED = "The run's step record could not be stored.";
/** The run error when the run's own end could not be written, even after retries. */
export const RUN_RESULT_FAILED = "The run's result could not be stored.";
/** The run error when the execution failed in a way nothing else describes. */
export const ENGINE_FAILED = 'The engine failed while executing the run; the server log has the details.';

/**
 * A database failure on the run path, told in our words. Run errors reach callers (the
 * `x-run-error` header, possibly of an anonymous trigger call), and a driver's message can quote
 * the SQL parameters, so the driver's error is kept as `cause` for the log only.
 */
export class RunStoreError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'RunStoreError';
  }
}

/** A run as this process last wrote it, and the writes its end is issued behind. */
export interface KnownRun {
  readonly run: FlowRunRecord;
  readonly writes: RunWrites;
}

/** The run error for a failure outside the engine's own handling, in our words. */
export const failureMessageOf = (error: unknown): string =>
  error instanceof RunStoreError ? error.message : ENGINE_FAILED;

/** How an execution ended, as the engine reports it. */
export interface RunEnd {
  readonly state: Exclude<FlowRunState, 'Queued' | 'Running'>;
  readonly outputData: string | null;
  readonly errorMessage: string | null;
}

/** Where {@link recordRunEnd} writes. */
export interface RunEndTarget {
  readonly repositories: Repositories;
  readonly log: Logger;
  readonly tenantId: string;
  readonly runId: string;
  /** The attempt that executed the run; the end is written only while it is still the run's. */
  readonly assignmentId: string;
}

const now = () => new Date().toISOString();

const dispatchStateOf = (state: RunEnd['state']): FlowRunDispatchState =>
  state === 'Succeeded' ? 'Completed' : state === 'Cancelled' ? 'Cancelled' : 'Failed';

/** The fields of a run's row that say how it ended, at `completedUtc`. */
export const endFieldsOf = (end: RunEnd, completedUtc: string) => ({
  state: end.state,
  dispatchState: dispatchStateOf(end.state),
  outputData: end.outputData,
  errorMessage: end.errorMessage,
  completedUtc,
  lastUpdateUtc: completedUtc,
});

/** The assignment state that matches how its run ended (spec: completion mapping). */
export const attemptStateOf = (state: FlowRunState): RunAssignmentState =>
  state === 'Queued' || state === 'Running' ? 'Exception' : state;

/**
 * Writes how a run ended, guarded by the state it expects (`Running` on this attempt), so a run
 * that another server or a cancel already ended keeps that end. A failed write is retried; when
 * it keeps failing (output the database refuses, say), the run ends `Exception` without its
 * output and with {@link RUN_RESULT_FAILED}, which is retried too. The attempt is closed with
 * the run. Answers the run as stored; throws only when not even the fallback could be written,
 * leaving the attempt open for the recovery sweep.
 */
export const recordRunEnd = async (
  target: RunEndTarget,
  end: RunEnd,
  known?: KnownRun,
): Promise<FlowRunRecord | null> => {
  const { repositories, log, runId, assignmentId } = target;
  const runs = repositories.flowRuns.inTenant(target.tenantId);
  const guard = { id: runId, state: 'Running', runAssignmentId: assignmentId } as const;
  const completedUtc = now();
  if (known) {
    // The usual case in one go: both ends issued behind the run's other writes, nothing read back.
    const fields = endFieldsOf(end, completedUtc);
    const changed = known.writes.issue(() => runs.updateWhere(guard, fields));
    known.writes.issue(() =>
      repositories.runAssignments.updateWhere(
        { id: assignmentId, state: 'Assigned' },
        { state: attemptStateOf(end.state), completedUtc },
      ),
    );
    await known.writes.settled();
    if (!known.writes.failure && (await changed) === 1) return { ...known.run, ...fields };
    // Something failed or the run ended elsewhere: the careful path below sorts it out.
  }
  const retry = {
    ...RUN_END_RETRY,
    onRetry: (error: unknown, attempt: number) =>
      log.warn({ err: error, runId, attempt }, 'run end could not be stored; trying again'),
  };
  let changed: number;
  try {
    changed = await retryStoreWrite(() => runs.updateWhere(guard, endFieldsOf(end, completedUtc)), retry);
  } catch (error) {
    log.error(
      { err: error, runId },
      'run end could not be stored; ending the run as Exception without output',
    );
    changed = await retryStoreWrite(
      () =>
        runs.updateWhere(guard, {
          state: 'Exception',
          dispatchState: 'Failed',
          outputData: null,
          errorMessage: RUN_RESULT_FAILED,
          completedUtc,
        }),
      retry,
    );
  }
  const stored = await runs.get(runId);
  if (changed === 0)
    log.warn({ runId, state: stored?.state }, 'run had already ended elsewhere; this end is not recorded');
  await retryStoreWrite(
    () =>
      repositories.runAssignments.updateWhere(
        // After the one-go attempt the attempt may already carry the end that was not stored.
        { id: assignmentId, state: op.in(known ? ['Assigned', attemptStateOf(end.state)] : ['Assigned']) },
        { state: attemptStateOf(stored?.state ?? 'Running'), completedUtc },
      ),
    retry,
  );
  return stored;
};

/**
 * Ends a run whose execution failed outside the engine's own handling, as `Exception` with a
 * message in our words (the error itself goes to the log), and closes its attempt. `endedAs` is
 * the end this process wrote before it learned of the failure (a step record refused in the same
 * commit), which is then replaced.
 */
export const failRun = async (
  target: Omit<RunEndTarget, 'assignmentId'>,
  error: unknown,
  endedAs?: RunEnd['state'],
): Promise<FlowRunRecord | null> => {
  const { repositories, log, runId } = target;
  const runs = repositories.flowRuns.inTenant(target.tenantId);
  const completedUtc = now();
  log.error({ err: error, runId }, 'run failed outside the engine; ending it as Exception');
  await retryStoreWrite(
    () =>
      runs.updateWhere(
        { id: runId, state: op.in(endedAs ? ['Queued', 'Running', endedAs] : ['Queued', 'Running']) },
        {
          state: 'Exception',
          dispatchState: 'Failed',
          completedUtc,
          errorMessage: failureMessageOf(error),
        },
      ),
    RUN_END_RETRY,
  );
  const stored = await runs.get(runId);
  const assignmentId = stored?.runAssignmentId;
  if (assignmentId)
    await retryStoreWrite(
      () =>
        repositories.runAssignments.updateWhere(
          {
            id: assignmentId,
            state: op.in(endedAs ? ['Assigned', attemptStateOf(endedAs)] : ['Assigned']),
          },
          { state: attemptStateOf(stored.state), completedUtc },
        ),
      RUN_END_RETRY,
    );
  return stored;
};
