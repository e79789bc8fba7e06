import {
  CommonErrors,
  type DataFlowRecord,
  type FlowRunRecord,
  LOCAL_SERVER_WORKER_ID,
  TempoError,
} from '@tempo/contracts';
import { type RuntimeProviders, runFlow, type StepRunReport } from '@tempo/core/engine';
import { newId } from '@tempo/core/ids';
import type { Logger } from '@tempo/core/logging';
import type { Repositories } from '@tempo/core/store';
import { ActiveRuns, outcomeAfterStop } from './active-runs.ts';
import { type ArtifactPinResolver, captureSnapshot, type ExecutionSnapshot } from './execution-snapshot.ts';
import { LocalExecutor } from './local-executor.ts';
import { isTerminal, RunCompletions } from './run-completions.ts';
import { failRun, RunStoreError, recordRunEnd, STEP_RECORD_FAILED } from './run-end.ts';
import { recoverInterruptedRuns } from './run-recovery.ts';
import type { ServerInstance } from './server-instance.ts';

/** Who and what started a run. */
export interface RunOrigin {
  readonly triggerId?: string | null;
  readonly triggeredByUserId?: string | null;
  readonly sourceIp?: string | null;
  readonly metadata?: unknown;
}

/** Dependencies of the run service. */
export interface RunServiceDependencies {
  readonly repositories: Repositories;
  readonly providers: RuntimeProviders;
  /** Pins artifact versions when a run is enqueued. */
  readonly artifacts: { readonly resolvePin: ArtifactPinResolver };
  readonly log: Logger;
  /** `engine.maxConcurrentRuns`. */
  readonly maxConcurrentRuns: number;
  /** `engine.maxRunOutputBytes`: a larger final output fails the run; default the engine's. */
  readonly maxRunOutputBytes?: number;
}

const now = () => new Date().toISOString();

/**
 * Owns run state: enqueues runs with their execution snapshot, executes them on the server's
 * pseudo-worker, records step runs and completions, cancels queued runs, and lets callers wait.
 * It is the only writer of run state.
 */
export class RunService {
  readonly #deps: RunServiceDependencies;
  readonly #executor: LocalExecutor;
  readonly #active = new ActiveRuns();
  /** Runs executing in this process: an open attempt of this server whose run is not here is orphaned. */
  readonly #executing = new Set<string>();
  /** This server's instance row, the owner recorded on the runs it starts; set by {@link recover}. */
  #instance: ServerInstance | null = null;
  readonly completions: RunCompletions;

  constructor(deps: RunServiceDependencies) {
    this.#deps = deps;
    this.#executor = new LocalExecutor(deps.maxConcurrentRuns);
    this.completions = new RunCompletions(deps.repositories);
  }

  /** Creates a `Queued` run of a flow with its input as JSON text, and schedules it. */
  async enqueue(
    flow: DataFlowRecord,
    inputData: string | null,
    origin: RunOrigin = {},
  ): Promise<FlowRunRecord> {
    if (this.#active.isClosed(flow.tenantId)) throw CommonErrors.notFound('Tenant', flow.tenantId);
    const snapshot = await captureSnapshot(this.#deps.repositories, flow, (tenantId, artifactId, label) =>
      this.#deps.artifacts.resolvePin(tenantId, artifactId, label),
    );
    const runs = this.#deps.repositories.flowRuns.inTenant(flow.tenantId);
    const run = await runs.create({
      id: newId('flowRun'),
      dataFlowId: flow.id,
      triggerId: origin.triggerId ?? null,
      triggeredByUserId: origin.triggeredByUserId ?? null,
      sourceIp: origin.sourceIp ?? null,
      inputData,
      executionSnapshotJson: JSON.stringify({ ...snapshot, metadata: origin.metadata ?? null }),
    });
    // The tenant may have been deleted while the run was written: its cleanup could have run
    // before this row landed, so the row is removed here rather than left behind.
    if (this.#active.isClosed(flow.tenantId)) {
      await runs.delete(run.id);
      throw CommonErrors.notFound('Tenant', flow.tenantId);
    }
    this.#schedule(run.tenantId, run.id, run);
    return run;
  }

  /**
   * Stops every run of a tenant that is being deleted: no queued run of it starts, running ones
   * are cancelled before their next step (an outbound call in flight is aborted), and none of
   * them writes step runs, run state or assignments again. Resolves once their executions have
   * settled (or after a bounded wait), so the caller can then delete the tenant's rows.
   */
  stopTenant(tenantId: string): Promise<void> {
    return this.#active.stopTenant(tenantId);
  }

  /**
   * Cancels a queued run, or a running one: its engine stops before the next step, its handler
   * processes are killed and it ends `Cancelled`. A run that has ended, or that runs somewhere
   * this process cannot stop, is a 409.
   */
  async cancel(tenantId: string, runId: string): Promise<FlowRunRecord> {
    const runs = this.#deps.repositories.flowRuns.inTenant(tenantId);
    const run = await runs.require(runId, 'FlowRun');
    if (run.state === 'Running') return this.#cancelRunning(tenantId, run);
    if (run.state !== 'Queued')
      throw CommonErrors.conflict(
        `Run ${runId} is ${run.state}; only queued or running runs can be cancelled.`,
        {
          state: run.state,
        },
      );
    const stamp = now();
    const changed = await runs.updateWhere(
      { id: runId, state: 'Queued' },
      {
        state: 'Cancelled',
        dispatchState: 'Cancelled',
        completedUtc: stamp,
        errorMessage: 'Cancelled before it started.',
      },
    );
    // The run started between the read and the update: cancel it as a running run instead.
    if (changed === 0) return this.#cancelRunning(tenantId, (await runs.get(runId)) ?? run);
    this.completions.completed(runId);
    return (await runs.get(runId)) ?? run;
  }

  /** Aborts a running run's execution in this process and answers the run as it ended. */
  async #cancelRunning(tenantId: string, run: FlowRunRecord): Promise<FlowRunRecord> {
    const runs = this.#deps.repositories.flowRuns.inTenant(tenantId);
    const executingHere = await this.#active.cancelRun(run.id);
    const current = (await runs.get(run.id)) ?? run;
    if (current.state === 'Cancelled' || (executingHere && current.state === 'Running')) return current;
    if (isTerminal(current.state))
      throw CommonErrors.conflict(`Run ${run.id} ended ${current.state} before it could be cancelled.`, {
        state: current.state,
      });
    throw CommonErrors.conflict(
      `Run ${run.id} is ${current.state} but not executing on this server, so it cannot be cancelled here.`,
      { state: current.state },
    );
  }

  /** Deletes a run and its step runs; a queued or running run is a 409. */
  async delete(tenantId: string, runId: string): Promise<void> {
    const runs = this.#deps.repositories.flowRuns.inTenant(tenantId);
    const run = await runs.require(runId, 'FlowRun');
    if (!isTerminal(run.state))
      throw new TempoError(
        'Conflict',
        409,
        `Run ${runId} is ${run.state}; cancel it or wait for it to end first.`,
        { state: run.state },
      );
    await this.#deps.repositories.stepRuns.inTenant(tenantId).deleteWhere({ flowRunId: runId });
    await runs.delete(runId);
  }

  /**
   * At start-up, once this server's instance row is written: runs left `Running` by a dead
   * server (no instance row, or a stale heartbeat) end as `Exception` with their attempt closed,
   * never those of another live server on the same database; queued runs are scheduled again.
   * From then on every heartbeat repeats the sweep, which also ends this server's own runs whose
   * end could not be written.
   */
  async recover(instance: ServerInstance): Promise<void> {
    this.#instance = instance;
    await this.sweepInterrupted();
    instance.onHeartbeat(() =>
      this.sweepInterrupted().then(
        () => undefined,
        (error: unknown) => this.#deps.log.error({ err: error }, 'recovery sweep failed'),
      ),
    );
    const { repositories } = this.#deps;
    for (const tenant of await repositories.tenants.find()) {
      const runs = repositories.flowRuns.inTenant(tenant.id);
      for (const run of await runs.find({ state: 'Queued' })) this.#schedule(run.tenantId, run.id);
    }
  }

  /**
   * Ends the runs that nobody will finish: those owned by an instance that is not alive, and this
   * server's own runs that are no longer executing here. Answers how many were ended.
   */
  async sweepInterrupted(): Promise<number> {
    const instance = this.#instance;
    if (!instance) return 0;
    const live = await instance.liveIds();
    const ended = await recoverInterruptedRuns({
      repositories: this.#deps.repositories,
      log: this.#deps.log,
      isAbandoned: (assignment) =>
        assignment.workerSessionId === instance.id
          ? !this.#executing.has(assignment.flowRunId)
          : assignment.workerSessionId === null || !live.has(assignment.workerSessionId),
    });
    return ended;
  }

  /**
   * Server stop: no run starts any more (queued ones stay `Queued` for the next start's
   * recovery), running ones get `graceMs` to finish and are then stopped as interrupted.
   */
  shutdown(graceMs: number): Promise<void> {
    return this.#active.stopAll(graceMs);
  }

  /** Queues a run for execution; `queued` is its record when the caller has just written it. */
  #schedule(tenantId: string, runId: string, queued?: FlowRunRecord): void {
    this.#executor.submit(async () => {
      // Held until the run's end is written or given up on: until then the sweep leaves it alone.
      this.#executing.add(runId);
      await this.#execute(tenantId, runId, queued)
        .catch(async (error: unknown) => {
          await this.#failUnfinished(tenantId, runId, error).catch((cause: unknown) =>
            this.#deps.log.error(
              { err: cause, runId },
              'run could not be marked failed; left to the recovery sweep',
            ),
          );
        })
        .finally(() => this.#executing.delete(runId));
    });
  }

  /**
   * An engine crash ends the run as `Exception` in our words (the crash itself is logged), never
   * leaves it running.
   */
  async #failUnfinished(tenantId: string, runId: string, error: unknown): Promise<void> {
    const stored = await failRun(
      { repositories: this.#deps.repositories, log: this.#deps.log, tenantId, runId },
      error,
    );
    this.completions.completed(runId, stored ?? undefined);
  }

  /**
   * Executes a run, registered as active before its first await so that {@link stopTenant}
   * either sees it or it sees the tenant closed.
   */
  async #execute(tenantId: string, runId: string, queued?: FlowRunRecord): Promise<void> {
    const execution = this.#active.begin(tenantId, runId);
    if (!execution) return;
    try {
      await this.#executeActive(tenantId, runId, execution.signal, queued);
    } finally {
      execution.end();
    }
  }

  async #executeActive(
    tenantId: string,
    runId: string,
    signal: AbortSignal,
    queued?: FlowRunRecord,
  ): Promise<void> {
    const { repositories, providers } = this.#deps;
    const closed = () => this.#active.isClosed(tenantId);
    const runs = repositories.flowRuns.inTenant(tenantId);
    // A record handed over at enqueue may be stale by now; the guarded claim below settles that.
    const run = queued ?? (await runs.get(runId));
    if (run?.state !== 'Queued') return;
    const assignedUtc = now();
    const assignment = await repositories.runAssignments.create({
      id: newId('runAssignment'),
      flowRunId: runId,
      workerId: LOCAL_SERVER_WORKER_ID,
      // The pseudo-worker's session is this server instance: recovery reads the owner from here.
      workerSessionId: this.#instance?.id ?? null,
      leaseToken: newId('tokenNonce'),
      // No lease is held or renewed yet (leases come with remote workers); the column cannot be
      // empty, so it carries the assignment time rather than a deadline nobody enforces.
      leaseExpiresUtc: assignedUtc,
      assignedUtc,
    });
    // Claim the run only if it is still queued: a cancel may have won the race.
    const claimed = await runs.updateWhere(
      { id: runId, state: 'Queued' },
      {
        state: 'Running',
        dispatchState: 'Assigned',
        dispatchAttempt: run.dispatchAttempt + 1,
        assignedWorkerId: LOCAL_SERVER_WORKER_ID,
        runAssignmentId: assignment.id,
        executionNodeKind: 'Server',
        assignedUtc,
        leaseExpiresUtc: null,
        startedUtc: assignedUtc,
        queueWaitMs: Date.parse(assignedUtc) - Date.parse(run.createdUtc),
      },
    );
    if (claimed === 0) {
      // A deleted tenant keeps no assignment; a cancel that won the race keeps its record.
      if (closed()) await repositories.runAssignments.delete(assignment.id);
      else
        await repositories.runAssignments.update(assignment.id, { state: 'Cancelled', completedUtc: now() });
      return;
    }
    const snapshot = JSON.parse(run.executionSnapshotJson ?? '{}') as ExecutionSnapshot & {
      metadata?: unknown;
    };
    const stepRuns = repositories.stepRuns.inTenant(tenantId);
    const finished = await runFlow({
      flow: snapshot.flow,
      flowRunId: runId,
      inputData: run.inputData,
      metadata: snapshot.metadata ?? null,
      resolveStep: (key) => snapshot.steps[key] ?? null,
      providers,
      newStepRunId: () => newId('stepRun'),
      signal,
      ...(this.#deps.maxRunOutputBytes ? { maxOutputBytes: this.#deps.maxRunOutputBytes } : {}),
      onStep: async (report: StepRunReport) => {
        // The step that was running when its tenant was deleted is not recorded: nothing of the
        // tenant may be written after its deletion began.
        if (closed()) return;
        await stepRuns
          .create({
            id: report.stepRunId,
            flowRunId: runId,
            dataFlowId: run.dataFlowId,
            stepId: report.stepId,
            sequence: report.sequence,
            result: report.result,
            nextStepId: report.nextStepId,
            inputData: report.inputData,
            outputData: report.outputData,
            errorMessage: report.errorMessage,
            startedUtc: report.startedUtc,
            completedUtc: report.completedUtc,
            ...report.info,
          })
          .catch((error: unknown) => {
            this.#deps.log.error(
              { err: error, runId, stepRunId: report.stepRunId },
              'step run could not be stored',
            );
            throw new RunStoreError(STEP_RECORD_FAILED, error);
          });
      },
    });
    const outcome = outcomeAfterStop(signal, finished);
    if (closed()) {
      this.completions.completed(runId);
      return;
    }
    const stored = await recordRunEnd(
      { repositories, log: this.#deps.log, tenantId, runId, assignmentId: assignment.id },
      outcome,
    );
    this.completions.completed(runId, stored ?? undefined);
  }
}
