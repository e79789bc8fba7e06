import {
  type AssignAckFrame,
  type FlowRunExecutionPlan,
  type FlowRunRecord,
  LOCAL_SERVER_WORKER_ID,
  type TempoSettings,
  type WireAssignment,
  type WireCompletion,
} from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { Logger } from '@tempo/core/logging';
import { op, type Repositories } from '@tempo/core/store';
import { currentTraceFields, type TraceFields, withTraceFields } from '@tempo/core/telemetry';
import type { RunCompletions } from '../runs/run-completions.ts';
import { attemptStateOf, endFieldsOf, type RunEnd } from '../runs/run-end.ts';
import type { RunDispatch } from '../runs/run-service.ts';
import { RUN_END_RETRY, retryStoreWrite } from '../runs/store-retry.ts';
import { type ActivityEntry, recordActivity } from '../workers/worker-activity.ts';
import type { LiveWorkerSession, WorkerSessions } from '../workers/worker-sessions.ts';
import { completionMismatch, type IssuedAssignment, stepRunsToStore } from './completion-check.ts';
import { PendingRuns } from './pending-runs.ts';
import { type ExecutorView, isEligible, placeRun } from './placement.ts';
import { buildExecutionPlan, PlanBuildError, stampBudget } from './plan-builder.ts';
import type { SchedulerGuard } from './scheduler-guard.ts';

/** How the server's own pseudo-worker is reached: the run service's local execution. */
export interface LocalExecution {
  /** Whether a run of this tenant started now would start at once. */
  hasFreeSlot(tenantId: string): boolean;
  /** Runs executing in this process now. */
  runCount(): number;
  /** Claims a queued run for the pseudo-worker and executes it in this process. */
  execute(tenantId: string, runId: string): void;
}

/** What the coordinator is built from. */
export interface DispatchCoordinatorOptions {
  readonly repositories: Repositories;
  readonly sessions: WorkerSessions;
  readonly engine: Pick<
    TempoSettings['engine'],
    | 'serverCanExecuteWorkload'
    | 'queueEnabled'
    | 'pollIntervalMs'
    | 'leaseDurationMs'
    | 'maxAssignmentAttempts'
    | 'loadBalancingStrategy'
    | 'maxRunOutputBytes'
    | 'workerHeartbeatTimeoutMs'
  >;
  readonly local: LocalExecution;
  readonly completions: RunCompletions;
  readonly log: Logger;
  /**
   * The single-scheduler rule (spec §9), asked at start and on every pass; null = this server is
   * the only one on its database (it always schedules).
   */
  readonly guard: SchedulerGuard | null;
}

/** Why an open attempt was taken back (spec §7.1), with the words of the final failure. */
export const RecoveryReason = {
  workerDisconnected: { eventType: 'worker_disconnected', words: 'the worker disconnected' },
  leaseExpired: { eventType: 'lease_expired', words: 'its lease expired' },
  rejected: { eventType: 'assignment_rejected', words: 'the worker rejected it' },
  undelivered: { eventType: 'assignment_undelivered', words: 'it could not be sent to the worker' },
} as const;
type RecoveryReason = (typeof RecoveryReason)[keyof typeof RecoveryReason];

/** Queued runs looked at per placement pass; the rest wait for the next pass. */
const PASS_BATCH = 256;

const nowUtc = () => new Date().toISOString();

/**
 * The one writer of run placement (spec §6, §7): keeps the FIFO of pending runs, builds each
 * run's execution plan, places it on a remote worker or the pseudo-worker, issues remote
 * assignments, applies their completions and recovers the attempts of lost sessions and expired
 * leases. Every mutation runs through one in-process gate, one at a time.
 *
 * Until a remote worker connects (and while the server executes workload itself), it stays out of
 * the run path: {@link routesRuns} is false and runs start as they always have.
 */
export class DispatchCoordinator implements RunDispatch {
  readonly #options: DispatchCoordinatorOptions;
  readonly #pending = new PendingRuns();
  readonly #open = new Map<string, IssuedAssignment>();
  /** Sessions a frame could not be sent to: their socket is gone, their close not yet handled. */
  readonly #unreachable = new Set<string>();
  /** The last waiting reason recorded per run, so a waiting run is recorded once per reason. */
  readonly #waiting = new Map<string, string>();
  /**
   * The trace context of the call that queued each run (spec §3.1), handed to its executor: the
   * `assign` frame's `traceParent`/`traceState`, or the active context of a pseudo-worker run.
   * Kept only while telemetry traces that call; a run loaded from the database has none.
   */
  readonly #traces = new Map<string, TraceFields>();
  #gate: Promise<void> = Promise.resolve();
  #passQueued = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  /**
   * Whether this server holds the scheduler role now (spec §9). Until it does, it recovers no
   * attempt and places no run; each time it takes the role it adopts what other servers left.
   */
  #scheduling = false;
  readonly #uninstall: (() => void)[] = [];

  constructor(options: DispatchCoordinatorOptions) {
    this.#options = options;
  }

  /**
   * Installs the session handlers, loads the queued runs oldest first and starts the placement
   * loop. When no other server on the database is live, it also takes back the remote attempts
   * that earlier servers (a previous life of this one included) left open; otherwise it stays
   * API-only until they are gone (spec §9).
   */
  async start(): Promise<void> {
    const { sessions, engine } = this.#options;
    this.#uninstall.push(
      sessions.onRunCompleted((completion, session) =>
        this.#serial(() => this.#complete(completion, session)),
      ),
      sessions.onAssignAck((ack, session) => this.#serial(() => this.#acknowledged(ack, session))),
      sessions.onSessionClosed((session) => this.#serial(() => this.#sessionClosed(session))),
    );
    await this.#serial(async () => {
      await this.#loadQueued();
      await this.#checkStanding();
    });
    this.#timer = setInterval(() => {
      void this.#serial(() => this.#checkStanding());
      this.#sweepLeases();
      if (this.#pending.size > 0) this.kick();
    }, engine.pollIntervalMs);
    this.#timer.unref();
    this.kick();
  }

  /**
   * Stops placing runs. The session handlers stay, so the sessions ended by the server's stop
   * still hand their open attempts back (queued again for the next start).
   */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Removes the session handlers (a coordinator replaced in tests). */
  detach(): void {
    for (const uninstall of this.#uninstall.splice(0)) uninstall();
  }

  /** @inheritdoc */
  routesRuns(): boolean {
    return (
      !this.#options.engine.serverCanExecuteWorkload ||
      this.#pending.size > 0 ||
      this.#options.sessions.live().length > 0
    );
  }

  /** @inheritdoc */
  enqueued(run: FlowRunRecord): void {
    // Called in the enqueuing call's context: with telemetry off there is no span and nothing kept.
    const trace = currentTraceFields();
    if (trace.traceParent) this.#traces.set(run.id, trace);
    this.#pending.add(run);
    this.kick();
  }

  /** @inheritdoc */
  capacityFreed(): void {
    if (this.#pending.size > 0) this.kick();
  }

  /** Asks for a placement pass; passes asked for while one is queued are one pass. */
  kick(): void {
    if (this.#passQueued || this.#stopped || !this.#options.engine.queueEnabled) return;
    this.#passQueued = true;
    void this.#serial(async () => {
      this.#passQueued = false;
      // API-only: the run stays `Queued` in the database for whichever server schedules.
      if (this.#scheduling) await this.#placePending();
    });
  }

  /** Puts every run stored `Queued` into the FIFO (runs already there keep their place). */
  async #loadQueued(): Promise<void> {
    const queued = await this.#options.repositories.flowRuns.findAcrossTenants({ state: 'Queued' }, 100_000);
    for (const run of queued) this.#pending.add(run);
  }

  /**
   * Asks the guard whether this server may schedule (spec §9). On taking the role it adopts the
   * work other servers left: the queued runs they took in, and their open remote attempts, which
   * no live session of a live server holds any more, are taken back (`worker_disconnected`).
   */
  async #checkStanding(): Promise<void> {
    const { guard } = this.#options;
    const standing = guard ? await guard.standing() : { maySchedule: true, otherLiveIds: [] };
    const taking = standing.maySchedule && !this.#scheduling;
    this.#scheduling = standing.maySchedule;
    if (!standing.maySchedule || this.#stopped) return;
    // With duplicate schedulers allowed, others take runs in that only the database shows here.
    if (taking || standing.otherLiveIds.length > 0) await this.#loadQueued();
    if (taking) await this.#adoptOpenAttempts(standing.otherLiveIds.length > 0);
    if (this.#pending.size > 0) this.kick();
  }

  /**
   * Takes back the open remote attempts this server did not issue. With another server live
   * (only under `engine.allowDuplicateScheduler`) an attempt whose session has not ended may be
   * held there and is left alone.
   */
  async #adoptOpenAttempts(othersLive: boolean): Promise<void> {
    const { repositories } = this.#options;
    const open = await repositories.runAssignments.find({
      state: 'Assigned',
      workerId: op.not(LOCAL_SERVER_WORKER_ID),
    });
    for (const assignment of open) {
      const sessionId = assignment.workerSessionId;
      if (this.#open.has(assignment.id) || !sessionId) continue;
      if (othersLive) {
        const session = await repositories.workerSessions.get(sessionId);
        if (session && session.disconnectedUtc === null) continue;
      }
      const [run] = await repositories.flowRuns.findAcrossTenants({ id: assignment.flowRunId }, 1);
      if (!run) continue;
      await this.#recover(
        { ...assignment, ...this.#issuedOf(run, assignment.workerId, sessionId) },
        RecoveryReason.workerDisconnected,
      );
    }
  }

  /** Runs a mutation after every one queued before it; a failure is logged, never thrown. */
  #serial(task: () => Promise<void>): Promise<void> {
    const next = this.#gate.then(task).catch((error: unknown) => {
      this.#options.log.error({ err: error }, 'dispatch coordinator step failed');
    });
    this.#gate = next;
    return next;
  }

  #activity(entry: ActivityEntry): Promise<void> {
    return recordActivity(this.#options.repositories, this.#options.log, entry);
  }

  /** Places pending runs oldest first until one must wait (strict FIFO) or the batch is done. */
  async #placePending(): Promise<void> {
    const { repositories, engine } = this.#options;
    const server = await repositories.workers.get(LOCAL_SERVER_WORKER_ID);
    let recentlySeen: readonly ExecutorView[] | undefined;
    for (let placed = 0; placed < PASS_BATCH && !this.#stopped; placed++) {
      const head = this.#pending.peek();
      if (!head) return;
      const runs = repositories.flowRuns.inTenant(head.tenantId);
      const run = await runs.get(head.id);
      if (run?.state !== 'Queued' || run.dispatchAttempt >= engine.maxAssignmentAttempts) {
        this.#pending.remove(head.id);
        this.#waiting.delete(head.id);
        this.#traces.delete(head.id);
        continue;
      }
      let plan: FlowRunExecutionPlan;
      try {
        const flow = await repositories.dataFlows.inTenant(run.tenantId).get(run.dataFlowId);
        plan = buildExecutionPlan(run, flow?.routingHintLabel ?? null);
      } catch (error) {
        if (!(error instanceof PlanBuildError)) throw error;
        await this.#failQueued(run, error.message, 'plan_build_failed');
        continue;
      }
      const executors = this.#executors(run.tenantId, server);
      // Read once per pass, and only when a run may have nowhere to go.
      recentlySeen ??= executors.some((executor) => isEligible(executor, plan))
        ? undefined
        : await this.#recentlySeenWorkers();
      const decision = placeRun(plan, executors, engine.loadBalancingStrategy, {
        dispatchedBefore: run.dispatchAttempt > 0,
        recentlySeen: recentlySeen ?? [],
      });
      if (decision.kind === 'wait') {
        if (this.#waiting.get(run.id) !== decision.reason) {
          this.#waiting.set(run.id, decision.reason);
          await this.#activity({
            workerId: LOCAL_SERVER_WORKER_ID,
            flowRunId: run.id,
            eventType: 'waiting',
            severity: 'Info',
            message: decision.reason,
          });
        }
        return;
      }
      this.#pending.remove(run.id);
      this.#waiting.delete(run.id);
      if (decision.kind === 'never') await this.#failQueued(run, decision.reason, 'no_eligible_worker');
      else if (decision.executor.kind === 'Server') this.#executeLocally(run);
      else await this.#assign(run, plan, decision.executor.workerId);
    }
    // More is waiting than one pass takes: the next pass follows the work queued meanwhile.
    if (this.#pending.size > 0) this.kick();
  }

  /** Starts a run on the pseudo-worker under the trace of the call that queued it. */
  #executeLocally(run: FlowRunRecord): void {
    const trace = this.#traces.get(run.id);
    this.#traces.delete(run.id);
    const { local } = this.#options;
    if (trace) withTraceFields(trace, () => local.execute(run.tenantId, run.id));
    else local.execute(run.tenantId, run.id);
  }

  /** Every executor of this server, remote workers first in session order, then the pseudo-worker. */
  #executors(tenantId: string, server: { enabled: boolean; drainMode: boolean } | null): ExecutorView[] {
    const counts = new Map<string, number>();
    for (const open of this.#open.values()) counts.set(open.workerId, (counts.get(open.workerId) ?? 0) + 1);
    const live = this.#options.sessions.live();
    const remote = live
      .filter((session) => !this.#unreachable.has(session.workerSessionId))
      .map((session): ExecutorView => {
        const { worker } = session;
        const runCount = Math.max(counts.get(session.workerId) ?? 0, session.activeRuns);
        return {
          workerId: session.workerId,
          kind: 'Worker',
          connected: true,
          enabled: worker.enabled,
          drainMode: worker.drainMode,
          hasFreeSlot: (counts.get(session.workerId) ?? 0) < Math.max(1, worker.maxConcurrentRuns),
          runCount,
          labels: worker.labels,
          capabilities: worker.capabilities,
        };
      });
    if (!this.#options.engine.serverCanExecuteWorkload) return remote;
    const { local } = this.#options;
    return [
      ...remote,
      {
        workerId: LOCAL_SERVER_WORKER_ID,
        kind: 'Server',
        connected: true,
        // The pseudo-worker's persisted flags are re-read every pass (spec §5).
        enabled: server?.enabled ?? true,
        drainMode: server?.drainMode ?? false,
        hasFreeSlot: local.hasFreeSlot(tenantId),
        runCount: local.runCount(),
        labels: [],
        capabilities: [],
      },
    ];
  }

  /**
   * Enabled workers with no live session here whose last heartbeat is within
   * `engine.workerHeartbeatTimeoutMs`, as their rows describe them: a worker restarting after a
   * crash or reconnecting after an unblock is expected back, so runs it could host wait for it.
   */
  async #recentlySeenWorkers(): Promise<ExecutorView[]> {
    const { repositories, sessions, engine } = this.#options;
    const cutoff = new Date(Date.now() - engine.workerHeartbeatTimeoutMs).toISOString();
    const connected = new Set(sessions.live().map((session) => session.workerId));
    const rows = await repositories.workers.find({
      enabled: true,
      kind: 'Worker',
      lastHeartbeatUtc: op.range({ gte: cutoff }),
    });
    return rows
      .filter((row) => !connected.has(row.id))
      .map((row) => ({
        workerId: row.id,
        kind: 'Worker',
        connected: false,
        enabled: true,
        drainMode: row.drainMode,
        hasFreeSlot: false,
        runCount: 0,
        labels: row.labelsJson,
        capabilities: row.capabilitiesJson,
      }));
  }

  /** Fails a run that never got an attempt (plan build failure, no executor could ever host it). */
  async #failQueued(run: FlowRunRecord, message: string, eventType: string): Promise<void> {
    const runs = this.#options.repositories.flowRuns.inTenant(run.tenantId);
    const changed = await runs.updateWhere(
      { id: run.id, state: 'Queued' },
      { state: 'Failed', dispatchState: 'Failed', errorMessage: message, completedUtc: nowUtc() },
    );
    this.#traces.delete(run.id);
    if (changed === 0) return;
    await this.#activity({
      workerId: LOCAL_SERVER_WORKER_ID,
      flowRunId: run.id,
      eventType,
      severity: 'Warning',
      message,
    });
    this.#options.log.warn({ runId: run.id, reason: message }, 'run failed before assignment');
    this.#options.completions.completed(run.id);
  }

  #issuedOf(run: FlowRunRecord, workerId: string, workerSessionId: string) {
    return {
      flowRunId: run.id,
      tenantId: run.tenantId,
      dataFlowId: run.dataFlowId,
      workerId,
      workerSessionId,
    };
  }

  /**
   * Issues a remote attempt (spec §7 step 4): the assignment row, the run claimed from `Queued`
   * onto it, activity `assigned`, then the `assign` frame. A frame that cannot be sent is taken
   * back at once (`assignment_undelivered`) and the run placed again.
   */
  async #assign(run: FlowRunRecord, plan: FlowRunExecutionPlan, workerId: string): Promise<void> {
    const { repositories, sessions, engine, log } = this.#options;
    const session = sessions.session(workerId);
    if (!session) {
      this.#pending.add(run);
      return;
    }
    const assignedUtc = nowUtc();
    const assignedMs = Date.parse(assignedUtc);
    const leaseExpiresUtc = new Date(assignedMs + engine.leaseDurationMs).toISOString();
    const assignment: WireAssignment = {
      id: newId('runAssignment'),
      flowRunId: run.id,
      workerId,
      workerSessionId: session.workerSessionId,
      attemptNumber: run.dispatchAttempt + 1,
      state: 'Assigned',
      leaseToken: newId('tokenNonce'),
      leaseExpiresUtc,
      assignedUtc,
      completedUtc: null,
    };
    const { completedUtc: _open, ...row } = assignment;
    await repositories.runAssignments.create(row);
    const runs = repositories.flowRuns.inTenant(run.tenantId);
    const claimed = await runs.updateWhere(
      { id: run.id, state: 'Queued', dispatchAttempt: run.dispatchAttempt },
      {
        state: 'Running',
        dispatchState: 'Assigned',
        dispatchAttempt: assignment.attemptNumber,
        assignedWorkerId: workerId,
        runAssignmentId: assignment.id,
        executionNodeKind: 'Worker',
        assignedUtc,
        leaseExpiresUtc,
        startedUtc: assignedUtc,
        queueWaitMs: Math.max(0, assignedMs - Date.parse(run.createdUtc)),
      },
    );
    if (claimed === 0) {
      // A cancel won the race: the attempt is closed unused.
      await repositories.runAssignments.update(assignment.id, { state: 'Cancelled', completedUtc: nowUtc() });
      return;
    }
    const issued: IssuedAssignment = {
      ...this.#issuedOf(run, workerId, session.workerSessionId),
      id: assignment.id,
      leaseToken: assignment.leaseToken,
      attemptNumber: assignment.attemptNumber,
      leaseExpiresMs: assignedMs + engine.leaseDurationMs,
    };
    this.#open.set(assignment.id, issued);
    await this.#activity({
      workerId,
      workerSessionId: session.workerSessionId,
      flowRunId: run.id,
      runAssignmentId: assignment.id,
      eventType: 'assigned',
      severity: 'Info',
      message: `attempt ${assignment.attemptNumber} assigned to session ${session.workerSessionId}`,
    });
    const sent = sessions.send(workerId, {
      type: 'assign',
      // The worker's run span continues the trace of the call that queued the run.
      ...this.#traces.get(run.id),
      assignment,
      plan: stampBudget(plan, {
        dispatchAttempt: assignment.attemptNumber,
        runAssignmentId: assignment.id,
        leaseToken: assignment.leaseToken,
        assignedUtc,
        leaseExpiresUtc,
        leaseDurationMs: engine.leaseDurationMs,
      }),
    });
    log.info({ runId: run.id, workerId, runAssignmentId: assignment.id, sent }, 'run assigned to worker');
    // Not delivered means not started: the run is placed again at once (counting the attempt)
    // rather than ended `Exception` as v0.3.0 did. A socket that has just died but whose close is
    // not handled yet would otherwise fail every run placed on it in that moment.
    if (!sent) {
      this.#unreachable.add(session.workerSessionId);
      await this.#recover(issued, RecoveryReason.undelivered);
      this.kick();
    }
  }

  /**
   * An `assign-ack`: recorded as activity. An explicit rejection is taken back at once (rather
   * than waiting for the lease to expire, which the spec allows) and the run is placed again,
   * counting the rejected attempt.
   */
  async #acknowledged(ack: AssignAckFrame, session: LiveWorkerSession): Promise<void> {
    const issued = this.#open.get(ack.runAssignmentId);
    await this.#activity({
      workerId: session.workerId,
      workerSessionId: session.workerSessionId,
      flowRunId: issued?.flowRunId ?? null,
      runAssignmentId: ack.runAssignmentId,
      eventType: 'assign-ack',
      severity: ack.accepted ? 'Info' : 'Warning',
      message: ack.accepted ? 'accepted' : (ack.message ?? 'rejected'),
      payload: ack,
    });
    if (
      ack.accepted ||
      !issued ||
      issued.workerSessionId !== session.workerSessionId ||
      issued.leaseToken !== ack.leaseToken
    )
      return;
    await this.#recover(issued, RecoveryReason.rejected);
    this.kick();
  }

  /** A `run-completed`: applied when it matches its open assignment, `orphan_completion` otherwise. */
  async #complete(completion: WireCompletion, session: LiveWorkerSession): Promise<void> {
    const { repositories, engine } = this.#options;
    const stored = await repositories.runAssignments.get(completion.runAssignmentId);
    const issued = this.#open.get(completion.runAssignmentId);
    // A completion whose lease has passed but whose attempt the sweep has not taken back yet is
    // applied: nobody else holds the run, so it is the run's only outcome, and refusing it would
    // only run the flow again. Once taken back, the attempt is closed and the check refuses it.
    let problem = completionMismatch(completion, session, stored);
    // The tenant and flow come from this server's record of the attempt, never from the frame.
    if (!problem && !issued) problem = 'the assignment was not issued by this server';
    const stepRuns = !problem && issued ? stepRunsToStore(completion, issued) : null;
    if (!problem && !stepRuns) problem = 'the step runs do not belong to the run';
    if (problem || !issued || !stepRuns) {
      await this.#activity({
        workerId: session.workerId,
        workerSessionId: session.workerSessionId,
        flowRunId: completion.flowRunId,
        runAssignmentId: completion.runAssignmentId,
        eventType: 'orphan_completion',
        severity: 'Warning',
        message: `completion ignored: ${problem ?? 'invalid'}`,
        payload: completion,
      });
      return;
    }
    const outputBytes = completion.outputData === null ? 0 : Buffer.byteLength(completion.outputData, 'utf8');
    const end: RunEnd =
      outputBytes > engine.maxRunOutputBytes
        ? {
            state: 'Exception',
            outputData: null,
            errorMessage: `The run's output of ${outputBytes} bytes is larger than engine.maxRunOutputBytes (${engine.maxRunOutputBytes}).`,
          }
        : {
            state: completion.finalState,
            outputData: completion.outputData,
            errorMessage: completion.errorMessage,
          };
    const stepRunTable = repositories.stepRuns.inTenant(issued.tenantId);
    for (const stepRun of stepRuns) await retryStoreWrite(() => stepRunTable.create(stepRun), RUN_END_RETRY);
    await this.#end(issued, end);
  }

  /** Ends an attempt and its run as reported, guarded on the run still being on this attempt. */
  async #end(issued: IssuedAssignment, end: RunEnd): Promise<void> {
    const { repositories, completions } = this.#options;
    const completedUtc = nowUtc();
    this.#open.delete(issued.id);
    this.#traces.delete(issued.flowRunId);
    const runs = repositories.flowRuns.inTenant(issued.tenantId);
    await retryStoreWrite(
      () =>
        runs.updateWhere(
          { id: issued.flowRunId, state: 'Running', runAssignmentId: issued.id },
          { ...endFieldsOf(end, completedUtc), leaseExpiresUtc: null },
        ),
      RUN_END_RETRY,
    );
    await retryStoreWrite(
      () =>
        repositories.runAssignments.updateWhere(
          { id: issued.id, state: 'Assigned' },
          { state: attemptStateOf(end.state), completedUtc },
        ),
      RUN_END_RETRY,
    );
    const stored = await runs.get(issued.flowRunId);
    await this.#activity({
      workerId: issued.workerId,
      workerSessionId: issued.workerSessionId,
      flowRunId: issued.flowRunId,
      runAssignmentId: issued.id,
      eventType: 'execution_completed',
      severity: end.state === 'Succeeded' ? 'Info' : 'Warning',
      message: end.state,
    });
    completions.completed(issued.flowRunId, stored ?? undefined);
    this.kick();
  }

  /** A session ended: each of its open attempts is recovered (`worker_disconnected`). */
  async #sessionClosed(session: LiveWorkerSession): Promise<void> {
    this.#unreachable.delete(session.workerSessionId);
    const lost = [...this.#open.values()].filter((open) => open.workerSessionId === session.workerSessionId);
    for (const open of lost) await this.#recover(open, RecoveryReason.workerDisconnected);
    if (lost.length > 0) this.kick();
  }

  /** Recovers every open attempt whose lease has expired (`lease_expired`), even on a live worker. */
  #sweepLeases(): void {
    // Spec §9: no lease recovery while another server is live.
    if (!this.#scheduling) return;
    const nowMs = Date.now();
    const expired = [...this.#open.values()].filter((open) => open.leaseExpiresMs < nowMs);
    if (expired.length === 0) return;
    void this.#serial(async () => {
      for (const open of expired)
        if (this.#open.has(open.id)) await this.#recover(open, RecoveryReason.leaseExpired);
      this.kick();
    });
  }

  /**
   * Takes an attempt back (spec §7.1): the assignment becomes `LeaseExpired`; the run, when it is
   * still on that attempt, fails once the attempts are used up and is queued again otherwise
   * (placement fields cleared, attempt count kept).
   */
  async #recover(
    open: Pick<
      IssuedAssignment,
      'id' | 'flowRunId' | 'tenantId' | 'workerId' | 'workerSessionId' | 'attemptNumber'
    >,
    reason: RecoveryReason,
  ): Promise<void> {
    const { repositories, engine, completions, log } = this.#options;
    this.#open.delete(open.id);
    const completedUtc = nowUtc();
    const closed = await repositories.runAssignments.updateWhere(
      { id: open.id, state: 'Assigned' },
      { state: 'LeaseExpired', completedUtc },
    );
    if (closed === 0) return;
    const runs = repositories.flowRuns.inTenant(open.tenantId);
    const guard = { id: open.flowRunId, state: 'Running', runAssignmentId: open.id } as const;
    const exhausted = open.attemptNumber >= engine.maxAssignmentAttempts;
    const changed = exhausted
      ? await runs.updateWhere(guard, {
          state: 'Failed',
          dispatchState: 'Failed',
          leaseExpiresUtc: null,
          completedUtc,
          errorMessage: `Maximum assignment attempts reached: Run assignment ${open.id} was recovered after ${reason.words}`,
        })
      : await runs.updateWhere(guard, {
          state: 'Queued',
          dispatchState: 'Pending',
          assignedWorkerId: null,
          runAssignmentId: null,
          assignedUtc: null,
          leaseExpiresUtc: null,
          executionNodeKind: null,
          startedUtc: null,
        });
    await this.#activity({
      workerId: open.workerId,
      workerSessionId: open.workerSessionId,
      flowRunId: open.flowRunId,
      runAssignmentId: open.id,
      eventType: reason.eventType,
      severity: 'Warning',
      message: exhausted ? 'attempts used up: run failed' : 'run queued again',
    });
    log.warn(
      { runId: open.flowRunId, runAssignmentId: open.id, reason: reason.eventType, exhausted },
      'run assignment recovered',
    );
    // A run that ends here, or that is no longer on this attempt, needs its trace no more.
    if (changed === 0 || exhausted) this.#traces.delete(open.flowRunId);
    if (changed === 0) return;
    if (exhausted) {
      completions.completed(open.flowRunId);
      return;
    }
    const run = await runs.get(open.flowRunId);
    if (run) this.#pending.add(run);
  }
}
