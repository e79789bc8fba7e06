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
import { op, type Repositories } from '@tempo/core/store';
import { ActiveRuns } from './active-runs.ts';
import { type ArtifactPinResolver, captureSnapshot, type ExecutionSnapshot } from './execution-snapshot.ts';
import { LocalExecutor } from './local-executor.ts';
import { isTerminal, RunCompletions } from './run-completions.ts';

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
  /** `engine.leaseDurationMs`: how long an assignment is held. */
  readonly leaseDurationMs: number;
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

  /** Cancels a queued run; a run that has started (or ended) is a 409. */
  async cancel(tenantId: string, runId: string): Promise<FlowRunRecord> {
    const runs = this.#deps.repositories.flowRuns.inTenant(tenantId);
    const run = await runs.require(runId, 'FlowRun');
    if (run.state !== 'Queued')
      throw CommonErrors.conflict(`Run ${runId} is ${run.state}; only queued runs can be cancelled.`, {
        state: run.state,
      });
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
    if (changed === 0) throw CommonErrors.conflict(`Run ${runId} started before it could be cancelled.`);
    this.completions.completed(runId);
    return (await runs.get(runId)) ?? run;
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
   * At start-up: queued runs are scheduled again; runs this server's pseudo-worker was executing
   * when it stopped end as `Exception`, since nothing can resume them.
   */
  async recover(): Promise<void> {
    const { repositories, log } = this.#deps;
    for (const tenant of await repositories.tenants.find()) {
      const runs = repositories.flowRuns.inTenant(tenant.id);
      for (const run of await runs.find({ state: 'Running', assignedWorkerId: LOCAL_SERVER_WORKER_ID })) {
        await runs.update(run.id, {
          state: 'Exception',
          dispatchState: 'Failed',
          completedUtc: now(),
          errorMessage: 'The server stopped while the run was executing.',
        });
        log.warn({ runId: run.id }, 'run interrupted by a server stop marked Exception');
      }
      for (const run of await runs.find({ state: 'Queued' })) this.#schedule(run.tenantId, run.id);
    }
  }

  /** Waits for running work to finish (shutdown). */
  drain(): Promise<void> {
    return this.#executor.idle();
  }

  /** Queues a run for execution; `queued` is its record when the caller has just written it. */
  #schedule(tenantId: string, runId: string, queued?: FlowRunRecord): void {
    this.#executor.submit(() =>
      this.#execute(tenantId, runId, queued).catch(async (error: unknown) => {
        this.#deps.log.error({ err: error, runId }, 'run execution failed unexpectedly');
        await this.#failUnfinished(tenantId, runId, error).catch((cause: unknown) =>
          this.#deps.log.error({ err: cause, runId }, 'run could not be marked failed'),
        );
      }),
    );
  }

  /** An engine crash ends the run as `Exception` with the crash message, never leaves it running. */
  async #failUnfinished(tenantId: string, runId: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.#deps.repositories.flowRuns.inTenant(tenantId).updateWhere(
      { id: runId, state: op.in(['Queued', 'Running'] as const) },
      {
        state: 'Exception',
        dispatchState: 'Failed',
        completedUtc: now(),
        errorMessage: `The engine failed: ${message}`,
      },
    );
    this.completions.completed(runId);
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
      leaseToken: newId('tokenNonce'),
      leaseExpiresUtc: new Date(Date.now() + this.#deps.leaseDurationMs).toISOString(),
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
        leaseExpiresUtc: assignment.leaseExpiresUtc,
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
    const outcome = await runFlow({
      flow: snapshot.flow,
      flowRunId: runId,
      inputData: run.inputData,
      metadata: snapshot.metadata ?? null,
      resolveStep: (key) => snapshot.steps[key] ?? null,
      providers,
      newStepRunId: () => newId('stepRun'),
      signal,
      onStep: async (report: StepRunReport) => {
        // The step that was running when its tenant was deleted is not recorded: nothing of the
        // tenant may be written after its deletion began.
        if (closed()) return;
        await stepRuns.create({
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
        });
      },
    });
    if (closed()) {
      this.completions.completed(runId);
      return;
    }
    const completedUtc = now();
    const dispatchState =
      outcome.state === 'Succeeded' ? 'Completed' : outcome.state === 'Cancelled' ? 'Cancelled' : 'Failed';
    await runs.updateWhere(
      { id: runId },
      {
        state: outcome.state,
        dispatchState,
        outputData: outcome.outputData,
        errorMessage: outcome.errorMessage,
        completedUtc,
      },
    );
    await repositories.runAssignments.updateWhere(
      { id: assignment.id },
      { state: outcome.state === 'Succeeded' ? 'Succeeded' : outcome.state, completedUtc },
    );
    this.completions.completed(runId, (await runs.get(runId)) ?? undefined);
  }
}
