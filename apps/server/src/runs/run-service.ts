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
import type { RunLog } from '@tempo/core/run-logs';
import { type Repositories, Tables, withDefaults } from '@tempo/core/store';
import {
  bindToActiveContext,
  disabledTelemetry,
  instrumentProviders,
  type Telemetry,
  traceFlowRun,
} from '@tempo/core/telemetry';
import { ActiveRuns, outcomeAfterStop } from './active-runs.ts';
import { DefinitionCache } from './definition-cache.ts';
import type { ArtifactPinResolver, ExecutionSnapshot } from './execution-snapshot.ts';
import { LocalExecutor } from './local-executor.ts';
import { isTerminal, RunCompletions } from './run-completions.ts';
import { failRun, failureMessageOf, RunStoreError, STEP_RECORD_FAILED } from './run-end.ts';
import { assertRunInputWithin } from './run-input-limit.ts';
import type { RunLogging } from './run-logging.ts';
import { recoverInterruptedRuns } from './run-recovery.ts';
import { DeferredRunRows, type NewAttempt, type RunRows, writtenRunRows } from './run-rows.ts';
import { RunWrites } from './run-writes.ts';
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
  /** `engine.maxConcurrentRunsPerTenant`; 0 or absent = the executor's default share. */
  readonly maxConcurrentRunsPerTenant?: number;
  /** `engine.maxRunInputBytes`: a larger input (data and metadata) is refused with 413. */
  readonly maxRunInputBytes: number;
  /** `engine.maxRunOutputBytes`: a larger final output fails the run; default the engine's. */
  readonly maxRunOutputBytes?: number;
  /** Per-run log files and their prune loop; default none. */
  readonly runLogs?: RunLogging;
  /** Run and step spans and metrics; default none (telemetry off). */
  readonly telemetry?: Telemetry;
}

const now = () => new Date().toISOString();

/**
 * The dispatch coordinator as the run path sees it (apps/server/src/dispatch): while it routes
 * runs (remote workers connected, runs waiting for placement, or the server not executing
 * workload itself), new runs are written `Queued` and handed to it instead of starting here.
 */
export interface RunDispatch {
  /** Whether new runs go through placement rather than straight to this server's slots. */
  routesRuns(): boolean;
  /**
   * A run was written `Queued` and waits for placement: `run` as written, with its flow's routing
   * hint as the run was accepted.
   */
  enqueued(run: FlowRunRecord, routingHintLabel: string | null): void;
  /** A slot of this server's pseudo-worker was freed. */
  capacityFreed(): void;
}

/**
 * Owns run state: enqueues runs with their execution snapshot, executes them on the server's
 * pseudo-worker, records step runs and completions, cancels queued runs, and lets callers wait.
 * It is the only writer of run state.
 */
export class RunService {
  readonly #deps: RunServiceDependencies;
  readonly #executor: LocalExecutor;
  readonly #telemetry: Telemetry;
  /** The providers, each step call traced and measured when telemetry is on. */
  readonly #providers: RuntimeProviders;
  readonly #active = new ActiveRuns();
  /** Runs executing in this process: an open attempt of this server whose run is not here is orphaned. */
  readonly #executing = new Set<string>();
  /** This server's instance row, the owner recorded on the runs it starts; set by {@link recover}. */
  #instance: ServerInstance | null = null;
  /** The placement coordinator, once attached; without one every run executes here. */
  #dispatch: RunDispatch | null = null;
  readonly completions: RunCompletions;
  /** Triggers, flows and execution snapshots as the run path reads them. */
  readonly definitions: DefinitionCache;

  constructor(deps: RunServiceDependencies) {
    this.#deps = deps;
    this.#telemetry = deps.telemetry ?? disabledTelemetry();
    this.#providers = instrumentProviders(deps.providers, this.#telemetry);
    this.#executor = new LocalExecutor({
      concurrency: deps.maxConcurrentRuns,
      perTenant: deps.maxConcurrentRunsPerTenant ?? 0,
    });
    this.completions = new RunCompletions(deps.repositories);
    this.definitions = new DefinitionCache(deps.repositories, (tenantId, artifactId, label) =>
      deps.artifacts.resolvePin(tenantId, artifactId, label),
    );
  }

  /**
   * Hands run placement to the dispatch coordinator. Attach it before {@link recover}: queued
   * runs are then left to it rather than scheduled here.
   */
  attachDispatch(dispatch: RunDispatch): void {
    this.#dispatch = dispatch;
  }

  /**
   * The pseudo-worker as the coordinator drives it: whether a run of a tenant would start now,
   * how many runs execute here, and executing a queued run here.
   */
  readonly local = {
    hasFreeSlot: (tenantId: string): boolean => this.#executor.hasFreeSlot(tenantId),
    runCount: (): number => this.#executor.running,
    execute: (tenantId: string, runId: string): void => this.#schedule(tenantId, runId),
  };

  /** Creates a `Queued` run of a flow with its input as JSON text, and schedules it. */
  async enqueue(
    flow: DataFlowRecord,
    inputData: string | null,
    origin: RunOrigin = {},
  ): Promise<FlowRunRecord> {
    return this.#enqueueRow((await this.#newRun(flow, inputData, origin)).row, flow);
  }

  /** Writes a new run `Queued` and schedules it. */
  async #enqueueRow(row: NewRun, flow: DataFlowRecord): Promise<FlowRunRecord> {
    const runs = this.#deps.repositories.flowRuns.inTenant(row.tenantId);
    const run = await runs.create(row);
    // The tenant may have been deleted while the run was written: its cleanup could have run
    // before this row landed, so the row is removed here rather than left behind.
    if (this.#active.isClosed(row.tenantId)) {
      await runs.delete(run.id);
      throw CommonErrors.notFound('Tenant', row.tenantId);
    }
    if (this.#dispatch?.routesRuns()) this.#dispatch.enqueued(run, flow.routingHintLabel ?? null);
    else this.#schedule(run.tenantId, run.id, run);
    return run;
  }

  /**
   * Starts a run for a caller that waits for its end (a trigger call). With a slot free, the run
   * is written already `Running` and executes at once, its rows issued without waiting for each
   * other (see {@link RunWrites}); otherwise it is queued like {@link enqueue}'s.
   */
  async start(flow: DataFlowRecord, inputData: string | null, origin: RunOrigin = {}): Promise<StartedRun> {
    const { row, snapshot } = await this.#newRun(flow, inputData, origin);
    const { ended, answer } = runAnswer();
    const routed = () => this.#dispatch?.routesRuns() === true;
    // Calls released together (by one shared definition stamp read) start their runs in one
    // burst of microtasks, and a run of built-in steps holds its slot only until that burst is
    // over: a call that finds the slots taken by them waits for the end of the turn rather than
    // queue its run for placement, which would send every later call through the queue too.
    if (!routed() && !this.#executor.hasFreeSlot(flow.tenantId))
      await new Promise((resolve) => setImmediate(resolve));
    if (
      !routed() &&
      this.#executor.hasFreeSlot(flow.tenantId) &&
      this.#startNow(row, { ...snapshot, metadata: origin.metadata ?? null }, answer)
    )
      return { runId: row.id, tenantId: flow.tenantId, ended };
    const queued = await this.#enqueueRow(row, flow);
    return { runId: queued.id, tenantId: flow.tenantId, ended: null };
  }

  /** The row of a new run of `flow`, with the flow's execution snapshot as it is now. */
  async #newRun(
    flow: DataFlowRecord,
    inputData: string | null,
    origin: RunOrigin,
  ): Promise<{ row: NewRun; snapshot: ExecutionSnapshot }> {
    if (this.#active.isClosed(flow.tenantId)) throw CommonErrors.notFound('Tenant', flow.tenantId);
    const metadataJson = JSON.stringify(origin.metadata ?? null) ?? 'null';
    assertRunInputWithin(
      this.#deps.maxRunInputBytes,
      inputData,
      origin.metadata == null ? null : metadataJson,
    );
    const { json, snapshot } = await this.definitions.snapshotOf(flow);
    const row = {
      id: newId('flowRun'),
      tenantId: flow.tenantId,
      dataFlowId: flow.id,
      triggerId: origin.triggerId ?? null,
      triggeredByUserId: origin.triggeredByUserId ?? null,
      sourceIp: origin.sourceIp ?? null,
      inputData,
      executionSnapshotJson: withMetadata(json, metadataJson),
    };
    return { row, snapshot };
  }

  /**
   * Runs a new run in a free slot now: registered as active, its row and its attempt issued and
   * its engine started in this one synchronous step, so a cancel or a tenant deletion sees the
   * execution or is seen by it. False when it may not start here (tenant closed, server stopping).
   */
  #startNow(row: NewRun, snapshot: RunSnapshot, answer: RunAnswer): boolean {
    const execution = this.#active.begin(row.tenantId, row.id);
    if (!execution) return false;
    const { repositories } = this.#deps;
    const writes = new RunWrites();
    const stamp = now();
    const attempt = this.#attemptOf(row.id, stamp);
    const run: FlowRunRecord = withDefaults(Tables.flowRuns, {
      ...row,
      ...claimOf(attempt, 1, 0),
      createdUtc: stamp,
      lastUpdateUtc: stamp,
    });
    const rows = new DeferredRunRows({ repositories, log: this.#deps.log, writes, run, attempt });
    // Still running once this turn is over: written now, so that it is listed while it runs;
    // never once its tenant's deletion has begun.
    setImmediate(() => {
      if (this.#active.isClosed(run.tenantId)) rows.abandon();
      else rows.publish();
    });
    this.#executor.submit(run.tenantId, async (release) => {
      this.#executing.add(run.id);
      try {
        const ended = await this.#executeClaimed(run, rows, execution.signal, release, snapshot);
        // A run whose own row could not be written does not exist: its caller gets the error.
        await rows.written();
        answer.resolve(ended);
      } catch (error) {
        // Every way out settles the caller's answer; none rejects the job (the executor's
        // promise has no one to catch it).
        try {
          answer.resolve(await this.#endFailedStart(run, rows, error));
        } catch (failure) {
          answer.reject(failure);
        }
      } finally {
        // A run that ended without its rows (its tenant deleted) must not be written later.
        rows.abandon();
        release();
        execution.end();
        this.#executing.delete(run.id);
        this.#dispatch?.capacityFreed();
      }
    });
    return true;
  }

  /** Ends a run the engine could not finish: written once as that failure, or failed in place. */
  async #endFailedStart(
    run: FlowRunRecord,
    rows: DeferredRunRows,
    error: unknown,
  ): Promise<FlowRunRecord | null> {
    if (!rows.unwritten) {
      await rows.written();
      return this.#failUnfinished(run.tenantId, run.id, error);
    }
    // Nothing of it is stored yet: it is written once, as the failure it ended in.
    this.#deps.log.error(
      { err: error, runId: run.id },
      'run failed outside the engine; ending it as Exception',
    );
    return rows.end({ state: 'Exception', outputData: null, errorMessage: failureMessageOf(error) });
  }

  /** The waiting caller's end of a started run: how it ended here, or when it did not. */
  async endOf(started: StartedRun, budgetMs: number): Promise<FlowRunRecord | null> {
    const deadline = Date.now() + budgetMs;
    if (started.ended) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), budgetMs);
      });
      const ended = await Promise.race([started.ended, expired]).finally(() => clearTimeout(timer));
      if (ended) return ended;
    }
    return this.completions.wait(started.tenantId, started.runId, Math.max(0, deadline - Date.now()), {
      queuedHere: started.ended === null,
    });
  }

  /** A new attempt of a run on this server's pseudo-worker. */
  #attemptOf(runId: string, assignedUtc: string): NewAttempt {
    return {
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
    };
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
    // v0.3.0 has no in-flight cancel of work on a remote worker (spec §1).
    if (current.executionNodeKind === 'Worker')
      throw CommonErrors.conflict(
        `Run ${run.id} is running on worker ${current.assignedWorkerId ?? 'unknown'}; a run executing on a remote worker cannot be cancelled.`,
        { state: current.state, assignedWorkerId: current.assignedWorkerId },
      );
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
    this.#deps.runLogs?.retention.start();
    await this.sweepInterrupted();
    instance.onHeartbeat(() =>
      this.sweepInterrupted().then(
        () => undefined,
        (error: unknown) => this.#deps.log.error({ err: error }, 'recovery sweep failed'),
      ),
    );
    const { repositories } = this.#deps;
    // The coordinator loads the queued runs itself and places them in order.
    if (this.#dispatch) return;
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
    // Another live server may change definitions: on SQLite its cache then checks the shared stamp.
    this.definitions.shared = live.size > 1;
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
    return this.#active.stopAll(graceMs).finally(() => this.#deps.runLogs?.retention.stop());
  }

  /** This server's run logs, when it keeps them. */
  get runLogs(): RunLogging | null {
    return this.#deps.runLogs ?? null;
  }

  /** Opens the log of a claimed run's attempt, when run logs are on. */
  #openRunLog(run: FlowRunRecord): RunLog | null {
    const writer = this.#deps.runLogs?.writer;
    if (!writer || !run.runAssignmentId) return null;
    return writer.open(
      { runId: run.id, tenantId: run.tenantId, dataFlowId: run.dataFlowId, createdUtc: run.createdUtc },
      {
        attemptNumber: run.dispatchAttempt,
        runAssignmentId: run.runAssignmentId,
        workerId: run.assignedWorkerId ?? LOCAL_SERVER_WORKER_ID,
      },
    );
  }

  /** Queues a run for execution; `queued` is its record when the caller has just written it. */
  #schedule(tenantId: string, runId: string, queued?: FlowRunRecord): void {
    // A queued run starts when another frees its slot: it is traced under whoever queued it.
    this.#executor.submit(
      tenantId,
      bindToActiveContext(async (release: () => void) => {
        // Held until the run's end is written or given up on: until then the sweep leaves it alone.
        this.#executing.add(runId);
        await this.#execute(tenantId, runId, release, queued)
          .catch(async (error: unknown) => {
            await this.#failUnfinished(tenantId, runId, error).catch((cause: unknown) =>
              this.#deps.log.error(
                { err: cause, runId },
                'run could not be marked failed; left to the recovery sweep',
              ),
            );
          })
          .finally(() => {
            this.#executing.delete(runId);
            this.#dispatch?.capacityFreed();
          });
      }),
    );
  }

  /**
   * An engine crash ends the run as `Exception` in our words (the crash itself is logged), never
   * leaves it running.
   */
  async #failUnfinished(tenantId: string, runId: string, error: unknown): Promise<FlowRunRecord | null> {
    const stored = await failRun(
      { repositories: this.#deps.repositories, log: this.#deps.log, tenantId, runId },
      error,
    );
    this.completions.completed(runId, stored ?? undefined);
    return stored;
  }

  /**
   * Executes a queued run, registered as active before its first await so that
   * {@link stopTenant} either sees it or it sees the tenant closed.
   */
  async #execute(
    tenantId: string,
    runId: string,
    release: () => void,
    queued?: FlowRunRecord,
  ): Promise<void> {
    const execution = this.#active.begin(tenantId, runId);
    if (!execution) return;
    try {
      await this.#claimAndExecute(tenantId, runId, execution.signal, release, queued);
    } finally {
      execution.end();
    }
  }

  /** Claims a queued run for this server (unless a cancel won the race) and executes it. */
  async #claimAndExecute(
    tenantId: string,
    runId: string,
    signal: AbortSignal,
    release: () => void,
    queued?: FlowRunRecord,
  ): Promise<void> {
    const { repositories } = this.#deps;
    const runs = repositories.flowRuns.inTenant(tenantId);
    // A record handed over at enqueue may be stale by now; the guarded claim below settles that.
    const run = queued ?? (await runs.get(runId));
    if (run?.state !== 'Queued') return;
    const attempt = this.#attemptOf(runId, now());
    const writes = new RunWrites();
    const claim = claimOf(
      attempt,
      run.dispatchAttempt + 1,
      Date.parse(attempt.assignedUtc) - Date.parse(run.createdUtc),
    );
    writes.issue(() => repositories.runAssignments.create(attempt));
    // Claim the run only if it is still queued: a cancel may have won the race.
    const claimed = await writes.issue(() => runs.updateWhere({ id: runId, state: 'Queued' }, claim));
    await writes.settled();
    if (writes.failure) throw writes.failure.error;
    if (claimed === 0) {
      // A deleted tenant keeps no assignment; a cancel that won the race keeps its record.
      if (this.#active.isClosed(tenantId)) await repositories.runAssignments.delete(attempt.id);
      else await repositories.runAssignments.update(attempt.id, { state: 'Cancelled', completedUtc: now() });
      return;
    }
    const claimedRun = { ...run, ...claim, lastUpdateUtc: attempt.assignedUtc };
    const rows = writtenRunRows({ repositories, log: this.#deps.log, writes, run: claimedRun, attempt });
    const stored = await this.#executeClaimed(claimedRun, rows, signal, release);
    if (stored) this.completions.completed(runId, stored);
  }

  /**
   * Runs the engine over a claimed run, issues its step runs as they end and its end once the
   * engine is done, frees the run's slot as soon as no step is left to execute (the rest is
   * writing), and answers the run as stored, or null when its tenant was deleted meanwhile.
   */
  async #executeClaimed(
    run: FlowRunRecord,
    rows: RunRows,
    signal: AbortSignal,
    release: () => void,
    // The snapshot of a run started here, not parsed back from the text stored for it.
    given?: RunSnapshot,
  ): Promise<FlowRunRecord | null> {
    const { repositories } = this.#deps;
    const providers = this.#providers;
    const { tenantId } = run;
    const closed = () => this.#active.isClosed(tenantId);
    const snapshot = given ?? (JSON.parse(run.executionSnapshotJson ?? '{}') as RunSnapshot);
    const stepRuns = repositories.stepRuns.inTenant(tenantId);
    // Set by the first step record the database refused.
    const stepRecord: { failure: { readonly error: unknown } | null } = { failure: null };
    // Written beside the run and closed with its end; the run never waits for its log.
    const runLog = this.#openRunLog(run);
    const finished = await traceFlowRun(this.#telemetry, run, () =>
      runFlow({
        flow: snapshot.flow,
        flowRunId: run.id,
        inputData: run.inputData,
        metadata: snapshot.metadata ?? null,
        resolveStep: (key) => snapshot.steps[key] ?? null,
        providers: runLog ? runLog.providers(providers) : providers,
        newStepRunId: () => newId('stepRun'),
        signal,
        ...(this.#deps.maxRunOutputBytes ? { maxOutputBytes: this.#deps.maxRunOutputBytes } : {}),
        onStep: async (report: StepRunReport) => {
          runLog?.stepEnded(report);
          // A step record that could not be written stops the run at the next step.
          if (stepRecord.failure) throw new RunStoreError(STEP_RECORD_FAILED, stepRecord.failure.error);
          // The step that was running when its tenant was deleted is not recorded: nothing of the
          // tenant may be written after its deletion began.
          if (closed()) return;
          const written = rows.step(() =>
            stepRuns.create({
              id: report.stepRunId,
              flowRunId: run.id,
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
            }),
          );
          written.catch((error: unknown) => {
            stepRecord.failure ??= { error };
            this.#deps.log.error(
              { err: error, runId: run.id, stepRunId: report.stepRunId },
              'step run could not be stored',
            );
          });
        },
      }),
    ).catch((error: unknown) => {
      void runLog?.close({ state: 'Exception', errorMessage: failureMessageOf(error), steps: 0 });
      throw error;
    });
    release();
    const outcome = outcomeAfterStop(signal, finished);
    void runLog?.close(outcome);
    if (closed()) return null;
    const target = { repositories, log: this.#deps.log, tenantId, runId: run.id };
    const stored = await rows.end(outcome);
    if (!stepRecord.failure) return stored;
    // The end shared a commit with the step record that was refused: the end is replaced.
    const failed = await failRun(
      target,
      new RunStoreError(STEP_RECORD_FAILED, stepRecord.failure.error),
      stored?.state === 'Running' || stored?.state === 'Queued' ? undefined : stored?.state,
    );
    this.completions.completed(run.id, failed ?? undefined);
    return failed;
  }
}

/** A new run's row before it is written. */
type NewRun = Pick<
  FlowRunRecord,
  | 'id'
  | 'tenantId'
  | 'dataFlowId'
  | 'triggerId'
  | 'triggeredByUserId'
  | 'sourceIp'
  | 'inputData'
  | 'executionSnapshotJson'
>;

/** What a run executes, with the metadata it was started with (as stored on the run). */
type RunSnapshot = ExecutionSnapshot & { readonly metadata?: unknown };

/** How a started run's waiting caller is answered. */
interface RunAnswer {
  resolve(run: FlowRunRecord | null): void;
  reject(error: unknown): void;
}

/** A promise of a run's end and the means to settle it. */
const runAnswer = (): { ended: Promise<FlowRunRecord | null>; answer: RunAnswer } => {
  const answer: RunAnswer = { resolve: () => {}, reject: () => {} };
  const ended = new Promise<FlowRunRecord | null>((resolve, reject) => {
    answer.resolve = resolve;
    answer.reject = reject;
  });
  return { ended, answer };
};

/** A run started for a waiting caller. */
export interface StartedRun {
  readonly runId: string;
  readonly tenantId: string;
  /**
   * The run as stored once it ended in this process (null when it was not ended here: its
   * tenant deleted, say); null itself when the run was queued, and then the caller polls.
   * Rejects when the run's row could not be written.
   */
  readonly ended: Promise<FlowRunRecord | null> | null;
}

/** The fields that make a run `Running` on an attempt of this server. */
const claimOf = (attempt: NewAttempt, dispatchAttempt: number, queueWaitMs: number) =>
  ({
    state: 'Running',
    dispatchState: 'Assigned',
    dispatchAttempt,
    assignedWorkerId: LOCAL_SERVER_WORKER_ID,
    runAssignmentId: attempt.id,
    executionNodeKind: 'Server',
    assignedUtc: attempt.assignedUtc,
    leaseExpiresUtc: null,
    startedUtc: attempt.assignedUtc,
    queueWaitMs,
  }) as const;

/**
 * The stored snapshot text of a run: the flow's cached snapshot JSON with the run's metadata (as
 * JSON) as its last member, as `JSON.stringify({ ...snapshot, metadata })` would write it,
 * without serialising the snapshot again for every run.
 */
const withMetadata = (snapshotJson: string, metadataJson: string): string =>
  `${snapshotJson.slice(0, -1)},"metadata":${metadataJson}}`;
