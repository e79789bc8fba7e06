import {
  type AssignAckFrame,
  type FlowRunExecutionPlan,
  type FlowRunRecord,
  LOCAL_SERVER_WORKER_ID,
  type RunAssignmentState,
  type TempoSettings,
  type WireAssignment,
  type WireCompletion,
} from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { Logger } from '@tempo/core/logging';
import { inWriteLane, op, type Repositories } from '@tempo/core/store';
import { currentTraceFields, type TraceFields, withTraceFields } from '@tempo/core/telemetry';
import type { RunCompletions } from '../runs/run-completions.ts';
import { attemptStateOf, endFieldsOf, type RunEnd, STEP_RECORD_FAILED } from '../runs/run-end.ts';
import type { RunDispatch } from '../runs/run-service.ts';
import { RUN_END_RETRY, retryStoreWrite } from '../runs/store-retry.ts';
import { type ActivityEntry, assignAckEntry, orphanCompletionEntry } from '../workers/worker-activity.ts';
import { DisconnectReason, type LiveWorkerSession, type WorkerSessions } from '../workers/worker-sessions.ts';
import { ActivityTrail } from './activity-trail.ts';
import {
  completionMismatch,
  type IssuedAssignment,
  type StepRunInsert,
  type StoredAssignment,
  stepRunsToStore,
} from './completion-check.ts';
import { type PendingRun, PendingRuns } from './pending-runs.ts';
import { couldHost, type ExecutorView, placeRun } from './placement.ts';
import { PlanBuildError, stampBudget } from './plan-builder.ts';
import { PlanCache } from './plan-cache.ts';
import type { SchedulerRole } from './scheduler-role.ts';

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
   * The scheduler role among the servers sharing the database, asked before every placement and
   * on every pass; null = this server is the only one on its database (it always schedules).
   */
  readonly role: SchedulerRole | null;
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

/**
 * How long after this server queued a run its first placement may use the run as written and
 * the routing hint it was accepted with, instead of reading both: the claim is guarded on the
 * run still being `Queued` on its attempt count, so a run cancelled meanwhile is never started,
 * and a flow's label edited within this time applies from the next run on (as any edit of a
 * definition applies to the next call).
 */
const FRESH_RUN_MS = 1000;

/**
 * Most characters of run input and snapshot kept as written for first looks (a run carries both,
 * up to `engine.maxRunInputBytes` of input); runs queued past it are read, as any other.
 */
const MAX_FRESH_CHARS = 16 * 1024 * 1024;

const charsOf = (run: FlowRunRecord): number =>
  (run.inputData?.length ?? 0) + (run.executionSnapshotJson?.length ?? 0);

/**
 * How far back each pass looks for runs other servers queued: a run is written with its creation
 * time before it commits, so one committed a little late must still fall in the next look.
 */
const QUEUED_LOOKBACK_MS = 60_000;

/** Most runs queued elsewhere loaded by one pass; more are found by the passes after it. */
const QUEUED_LOAD_LIMIT = 1000;

/** Why a session row that no live session holds any more was ended by a new scheduler. */
const SCHEDULER_CHANGED = 'scheduler_changed';

const nowUtc = () => new Date().toISOString();
/** The write lane of the attempts and claims a placement pass issues. */
const DISPATCH_WRITE_LANE = 'dispatch';

/**
 * Refused reports one session may send free of its worker's budget of refused frames: at most
 * one per attempt issued to it, and no more than this.
 */
const MAX_FREE_REFUSALS = 10_000;

/** A flow as a pass keys it: flows are read across tenants, and only a run's own tenant matches. */
const flowKey = (tenantId: string, dataFlowId: string) => `${tenantId}/${dataFlowId}`;

/**
 * What one placement pass has read: each looked-at run (null: gone), its flow's routing hint, and
 * for runs taken as written, the routing hint each was accepted with.
 */
interface PassReads {
  readonly runs: Map<string, FlowRunRecord | null>;
  readonly routingHints: Map<string, string | null>;
  readonly acceptedHints: Map<string, string | null>;
}

/** An accepted completion: its attempt, the end it reports and its step runs as stored. */
interface CompletionToApply {
  readonly issued: OpenAttempt;
  readonly end: RunEnd;
  readonly stepRuns: readonly StepRunInsert[];
  /** When the completion reached this server: the run's end and the moment its slot was freed. */
  readonly completedUtc: string;
}

/**
 * An open remote attempt. Once its claim has landed it keeps the run as the claim left it, so the
 * run's end can wake the waiting caller without reading the row back: a guarded end that changed
 * the row proves nothing else changed the run since the claim.
 */
type OpenAttempt = IssuedAssignment & { readonly claimed?: FlowRunRecord };

/**
 * A `run-completed` frame waiting to be applied, with what the checks on its arrival found
 * (none of them needs the database).
 */
interface ArrivedCompletion {
  readonly completion: WireCompletion;
  readonly session: LiveWorkerSession;
  /** The open attempt it names, reported by that attempt's worker; null when none of this server's. */
  readonly open: OpenAttempt | null;
  /** Its step runs as they will be stored; null when they do not belong to the attempt's run. */
  readonly stepRuns: StepRunInsert[] | null;
  /** Whether it freed the attempt's slot on arrival (the attempt is then no longer open here). */
  readonly released: boolean;
  readonly arrivedUtc: string;
}

/** An open attempt as the store holds it until it ends, for the completion check on arrival. */
const asStoredOpen = (open: OpenAttempt): StoredAssignment => ({
  id: open.id,
  flowRunId: open.flowRunId,
  workerId: open.workerId,
  workerSessionId: open.workerSessionId,
  leaseToken: open.leaseToken,
  state: 'Assigned',
  completedUtc: null,
});

/** The fields a claim sets on a run taken from `Queued` onto an attempt. */
const claimFieldsOf = (run: FlowRunRecord, assignment: WireAssignment) =>
  ({
    state: 'Running',
    dispatchState: 'Assigned',
    dispatchAttempt: assignment.attemptNumber,
    assignedWorkerId: assignment.workerId,
    runAssignmentId: assignment.id,
    executionNodeKind: 'Worker',
    assignedUtc: assignment.assignedUtc,
    leaseExpiresUtc: assignment.leaseExpiresUtc,
    startedUtc: assignment.assignedUtc,
    queueWaitMs: Math.max(0, Date.parse(assignment.assignedUtc) - Date.parse(run.createdUtc)),
  }) as const;

/** A run this server has just queued, as written, for the first pass that looks at it. */
interface FreshRun {
  readonly run: FlowRunRecord;
  readonly routingHintLabel: string | null;
  readonly queuedMs: number;
}

/** A remote attempt decided by a pass, holding its slot, not yet written. */
interface ReservedAttempt {
  readonly run: FlowRunRecord;
  readonly plan: FlowRunExecutionPlan;
  readonly assignment: WireAssignment;
  readonly issued: IssuedAssignment;
}

/** What a waiting head run's decision rests on: the run and what each executor may take now. */
const waitKeyOf = (runId: string, executors: readonly ExecutorView[]): string =>
  [
    runId,
    ...executors.map(
      (executor) => `${executor.workerId}:${executor.enabled}:${executor.drainMode}:${executor.hasFreeSlot}`,
    ),
  ].join('|');

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
  readonly #plans = new PlanCache();
  readonly #open = new Map<string, OpenAttempt>();
  /** Per live session, its attempts whose first refused report was recorded free (see #recordsRefusal). */
  readonly #refusedOnce = new Map<string, Set<string>>();
  /** Open attempts whose first `assign-ack` acceptance has arrived (see #acknowledged). */
  readonly #acceptedOnce = new WeakSet<OpenAttempt>();
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
  /**
   * The activity trail, written in bursts. It is history, not control, so the gate does not wait
   * for it: only a run's end waits, so that a caller woken by it sees the whole trail.
   */
  readonly #trail: ActivityTrail;
  /**
   * Completions received in this turn of the event loop: applied together right after it, with
   * writes that cost a few round trips whatever their number.
   */
  #arrived: ArrivedCompletion[] = [];
  /** Settles once the reports of the latest turn are applied (never rejects). */
  #arrivedApplied: Promise<void> = Promise.resolve();
  /**
   * Runs queued here moments ago, by id, in queueing order, until a pass takes them from the FIFO
   * or they are older than {@link FRESH_RUN_MS}.
   */
  readonly #fresh = new Map<string, FreshRun>();
  #freshChars = 0;
  /**
   * The head run and executors of the last pass that ended waiting. A pass asked for while both
   * are unchanged (a run queued behind the head) would read the same rows to decide the same;
   * the poll forgets it, so every `pollIntervalMs` a pass takes a full look.
   */
  #waitKey: string | null = null;
  #passQueued = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  /**
   * Whether this server acted as the scheduler at its last look at the role. Until it does, it
   * recovers no attempt and places no run; each time it takes the role it adopts what other
   * servers left, and when it loses it, it lets its worker sessions go.
   */
  #scheduling = false;
  readonly #uninstall: (() => void)[] = [];

  constructor(options: DispatchCoordinatorOptions) {
    this.#options = options;
    this.#trail = new ActivityTrail(options.repositories, options.log);
  }

  /**
   * Installs the session handlers and starts the placement loop. While this server holds the
   * scheduler role it loads the queued runs oldest first and takes back the remote attempts that
   * earlier holders (a previous life of this one included) left open; without the role it serves
   * the API only, and its sessions hub refuses workers.
   */
  async start(): Promise<void> {
    const { sessions, engine, role } = this.#options;
    this.#uninstall.push(
      sessions.onRunCompleted((completion, session) => this.#arrive(completion, session)),
      sessions.onAssignAck((ack, session) => this.#acknowledged(ack, session)),
      sessions.onSessionClosed((session, reason) => this.#serial(() => this.#sessionClosed(session, reason))),
    );
    sessions.admitWhen(() => this.#holdsRole());
    if (role) this.#uninstall.push(role.onChange(() => void this.#serial(() => this.#checkStanding())));
    await this.#serial(() => this.#checkStanding());
    this.#timer = setInterval(() => {
      // Outside the gate: a worker blocked through another server ends its session here, and
      // that end comes back through the gate.
      void this.#serial(() => this.#checkStanding()).then(() =>
        this.#scheduling ? sessions.applyStoredFlags() : undefined,
      );
      this.#sweepLeases();
      this.#waitKey = null;
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
  enqueued(run: FlowRunRecord, routingHintLabel: string | null): void {
    // Without the role the run waits `Queued` in the database, where the scheduler's next pass
    // finds it.
    if (!this.#scheduling) return;
    const chars = charsOf(run);
    this.#dropStaleFresh(Date.now());
    if (this.#freshChars + chars <= MAX_FRESH_CHARS) {
      this.#fresh.set(run.id, { run, routingHintLabel, queuedMs: Date.now() });
      this.#freshChars += chars;
    }
    // Called in the enqueuing call's context: with telemetry off there is no span and nothing kept.
    const trace = currentTraceFields();
    if (trace.traceParent) this.#traces.set(run.id, trace);
    this.#pending.add(run);
    this.kick();
  }

  /** Forgets the runs queued longer than {@link FRESH_RUN_MS} ago (the map is in queueing order). */
  #dropStaleFresh(nowMs: number): void {
    for (const [runId, fresh] of this.#fresh) {
      if (nowMs - fresh.queuedMs <= FRESH_RUN_MS) return;
      this.#forgetFresh(runId);
    }
  }

  #forgetFresh(runId: string): void {
    const fresh = this.#fresh.get(runId);
    if (!fresh) return;
    this.#fresh.delete(runId);
    this.#freshChars -= charsOf(fresh.run);
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
      if (this.#scheduling && this.#holdsRole()) await this.#placePending();
    });
  }

  #holdsRole(): boolean {
    return this.#options.role?.holds ?? true;
  }

  /**
   * Puts the runs stored `Queued` into the FIFO (runs already there keep their place): every one
   * when `all`, else those created within {@link QUEUED_LOOKBACK_MS}, which is how runs other
   * servers take in reach the scheduler (read through the dispatch-state index, so cheap).
   */
  async #loadQueued(all: boolean): Promise<void> {
    const { flowRuns } = this.#options.repositories;
    const queued = all
      ? await flowRuns.findAcrossTenants({ state: 'Queued' }, 100_000)
      : await flowRuns.findAcrossTenants(
          {
            dispatchState: 'Pending',
            state: 'Queued',
            createdUtc: op.range({ gte: new Date(Date.now() - QUEUED_LOOKBACK_MS).toISOString() }),
          },
          QUEUED_LOAD_LIMIT,
        );
    for (const run of queued) this.#pending.add(run);
  }

  /**
   * Follows the scheduler role. On taking it this server adopts the work other servers left: every
   * queued run, and the open remote attempts that no live session here holds (their sessions are
   * ended in the database and the attempts taken back, `worker_disconnected`). On losing it, it
   * closes its worker sessions (`not the scheduler`) without taking their attempts back: the next
   * holder adopts them. While it holds the role, each pass loads the runs other servers queued and
   * applies the admin changes other servers wrote to its workers' rows.
   */
  async #checkStanding(): Promise<void> {
    const holds = this.#holdsRole();
    const taking = holds && !this.#scheduling;
    const losing = !holds && this.#scheduling;
    this.#scheduling = holds;
    if (losing) {
      this.#pending.clear();
      this.#fresh.clear();
      this.#freshChars = 0;
      this.#waiting.clear();
      this.#traces.clear();
      // Not awaited: each ended session is handed back to this gate, behind this step.
      void this.#options.sessions.closeAll(DisconnectReason.notScheduler);
      return;
    }
    if (!holds || this.#stopped) return;
    // Alone on the database, every queued run went through this server: a run its own slots
    // queue must not be pulled into this path (it would route the hot path through here).
    if (taking || (await this.#othersLive())) await this.#loadQueued(taking);
    if (taking) await this.#adoptOpenAttempts();
    if (this.#pending.size > 0) this.kick();
  }

  /** Whether another server on the database had a heartbeat within {@link QUEUED_LOOKBACK_MS}. */
  async #othersLive(): Promise<boolean> {
    const { role, repositories } = this.#options;
    if (!role) return false;
    const others = await repositories.serverInstances.find(
      {
        id: op.not(role.instanceId),
        lastHeartbeatUtc: op.range({ gte: new Date(Date.now() - QUEUED_LOOKBACK_MS).toISOString() }),
      },
      { limit: 1 },
    );
    return others.length > 0;
  }

  /**
   * Takes back the open remote attempts this server did not issue. Under
   * `engine.allowDuplicateScheduler` another server may hold an attempt whose session has not
   * ended, so those are left alone; otherwise only the role's holder has sessions, so every
   * session row not live here is ended first.
   */
  async #adoptOpenAttempts(): Promise<void> {
    const { repositories, sessions, role } = this.#options;
    const duplicates = role?.withoutLease ?? false;
    const liveHere = new Set(sessions.live().map((session) => session.workerSessionId));
    if (!duplicates) {
      const stale = await repositories.workerSessions.find({ disconnectedUtc: null });
      for (const row of stale)
        if (!liveHere.has(row.id))
          await repositories.workerSessions.updateWhere(
            { id: row.id, disconnectedUtc: null },
            { disconnectedUtc: nowUtc(), disconnectReason: SCHEDULER_CHANGED },
          );
    }
    const open = await repositories.runAssignments.find({
      state: 'Assigned',
      workerId: op.not(LOCAL_SERVER_WORKER_ID),
    });
    for (const assignment of open) {
      const sessionId = assignment.workerSessionId;
      if (this.#open.has(assignment.id) || !sessionId || liveHere.has(sessionId)) continue;
      if (duplicates) {
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

  /** Appends to the activity trail after the entries recorded before it; never rejects. */
  #activity(entry: ActivityEntry): Promise<void> {
    return this.#trail.record(entry);
  }

  /**
   * Places pending runs oldest first until one must wait (strict FIFO) or the batch is done. The
   * runs and flows a pass looks at are read together, the decisions are made in memory (each
   * remote one holding its slot at once), and the remote attempts are written together before
   * their `assign` frames leave, so a pass costs a few round trips however many runs it places.
   */
  async #placePending(): Promise<void> {
    const { repositories, engine } = this.#options;
    if (this.#pending.size === 0) return;
    const server = engine.serverCanExecuteWorkload
      ? await repositories.workers.get(LOCAL_SERVER_WORKER_ID)
      : null;
    const read: PassReads = { runs: new Map(), routingHints: new Map(), acceptedHints: new Map() };
    const issuing: ReservedAttempt[] = [];
    let recentlySeen: readonly ExecutorView[] | undefined;
    let full = true;
    try {
      for (let placed = 0; placed < PASS_BATCH && !this.#stopped && this.#holdsRole(); placed++) {
        const head = this.#pending.peek();
        if (!head) {
          full = false;
          break;
        }
        const executorsNow = this.#executors(head.tenantId, server);
        // Once this pass has filled every slot, the next run waits for a completion, whose pass
        // looks at it: reading it now would only delay the frames of the runs placed so far.
        if (placed > 0 && !executorsNow.some((executor) => executor.hasFreeSlot)) {
          full = false;
          break;
        }
        const waitKey = waitKeyOf(head.id, executorsNow);
        if (waitKey === this.#waitKey) {
          full = false;
          break;
        }
        if (!read.runs.has(head.id)) await this.#readAhead(read, server);
        const run = read.runs.get(head.id) ?? null;
        if (run?.state !== 'Queued' || run.dispatchAttempt >= engine.maxAssignmentAttempts) {
          this.#pending.remove(head.id);
          this.#forgetFresh(head.id);
          this.#waiting.delete(head.id);
          this.#traces.delete(head.id);
          continue;
        }
        let plan: FlowRunExecutionPlan;
        try {
          const hint = read.acceptedHints.has(run.id)
            ? read.acceptedHints.get(run.id)
            : read.routingHints.get(flowKey(run.tenantId, run.dataFlowId));
          plan = this.#plans.build(run, hint ?? null);
        } catch (error) {
          if (!(error instanceof PlanBuildError)) throw error;
          await this.#failQueued(run, error.message, 'plan_build_failed');
          continue;
        }
        const executors = this.#executors(run.tenantId, server);
        // Read once per pass, and only when no live executor could ever host the run: only then
        // do they decide between waiting and failing fast.
        recentlySeen ??= executors.some((executor) => couldHost(executor, plan))
          ? undefined
          : await this.#recentlySeenWorkers();
        const decision = placeRun(plan, executors, engine.loadBalancingStrategy, {
          dispatchedBefore: run.dispatchAttempt > 0,
          recentlySeen: recentlySeen ?? [],
        });
        if (decision.kind === 'wait') {
          this.#waitKey = waitKey;
          if (this.#waiting.get(run.id) !== decision.reason) {
            this.#waiting.set(run.id, decision.reason);
            void this.#activity({
              workerId: LOCAL_SERVER_WORKER_ID,
              flowRunId: run.id,
              eventType: 'waiting',
              severity: 'Info',
              message: decision.reason,
            });
          }
          full = false;
          break;
        }
        this.#pending.remove(run.id);
        this.#forgetFresh(run.id);
        this.#waiting.delete(run.id);
        if (decision.kind === 'never') await this.#failQueued(run, decision.reason, 'no_eligible_worker');
        else if (decision.executor.kind === 'Server') this.#executeLocally(run);
        else {
          const reserved = this.#reserve(run, plan, decision.executor.workerId);
          if (reserved) issuing.push(reserved);
        }
      }
    } finally {
      await this.#issue(issuing);
    }
    // More is waiting than one pass takes: the next pass follows the work queued meanwhile.
    if (full && this.#pending.size > 0) this.kick();
  }

  /**
   * Reads the pending runs from the head on, as many as the executors have free slots (at least
   * one, so a run that must wait or fail is still looked at), with the routing hints of their
   * flows: two reads for the runs of a whole pass, none for runs queued here moments ago.
   */
  async #readAhead(read: PassReads, server: { enabled: boolean; drainMode: boolean } | null): Promise<void> {
    const { repositories } = this.#options;
    const head = this.#pending.peek();
    if (!head) return;
    const freeSlots = this.#executors(head.tenantId, server).reduce(
      (sum, executor) => sum + (executor.hasFreeSlot ? this.#freeSlotsOf(executor.workerId) : 0),
      0,
    );
    const window = this.#pending.first(Math.min(PASS_BATCH, Math.max(1, freeSlots)));
    // Runs queued here moments ago are placed as written; only the others are read.
    const nowMs = Date.now();
    const unread: PendingRun[] = [];
    for (const run of window) {
      const fresh = this.#fresh.get(run.id);
      // Kept until the run leaves the FIFO: a run first looked at while every slot was taken
      // (the usual case under load) is placed a cycle later, still without a read.
      if (!fresh || nowMs - fresh.queuedMs > FRESH_RUN_MS) {
        this.#forgetFresh(run.id);
        unread.push(run);
        continue;
      }
      read.runs.set(run.id, fresh.run);
      read.acceptedHints.set(run.id, fresh.routingHintLabel);
    }
    const flowIds = [
      ...new Set(
        unread
          .filter((run) => !read.routingHints.has(flowKey(run.tenantId, run.dataFlowId)))
          .map((run) => run.dataFlowId),
      ),
    ];
    // Both reads at once: the FIFO knows each run's flow.
    const [runs, flows] = await Promise.all([
      unread.length === 0
        ? []
        : repositories.flowRuns.findAcrossTenants({ id: op.in(unread.map((run) => run.id)) }, unread.length),
      flowIds.length === 0
        ? []
        : repositories.dataFlows.findAcrossTenants({ id: op.in(flowIds) }, flowIds.length),
    ]);
    const tenantOf = new Map(unread.map((run) => [run.id, run.tenantId]));
    // The window's tenant is the one the run was queued under; a row of another never matches.
    for (const run of runs) if (tenantOf.get(run.id) === run.tenantId) read.runs.set(run.id, run);
    for (const run of unread) if (!read.runs.has(run.id)) read.runs.set(run.id, null);
    for (const flow of flows)
      read.routingHints.set(flowKey(flow.tenantId, flow.id), flow.routingHintLabel ?? null);
  }

  /** How many more runs an executor takes: the pseudo-worker's own slots count as one per look. */
  #freeSlotsOf(workerId: string): number {
    const session = this.#options.sessions.session(workerId);
    if (!session) return 1;
    let open = 0;
    for (const issued of this.#open.values()) if (issued.workerId === workerId) open += 1;
    return Math.max(1, session.worker.maxConcurrentRuns) - open;
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
   * Decides a remote attempt (spec §7 step 4): the attempt holds its slot from here on, so the
   * rest of the pass sees the worker as it will be; {@link #issue} writes it. Null (the run back
   * in the FIFO) when the worker's session has just gone.
   */
  #reserve(run: FlowRunRecord, plan: FlowRunExecutionPlan, workerId: string): ReservedAttempt | null {
    const { sessions, engine } = this.#options;
    const session = sessions.session(workerId);
    if (!session) {
      this.#pending.add(run);
      return null;
    }
    const assignedUtc = nowUtc();
    const assignedMs = Date.parse(assignedUtc);
    const assignment: WireAssignment = {
      id: newId('runAssignment'),
      flowRunId: run.id,
      workerId,
      workerSessionId: session.workerSessionId,
      attemptNumber: run.dispatchAttempt + 1,
      state: 'Assigned',
      leaseToken: newId('tokenNonce'),
      leaseExpiresUtc: new Date(assignedMs + engine.leaseDurationMs).toISOString(),
      assignedUtc,
      completedUtc: null,
    };
    const issued: IssuedAssignment = {
      ...this.#issuedOf(run, workerId, session.workerSessionId),
      id: assignment.id,
      leaseToken: assignment.leaseToken,
      attemptNumber: assignment.attemptNumber,
      leaseExpiresMs: assignedMs + engine.leaseDurationMs,
    };
    this.#open.set(assignment.id, issued);
    return { run, plan, assignment, issued };
  }

  /**
   * Writes the attempts a pass decided and sends them: the assignment rows in one multi-row
   * insert and each run claimed from `Queued` onto its attempt (guarded on the state and
   * attempt count the pass read), all in one batch, then per claimed run activity `assigned` and the
   * `assign` frame. A run whose claim lost to a cancel (or whose row is gone) has its unused
   * attempt row deleted, since no worker ever saw it; a claim
   * whose outcome is unknown (the write failed) is taken back, which is right either way; a frame
   * that cannot be sent is taken back at once (`assignment_undelivered`) and the run placed again.
   */
  async #issue(reserved: readonly ReservedAttempt[]): Promise<void> {
    if (reserved.length === 0) return;
    const { repositories } = this.#options;
    // The role may have moved while the pass read: a former holder writes nothing. The runs go
    // back to the FIFO, which the loss of the role drops (the next holder loads them, still
    // `Queued`, from the database).
    if (!this.#holdsRole()) {
      for (const { run, issued } of reserved) {
        this.#open.delete(issued.id);
        this.#pending.add(run);
      }
      return;
    }
    // The attempt rows and the claims are issued together, rows first, so the store sends them
    // as one batch: one round trip before the frames leave instead of two. Their lane keeps them
    // from queueing behind a batch of other writes (runs accepted, completions applied): they
    // depend on none still in flight, since a run is queued here only once its row committed.
    const [inserted, ...claims] = await inWriteLane(DISPATCH_WRITE_LANE, () =>
      Promise.allSettled([
        repositories.runAssignments.createMany(
          reserved.map(({ assignment: { completedUtc: _open, ...row } }) => row),
        ),
        ...reserved.map((attempt) => this.#claim(attempt)),
      ]),
    );
    if (inserted?.status === 'rejected') {
      // A batch the database refused is replayed write by write, so a claim may have landed
      // without its attempt row, which no recovery could find: it is undone here.
      await Promise.allSettled(
        reserved.map((attempt, index) => {
          const claim = claims[index];
          return claim?.status === 'fulfilled' && claim.value ? this.#unclaim(attempt) : undefined;
        }),
      );
      for (const { run, issued } of reserved) {
        this.#open.delete(issued.id);
        this.#pending.add(run);
      }
      throw inserted.reason;
    }
    const takeBack: ReservedAttempt[] = [];
    const cancelled: ReservedAttempt[] = [];
    // The pass's frames leave as one write per worker.
    this.#options.sessions.corked(() => {
      for (const [index, attempt] of reserved.entries()) {
        const claim = claims[index];
        if (claim?.status === 'fulfilled' && claim.value) {
          if (this.#open.has(attempt.issued.id))
            this.#open.set(attempt.issued.id, { ...attempt.issued, claimed: claim.value });
          if (!this.#send(attempt)) takeBack.push(attempt);
        } else if (claim?.status === 'fulfilled') cancelled.push(attempt);
        else {
          this.#options.log.warn(
            { err: claim?.reason, runId: attempt.run.id, runAssignmentId: attempt.issued.id },
            'run claim failed; attempt taken back',
          );
          takeBack.push(attempt);
        }
      }
    });
    // A cancel won the race: the attempt was never sent, and goes.
    for (const { issued } of cancelled) {
      this.#open.delete(issued.id);
      await repositories.runAssignments.delete(issued.id);
    }
    for (const { run, issued } of takeBack) {
      await this.#recover(issued, RecoveryReason.undelivered);
      // Queued again by the recovery when the claim had landed; still queued when it had not.
      this.#pending.add(run);
    }
    if (takeBack.length > 0) this.kick();
  }

  /**
   * Claims a run from `Queued` onto its attempt; answers the run as the claim left it, or null
   * when it is no longer there to claim.
   */
  async #claim({ run, assignment }: ReservedAttempt): Promise<FlowRunRecord | null> {
    const fields = claimFieldsOf(run, assignment);
    const claimed = await this.#options.repositories.flowRuns
      .inTenant(run.tenantId)
      .updateWhere({ id: run.id, state: 'Queued', dispatchAttempt: run.dispatchAttempt }, fields);
    return claimed > 0 ? { ...run, ...fields } : null;
  }

  /** Puts a run claimed onto an attempt whose row was never written back as it was before. */
  async #unclaim({ run, assignment }: ReservedAttempt): Promise<void> {
    const claimedFields = Object.keys(claimFieldsOf(run, assignment)) as (keyof FlowRunRecord)[];
    await this.#options.repositories.flowRuns
      .inTenant(run.tenantId)
      .updateWhere(
        { id: run.id, state: 'Running', runAssignmentId: assignment.id },
        Object.fromEntries(claimedFields.map((field) => [field, run[field]])),
      );
  }

  /**
   * Records activity `assigned` and sends the `assign` frame of a claimed attempt; false when the
   * frame could not be sent (its session is then marked unreachable).
   */
  #send({ run, plan, assignment, issued }: ReservedAttempt): boolean {
    const { sessions, engine, log } = this.#options;
    void this.#activity({
      workerId: issued.workerId,
      workerSessionId: issued.workerSessionId,
      flowRunId: run.id,
      runAssignmentId: assignment.id,
      eventType: 'assigned',
      severity: 'Info',
      message: `attempt ${assignment.attemptNumber} assigned to session ${issued.workerSessionId}`,
    });
    const sent = sessions.send(issued.workerId, {
      type: 'assign',
      // The worker's run span continues the trace of the call that queued the run.
      ...this.#traces.get(run.id),
      assignment,
      plan: stampBudget(plan, {
        dispatchAttempt: assignment.attemptNumber,
        runAssignmentId: assignment.id,
        leaseToken: assignment.leaseToken,
        assignedUtc: assignment.assignedUtc,
        leaseExpiresUtc: assignment.leaseExpiresUtc,
        leaseDurationMs: engine.leaseDurationMs,
      }),
    });
    // Debug, not info: under load this was the server's only log line per run and cost a third
    // of a millisecond of its main thread (a synchronous file write); the activity trail's
    // `assigned` entry is the durable record.
    log.debug(
      { runId: run.id, workerId: issued.workerId, runAssignmentId: assignment.id, sent },
      'run assigned to worker',
    );
    // Not delivered means not started: the run is placed again at once (counting the attempt)
    // rather than ended `Exception` as v0.3.0 did. A socket that has just died but whose close is
    // not handled yet would otherwise fail every run placed on it in that moment.
    if (!sent) this.#unreachable.add(issued.workerSessionId);
    return sent;
  }

  /**
   * An `assign-ack`: recorded as activity when it arrives, while its attempt is surely still open
   * (its completion, sent after it, may join a completion step queued before it). An explicit
   * rejection is taken back at once (rather than waiting for the lease to expire, which the spec
   * allows) and the run is placed again, counting the rejected attempt.
   */
  #acknowledged(ack: AssignAckFrame, session: LiveWorkerSession): Promise<void> {
    const issued = this.#open.get(ack.runAssignmentId);
    const own =
      issued !== undefined &&
      issued.workerSessionId === session.workerSessionId &&
      issued.leaseToken === ack.leaseToken;
    const firstAcceptance = own && ack.accepted && !this.#acceptedOnce.has(issued);
    const rejection = own && !ack.accepted;
    // Any other ack (a repeat, or one naming an attempt that is not the session's) is refused:
    // recorded within its worker's budget of such frames only (see WorkerSessions.spendRefusal).
    if (!firstAcceptance && !rejection && !this.#options.sessions.spendRefusal(session))
      return Promise.resolve();
    const recorded = this.#activity(assignAckEntry(ack, session, issued?.flowRunId ?? null));
    if (rejection)
      return this.#serial(async () => {
        await this.#recover(issued, RecoveryReason.rejected);
        this.kick();
      });
    // The first acceptance does not hold the session's next frame (its completion) for the
    // write. A refused ack does, so a worker sending a flood of them is slowed to the pace of the
    // trail's writes and its socket stops being read, instead of the entries piling up in memory.
    if (firstAcceptance) {
      this.#acceptedOnce.add(issued);
      return Promise.resolve();
    }
    return recorded;
  }

  /**
   * A `run-completed` received. A report of the worker's own open attempt frees its slot at once
   * and starts a placement pass; the reports that arrive in one turn of the event loop are then
   * checked against the store and applied together, outside the gate, so neither the next
   * placement nor the session's next frame waits for those writes.
   */
  #arrive(completion: WireCompletion, session: LiveWorkerSession): Promise<void> {
    // Only a report the attempt will take once its row is checked frees the slot (one refused
    // later must not have freed it meanwhile). An attempt released here is no longer swept or
    // recovered with its session: the worker has let go of the run, and this report is its outcome.
    const named = this.#open.get(completion.runAssignmentId) ?? null;
    const open =
      named && completionMismatch(completion, session, asStoredOpen(named)) === null ? named : null;
    const stepRuns = open ? stepRunsToStore(completion, open) : null;
    const released = open !== null && stepRuns !== null && this.#holdsRole();
    if (open && released) {
      this.#open.delete(open.id);
      this.kick();
    }
    this.#arrived.push({ completion, session, open, stepRuns, released, arrivedUtc: nowUtc() });
    if (this.#arrived.length === 1)
      this.#arrivedApplied = new Promise<void>((turnOver) => setImmediate(turnOver))
        // After the placement pass the reports started, whose claims then do not share the
        // database with the reports' read and writes: the freed slots are filled sooner, and a
        // waiting trigger caller is answered about a round trip later.
        .then(() => this.#serial(() => Promise.resolve()))
        .then(() => {
          const arrived = this.#arrived;
          this.#arrived = [];
          return this.#applyArrived(arrived);
        })
        .catch((error: unknown) => this.#options.log.error({ err: error }, 'worker completions not applied'));
    // A report that freed no slot (stale, foreign, refused) holds its session's next frame until
    // it is applied: a worker sending a flood of them is slowed to the pace of their writes, and
    // the session hub stops reading its socket, instead of the reports piling up in memory.
    return released ? Promise.resolve() : this.#arrivedApplied;
  }

  /**
   * Applies completions (each when it matches its open assignment, `orphan_completion`
   * otherwise): one read of their assignments, one multi-row insert of the step runs per tenant,
   * then every run's and attempt's end at once.
   */
  async #applyArrived(arrived: readonly ArrivedCompletion[]): Promise<void> {
    const { repositories } = this.#options;
    let stored: StoredAssignment[];
    try {
      stored = await repositories.runAssignments.find({
        id: op.in([...new Set(arrived.map(({ completion }) => completion.runAssignmentId))]),
      });
    } catch (error) {
      // Unchecked, nothing is applied: the attempts are open again, for their lease to expire
      // and the run to be placed again.
      for (const { open, released } of arrived) if (open && released) this.#open.set(open.id, open);
      throw error;
    }
    const storedById = new Map(stored.map((row) => [row.id, row]));
    const applying = new Map<string, CompletionToApply>();
    const ignored: Promise<void>[] = [];
    for (const arrival of arrived) {
      const { completion, session } = arrival;
      const accepted = this.#accepted(arrival, storedById.get(completion.runAssignmentId) ?? null);
      // Only the first of two reports of one attempt applies: the attempt has ended for the second.
      const problem =
        typeof accepted === 'string'
          ? accepted
          : applying.has(accepted.issued.id)
            ? 'the assignment has already ended'
            : null;
      if (problem === null && typeof accepted !== 'string') {
        applying.set(accepted.issued.id, accepted);
        continue;
      }
      if (this.#recordsRefusal(arrival, storedById.get(completion.runAssignmentId) ?? null))
        ignored.push(
          this.#activity(orphanCompletionEntry(completion, session, `completion ignored: ${problem}`)),
        );
    }
    // The ignored reports' entries are waited for too: their sessions wait for this (see #arrive).
    await Promise.all([
      applying.size > 0 ? this.#applyCompletions([...applying.values()]) : undefined,
      ...ignored,
    ]);
  }

  /**
   * Whether a refused report is recorded. The first report of an attempt issued to this very
   * session that is still open here, or that the server took back (`LeaseExpired`: its lease
   * lapsed, it was refused or not delivered), costs its worker nothing: the attempt's row may be
   * gone (its tenant was deleted) or ended without the worker knowing, and an honest worker
   * with many slots may send many such reports at once. Any other (a repeat, a report of an
   * attempt already reported, one never issued to the session) is spent from the worker's
   * budget.
   */
  #recordsRefusal(arrival: ArrivedCompletion, stored: StoredAssignment | null): boolean {
    const { completion, session, open } = arrival;
    const endedByServer =
      open !== null ||
      (stored !== null &&
        stored.state === 'LeaseExpired' &&
        stored.workerSessionId === session.workerSessionId &&
        stored.leaseToken === completion.leaseToken);
    // Only for a live session: its record is dropped when it closes, and must not come back.
    const live =
      this.#options.sessions.session(session.workerId)?.workerSessionId === session.workerSessionId;
    if (endedByServer && live) {
      let reported = this.#refusedOnce.get(session.workerSessionId);
      if (!reported) {
        reported = new Set();
        this.#refusedOnce.set(session.workerSessionId, reported);
      }
      if (!reported.has(completion.runAssignmentId) && reported.size < MAX_FREE_REFUSALS) {
        reported.add(completion.runAssignmentId);
        return true;
      }
    }
    return this.#options.sessions.spendRefusal(session);
  }

  /** What a completion ends its run with, or why it may not be applied. */
  #accepted(arrival: ArrivedCompletion, stored: StoredAssignment | null): CompletionToApply | string {
    const { engine } = this.#options;
    const { completion, session, open: issued, stepRuns, released, arrivedUtc: completedUtc } = arrival;
    // A completion whose lease has passed but whose attempt the sweep has not taken back yet is
    // applied: nobody else holds the run, so it is the run's only outcome, and refusing it would
    // only run the flow again. Once taken back, the attempt is closed and the check refuses it.
    const problem = completionMismatch(completion, session, stored);
    if (problem) return problem;
    // The tenant and flow come from this server's record of the attempt, never from the frame.
    if (!issued) return 'the assignment was not issued by this server';
    // Past the end of its lease a former holder applies nothing: the next holder may be taking
    // the attempt back already, and the run is placed again there.
    if (!stepRuns) return 'the step runs do not belong to the run';
    // Without the role on arrival, or since: the attempt stays with whoever holds it now.
    if (!released || !this.#holdsRole()) return 'this server no longer holds the scheduler role';
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
    return { issued, end, stepRuns, completedUtc };
  }

  /**
   * Stores the step runs of accepted completions, then ends their attempts and runs. The step
   * runs go first so that an ended run is always read with its steps. Each completion's rows are
   * a write of their own (the store may still send them together), so rows one worker got wrong
   * fail only its run: a run whose step runs could not be stored ends `Exception` saying so,
   * rather than stay open for its lease to run it again on the same data.
   */
  async #applyCompletions(applying: readonly CompletionToApply[]): Promise<void> {
    const { repositories, log } = this.#options;
    const stored = await Promise.allSettled(
      applying.map(({ issued, stepRuns }) =>
        stepRuns.length === 0
          ? Promise.resolve()
          : retryStoreWrite(
              () => repositories.stepRuns.inTenant(issued.tenantId).createMany(stepRuns),
              RUN_END_RETRY,
            ),
      ),
    );
    const ending = applying.map((entry, index): CompletionToApply => {
      const outcome = stored[index];
      if (outcome?.status !== 'rejected') return entry;
      log.error(
        { err: outcome.reason, runId: entry.issued.flowRunId, runAssignmentId: entry.issued.id },
        'step runs not stored; run ended Exception',
      );
      return {
        ...entry,
        stepRuns: [],
        end: {
          state: 'Exception',
          outputData: null,
          errorMessage: STEP_RECORD_FAILED,
        },
      };
    });
    await this.#endAll(ending);
  }

  /**
   * Ends attempts and their runs as reported, each guarded on the run still being on its attempt,
   * all at once: no write depends on another's outcome.
   */
  async #endAll(ending: readonly CompletionToApply[]): Promise<void> {
    const { repositories, completions } = this.#options;
    for (const { issued } of ending) this.#traces.delete(issued.flowRunId);
    const runEnds = ending.map(({ issued, end, completedUtc }) =>
      retryStoreWrite(
        () =>
          repositories.flowRuns
            .inTenant(issued.tenantId)
            .updateWhere(
              { id: issued.flowRunId, state: 'Running', runAssignmentId: issued.id },
              { ...endFieldsOf(end, completedUtc), leaseExpiresUtc: null },
            ),
        RUN_END_RETRY,
      ),
    );
    // The attempts that end in the same state at the same time (completions that arrived in one
    // turn) share one update; each row is still guarded on being open (`Assigned`), so one taken
    // back meanwhile keeps its `LeaseExpired`.
    const attemptEndGroups = new Map<
      string,
      { state: RunAssignmentState; completedUtc: string; ids: string[] }
    >();
    for (const { issued, end, completedUtc } of ending) {
      const state = attemptStateOf(end.state);
      const key = `${state} ${completedUtc}`;
      const group = attemptEndGroups.get(key);
      if (group) group.ids.push(issued.id);
      else attemptEndGroups.set(key, { state, completedUtc, ids: [issued.id] });
    }
    const attemptEnds = [...attemptEndGroups.values()].map(({ state, completedUtc, ids }) =>
      retryStoreWrite(
        () =>
          repositories.runAssignments.updateWhere(
            { id: op.in(ids), state: 'Assigned' },
            { state, completedUtc },
          ),
        RUN_END_RETRY,
      ),
    );
    const outcomes = await Promise.allSettled([...runEnds, ...attemptEnds]);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) this.#options.log.error({ err: failed.reason }, 'a run end was not written');
    // Each waiting caller is woken with its run once the trail has the run's end. A run whose
    // guarded end changed its row is as the claim left it with the end on top; any other is read
    // back.
    const known = new Map<string, FlowRunRecord>();
    for (const [index, { issued, end, completedUtc }] of ending.entries()) {
      const outcome = outcomes[index];
      if (issued.claimed && outcome?.status === 'fulfilled' && outcome.value === 1)
        known.set(issued.flowRunId, {
          ...issued.claimed,
          ...endFieldsOf(end, completedUtc),
          leaseExpiresUtc: null,
        });
    }
    const unknownIds = ending.map(({ issued }) => issued.flowRunId).filter((id) => !known.has(id));
    const storedRuns =
      unknownIds.length === 0
        ? Promise.resolve([])
        : repositories.flowRuns
            .findAcrossTenants({ id: op.in(unknownIds) }, unknownIds.length)
            .catch(() => []);
    for (const { issued, end } of ending) {
      const recorded = this.#activity({
        workerId: issued.workerId,
        workerSessionId: issued.workerSessionId,
        flowRunId: issued.flowRunId,
        runAssignmentId: issued.id,
        eventType: 'execution_completed',
        severity: end.state === 'Succeeded' ? 'Info' : 'Warning',
        message: end.state,
      });
      void Promise.all([storedRuns, recorded]).then(([runs]) =>
        completions.completed(
          issued.flowRunId,
          known.get(issued.flowRunId) ??
            runs.find((run) => run.id === issued.flowRunId && run.tenantId === issued.tenantId),
        ),
      );
    }
  }

  /**
   * A session ended: each of its open attempts is recovered (`worker_disconnected`), unless it
   * ended because this server lost the scheduler role: the next holder adopts those attempts.
   */
  async #sessionClosed(session: LiveWorkerSession, reason: string): Promise<void> {
    this.#unreachable.delete(session.workerSessionId);
    this.#refusedOnce.delete(session.workerSessionId);
    const lost = [...this.#open.values()].filter((open) => open.workerSessionId === session.workerSessionId);
    if (reason === DisconnectReason.notScheduler) {
      for (const open of lost) this.#open.delete(open.id);
      return;
    }
    for (const open of lost) await this.#recover(open, RecoveryReason.workerDisconnected);
    if (lost.length > 0) this.kick();
  }

  /** Recovers every open attempt whose lease has expired (`lease_expired`), even on a live worker. */
  #sweepLeases(): void {
    // Only the scheduler takes attempts back.
    if (!this.#scheduling || !this.#holdsRole()) return;
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
    // Step runs stored for a run still on a remote attempt come from a completion whose end never
    // landed (its server stopped between the two writes): the run starts over, so they go, and
    // the run keeps the step runs of the one attempt that ends it.
    await repositories.stepRuns.inTenant(open.tenantId).deleteWhere({ flowRunId: open.flowRunId });
    const run = await runs.get(open.flowRunId);
    if (run) this.#pending.add(run);
  }
}
