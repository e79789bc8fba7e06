import { type FlowRunState, LOCAL_SERVER_WORKER_ID } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import { op, type Repositories, type RowOf, type Tables } from '@tempo/core/store';
import { isTerminal } from './run-completions.ts';
import { attemptStateOf } from './run-end.ts';
import { RUN_END_RETRY, retryStoreWrite } from './store-retry.ts';

/** An open attempt of a run on the server's pseudo-worker, as stored. */
export type LocalAssignment = RowOf<typeof Tables.runAssignments>;

/** What the error of a run ended by recovery says. */
export const INTERRUPTED_RUN_MESSAGE = 'The server executing the run stopped before the run ended.';

/** Options of {@link recoverInterruptedRuns}. */
export interface RunRecoveryOptions {
  readonly repositories: Repositories;
  readonly log: Logger;
  /**
   * Whether nobody will finish this attempt: its owner (the server instance recorded in
   * `workerSessionId`) is dead, or it is this server and the run is not executing here.
   */
  readonly isAbandoned: (assignment: LocalAssignment) => boolean;
}

const now = () => new Date().toISOString();

/**
 * Ends the runs whose executing server is gone: each open pseudo-worker assignment judged
 * abandoned is closed, and its run, if still `Running` on that attempt, ends `Exception`. Every
 * write is guarded by the state it expects, so a live server's run, or one that ended meanwhile,
 * is never touched. Answers how many runs were ended.
 */
export const recoverInterruptedRuns = async (options: RunRecoveryOptions): Promise<number> => {
  const { repositories, log, isAbandoned } = options;
  const open = await repositories.runAssignments.find({
    workerId: LOCAL_SERVER_WORKER_ID,
    state: 'Assigned',
  });
  const abandoned = new Map(open.filter(isAbandoned).map((assignment) => [assignment.flowRunId, assignment]));
  if (abandoned.size === 0) return 0;
  let ended = 0;
  const finalStates = new Map<string, FlowRunState>();
  for (const tenant of await repositories.tenants.find()) {
    const runs = repositories.flowRuns.inTenant(tenant.id);
    for (const run of await runs.find({ id: op.in([...abandoned.keys()]) })) {
      finalStates.set(run.id, run.state);
      const assignment = abandoned.get(run.id);
      if (!assignment || run.state !== 'Running' || run.runAssignmentId !== assignment.id) continue;
      const changed = await retryStoreWrite(
        () =>
          runs.updateWhere(
            { id: run.id, state: 'Running', runAssignmentId: assignment.id },
            {
              state: 'Exception',
              dispatchState: 'Failed',
              completedUtc: now(),
              errorMessage: INTERRUPTED_RUN_MESSAGE,
            },
          ),
        RUN_END_RETRY,
      );
      if (changed === 0) continue;
      ended += 1;
      finalStates.set(run.id, 'Exception');
      log.warn(
        { runId: run.id, serverInstanceId: assignment.workerSessionId },
        'run of a stopped server ended as Exception',
      );
    }
  }
  // Every abandoned attempt is closed, also those whose run ended (or never started) before the
  // crash, so no assignment stays `Assigned` for ever.
  for (const assignment of abandoned.values()) {
    const state = finalStates.get(assignment.flowRunId);
    await retryStoreWrite(
      () =>
        repositories.runAssignments.updateWhere(
          { id: assignment.id, state: 'Assigned' },
          { state: state && isTerminal(state) ? attemptStateOf(state) : 'Exception', completedUtc: now() },
        ),
      RUN_END_RETRY,
    );
  }
  return ended;
};
