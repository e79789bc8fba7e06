import type { Duplex } from 'node:stream';
import {
  type AssignAckFrame,
  type DrainReason,
  type HelloFrame,
  type ServerFrame,
  type TempoSettings,
  type WireCompletion,
  WORKER_AUTH_FAILED,
  WORKER_NOT_SCHEDULER,
  WORKER_PROTOCOL_VERSION,
  type WorkerFrame,
  type WorkerRecord,
} from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { Logger } from '@tempo/core/logging';
import { inWriteLane, op, type Repositories } from '@tempo/core/store';
import type { RawData, WebSocket } from 'ws';
import { TokenBuckets } from '../http/token-buckets.ts';
import { EXPECTED_HELLO, INVALID_FRAME, INVALID_HELLO, readHello, readWorkerFrame } from './frame-reader.ts';
import { heartbeatIntervalOf, helloTermsOf, isSupportedProtocolVersion } from './hello-terms.ts';
import {
  type ActivityEntry,
  assignAckEntry,
  orphanCompletionEntry,
  recordActivity,
} from './worker-activity.ts';
import { WorkerConnection } from './worker-connection.ts';
import { workerRecordOf } from './worker-views.ts';

/** Close codes the hub uses (RFC 6455 §7.4.1). */
const CLOSE = { normal: 1000, goingAway: 1001, policyViolation: 1008, internalError: 1011 } as const;

/** Disconnect reasons the hub writes itself (spec §5.1). */
export const DisconnectReason = {
  heartbeatTimeout: 'heartbeat_timeout',
  superseded: 'superseded_session',
  serverStopped: 'server_stopped',
  blocked: 'worker_blocked',
  socketClosed: 'socket_closed',
  tooManyRefused: 'too many refused frames',
  tooManySessions: 'too many sessions',
  /** The server failed to record a frame of the session (a database error). */
  serverError: 'server_error',
  /** This server does not hold the scheduler role (several servers on one database). */
  notScheduler: WORKER_NOT_SCHEDULER.reason,
} as const;

/**
 * The write lane of heartbeat stamps, which another server (and the stale-session sweep) reads
 * as the worker's sign of life: they must not wait behind a stalled batch of run writes.
 */
const HEARTBEAT_WRITE_LANE = 'worker-heartbeats';

/**
 * Frames of a worker recorded as refused (an ack or a completion of an attempt never issued to
 * its session, a repeated ack or report) that it may send at once, and per second after that.
 * Each is an activity row: without a budget one worker token could fill the database's disk
 * with them. An honest worker's late reports of attempts the server ended do not count (the
 * coordinator records the first report of each attempt free).
 */
const REFUSED_FRAMES_BURST = 100;
const REFUSED_FRAMES_PER_SECOND = 1;

/**
 * Sessions a worker may open at once, and per second after that. Each session writes rows (the
 * session, its `hello` and `worker_disconnected` entries): without a budget one token in a
 * reconnect loop would fill the disk with them. An honest worker reconnects after a lost
 * connection, with a growing backoff; a hello past the budget is refused before anything is written.
 */
const SESSIONS_BURST = 20;
const SESSIONS_PER_SECOND = 1 / 6;

/** The size of a received frame, however `ws` delivered it. */
const frameBytes = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((total, part) => total + part.length, 0) : data.byteLength;

/** A live, registered session of a remote worker, as the dispatcher sees it. */
export interface LiveWorkerSession {
  /** The session's `wse_` id; frames of this session must carry it. */
  readonly workerSessionId: string;
  readonly workerId: string;
  readonly connectedUtc: string;
  /** The worker as its hello registered it (labels, capabilities, limits), with its drain flag. */
  readonly worker: WorkerRecord;
  /** `activeRuns` of the last heartbeat (0 before the first). */
  readonly activeRuns: number;
  /** When the last heartbeat arrived; null before the first. */
  readonly lastHeartbeatUtc: string | null;
}

/** Receives every `assign-ack` of a live session, already checked against the session. */
export type AssignAckHandler = (ack: AssignAckFrame, session: LiveWorkerSession) => Promise<void>;
/** Receives every `run-completed` completion of a live session, already checked against it. */
export type RunCompletedHandler = (completion: WireCompletion, session: LiveWorkerSession) => Promise<void>;
/** Told when a registered session ends, with its disconnect reason. */
export type SessionClosedHandler = (session: LiveWorkerSession, reason: string) => Promise<void>;

/** What {@link WorkerSessions} is built from. */
export interface WorkerSessionsOptions {
  readonly repositories: Repositories;
  readonly engine: Pick<
    TempoSettings['engine'],
    'pollIntervalMs' | 'workerHeartbeatTimeoutMs' | 'leaseDurationMs'
  >;
  readonly log: Logger;
}

const nowUtc = () => new Date().toISOString();

const textOf = (data: RawData): string =>
  Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.from(data as ArrayBuffer).toString('utf8');

/**
 * The live worker sessions of this server (spec §4.2): registers each authenticated socket's
 * hello, keeps one session per worker (a newer one supersedes the older), tracks heartbeats,
 * ends stale sessions, and hands the dispatcher what workers report.
 *
 * For the dispatch coordinator:
 * - {@link live} / {@link session} are the workers it may place runs on (check `worker.drainMode`,
 *   `worker.enabled`, labels, capabilities and `maxConcurrentRuns` against `activeRuns` and its own
 *   count of open assignments);
 * - {@link send} pushes an `assign` frame; false means no live session (treat as not delivered);
 * - {@link onRunCompleted} must be installed: it gets every completion whose worker and session
 *   ids match the socket's, and must apply it only if the assignment row still matches (spec §7
 *   idempotency) and record `orphan_completion` otherwise. Until one is installed every
 *   completion is recorded as `orphan_completion`;
 * - {@link onAssignAck} gets every ack (without one, acks are recorded as `assign-ack` activity);
 * - {@link onSessionClosed} is told of every ended session: recover that session's open
 *   assignments (`worker_disconnected`).
 * Handlers run one frame at a time per session; a handler that throws is logged, never fatal.
 */
export class WorkerSessions {
  readonly #options: WorkerSessionsOptions;
  readonly #live = new Map<string, WorkerConnection>();
  readonly #connections = new Set<WorkerConnection>();
  readonly #closedHandlers = new Set<SessionClosedHandler>();
  #assignAck: AssignAckHandler | null = null;
  #runCompleted: RunCompletedHandler | null = null;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #admits: () => boolean = () => true;
  readonly #sessionStarts = new TokenBuckets({
    ratePerSecond: SESSIONS_PER_SECOND,
    capacity: SESSIONS_BURST,
    maxKeys: 10_000,
  });
  /** Per worker id (the budget outlives a session, so reconnecting does not refill it). */
  readonly #refusedFrames = new TokenBuckets({
    ratePerSecond: REFUSED_FRAMES_PER_SECOND,
    capacity: REFUSED_FRAMES_BURST,
    maxKeys: 10_000,
  });

  constructor(options: WorkerSessionsOptions) {
    this.#options = options;
  }

  /** `hello-ack.heartbeatIntervalMs` of this server. */
  get heartbeatIntervalMs(): number {
    return heartbeatIntervalOf(this.#options.engine);
  }

  /** Starts the stale-session check, every half heartbeat interval. */
  start(): void {
    if (this.#timer) return;
    const periodMs = Math.max(100, Math.floor(this.heartbeatIntervalMs / 2));
    this.#timer = setInterval(() => this.#expireStale(), periodMs);
    this.#timer.unref();
  }

  /** Every live session, oldest first. */
  live(): LiveWorkerSession[] {
    return [...this.#live.values()].flatMap((connection) => {
      const view = this.#viewOf(connection);
      return view ? [view] : [];
    });
  }

  /** The live session of a worker, or null. */
  session(workerId: string): LiveWorkerSession | null {
    const connection = this.#live.get(workerId);
    return connection ? this.#viewOf(connection) : null;
  }

  /**
   * Runs `send` with every live session's connection corked, so the frames it sends leave as one
   * write per worker: a placement pass sends one `assign` per run, and each write to a loopback
   * or LAN socket costs a system call and a wake-up of the other side.
   */
  corked(send: () => void): void {
    const live = [...this.#live.values()];
    for (const connection of live) connection.transport.cork();
    try {
      send();
    } finally {
      for (const connection of live) connection.transport.uncork();
    }
  }

  /** Sends a frame to a worker's live session; false when it has none or its socket is closing. */
  send(workerId: string, frame: ServerFrame): boolean {
    const connection = this.#live.get(workerId);
    return connection?.phase === 'ready' ? connection.send(frame) : false;
  }

  /** Installs the one `assign-ack` handler (the coordinator's); returns its removal. */
  onAssignAck(handler: AssignAckHandler): () => void {
    this.#assignAck = handler;
    return () => {
      if (this.#assignAck === handler) this.#assignAck = null;
    };
  }

  /** Installs the one `run-completed` handler (the coordinator's); returns its removal. */
  onRunCompleted(handler: RunCompletedHandler): () => void {
    this.#runCompleted = handler;
    return () => {
      if (this.#runCompleted === handler) this.#runCompleted = null;
    };
  }

  /** Adds a handler told of every ended session; returns its removal. */
  onSessionClosed(handler: SessionClosedHandler): () => void {
    this.#closedHandlers.add(handler);
    return () => this.#closedHandlers.delete(handler);
  }

  /**
   * Records a worker's drain flag on its live session and pushes `drain` or `resume`
   * (`operator_request`); false when the worker has no live session.
   */
  setDrainMode(workerId: string, drainMode: boolean): boolean {
    const connection = this.#live.get(workerId);
    if (connection?.phase !== 'ready' || !connection.worker) return false;
    connection.worker = { ...connection.worker, drainMode };
    const message: DrainReason = 'operator_request';
    return connection.send(
      drainMode ? { type: 'drain', workerId, message } : { type: 'resume', workerId, message },
    );
  }

  /** Ends a worker's live session (block): policy violation, reason `worker_blocked`. */
  async disconnect(workerId: string): Promise<boolean> {
    const connection = this.#live.get(workerId);
    for (const pending of this.#connections)
      if (pending.workerId === workerId && pending.phase === 'awaiting-hello')
        await this.#end(pending, DisconnectReason.blocked, CLOSE.policyViolation);
    if (!connection) return false;
    await this.#end(connection, DisconnectReason.blocked, CLOSE.policyViolation);
    return true;
  }

  /**
   * Spends one refused frame of the session's worker from its budget: true when the frame may be
   * recorded. When the budget is spent the frame is not recorded, and the session (if it is
   * still the worker's live one) is closed with 1008 `too many refused frames` once the frames
   * queued before the close are handled.
   */
  spendRefusal(session: LiveWorkerSession): boolean {
    if (this.#refusedFrames.take(session.workerId, performance.now())) return true;
    const connection = this.#live.get(session.workerId);
    if (connection?.sessionId === session.workerSessionId && !connection.overRefusalBudget) {
      connection.overRefusalBudget = true;
      connection.enqueue(() =>
        this.#refuse(
          connection,
          DisconnectReason.tooManyRefused,
          `more than ${REFUSED_FRAMES_BURST} frames naming attempts the session does not hold`,
        ),
      );
    }
    return false;
  }

  /**
   * Sets when sessions are taken: a server that does not hold the scheduler role closes every
   * authenticated socket at once with `not the scheduler` (1013), so its worker tries the next
   * server. Default: always.
   */
  admitWhen(admits: () => boolean): void {
    this.#admits = admits;
  }

  /**
   * Ends every session and pending connection with `reason` (1013): the server lost the scheduler
   * role. Their open attempts are left to the next holder (the close handlers are told the reason).
   */
  async closeAll(reason: string): Promise<void> {
    const connections = [...this.#connections];
    if (connections.length > 0)
      this.#options.log.warn({ sessions: connections.length, reason }, 'closing every worker session');
    await Promise.all(
      connections.map((connection) => this.#end(connection, reason, WORKER_NOT_SCHEDULER.code)),
    );
  }

  /**
   * Applies to the live sessions the flags other servers wrote to their workers' rows (drain,
   * resume and block go through whichever server answers the admin call): a changed drain flag
   * is pushed as `drain`/`resume` (`operator_request`), a blocked or removed worker's session is
   * closed (`worker_blocked`). Never throws.
   */
  async applyStoredFlags(): Promise<void> {
    const live = [...this.#live.values()].filter((connection) => connection.phase === 'ready');
    if (live.length === 0) return;
    try {
      const rows = await this.#options.repositories.workers.find({
        id: op.in(live.map((connection) => connection.workerId)),
      });
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const connection of live) {
        const row = byId.get(connection.workerId);
        if (!row?.enabled) {
          this.#options.log.info({ workerId: connection.workerId }, 'worker blocked through another server');
          await this.disconnect(connection.workerId);
        } else if (connection.worker && row.drainMode !== connection.worker.drainMode)
          this.setDrainMode(connection.workerId, row.drainMode);
      }
    } catch (error) {
      this.#options.log.warn({ err: error }, 'worker flags not read');
    }
  }

  /**
   * Takes over an authenticated socket (`transport` is the upgraded connection under it): its
   * first frame must be the worker's hello.
   */
  accept(
    socket: WebSocket,
    transport: Pick<Duplex, 'cork' | 'uncork'>,
    workerId: string,
    remoteAddress: string,
  ): void {
    const connection = new WorkerConnection(workerId, socket, transport, remoteAddress);
    if (this.#stopped) {
      connection.close(CLOSE.goingAway, DisconnectReason.serverStopped);
      return;
    }
    if (!this.#admits()) {
      this.#options.log.info(
        { workerId, address: remoteAddress },
        'worker session refused: this server does not hold the scheduler role',
      );
      connection.close(WORKER_NOT_SCHEDULER.code, WORKER_NOT_SCHEDULER.reason);
      return;
    }
    this.#connections.add(connection);
    socket.on('message', (data, isBinary) => {
      connection.lastSeenMs = Date.now();
      connection.enqueue(() => this.#onMessage(connection, data, isBinary), frameBytes(data));
    });
    socket.on('close', (code, reason) => {
      const text = reason.toString('utf8');
      const why =
        text !== '' ? text : code > 0 && code !== 1005 ? String(code) : DisconnectReason.socketClosed;
      connection.enqueue(() => this.#end(connection, why, null));
    });
    socket.on('error', (error) => {
      this.#options.log.warn({ err: error, workerId }, 'worker socket error');
    });
  }

  /**
   * On server stop: every live worker is sent `drain` (`server_stopped`), its session marked
   * disconnected, its socket closed. The hub accepts no socket after this.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all(
      [...this.#connections].map((connection) =>
        this.#end(connection, DisconnectReason.serverStopped, CLOSE.goingAway, 'server_stopped'),
      ),
    );
  }

  #viewOf(connection: WorkerConnection): LiveWorkerSession | null {
    const { sessionId, connectedUtc, worker } = connection;
    if (connection.phase !== 'ready' || !sessionId || !connectedUtc || !worker) return null;
    return {
      workerSessionId: sessionId,
      workerId: connection.workerId,
      connectedUtc,
      worker,
      activeRuns: connection.activeRuns,
      lastHeartbeatUtc: connection.lastHeartbeatUtc,
    };
  }

  #activity(entry: ActivityEntry): Promise<void> {
    return recordActivity(this.#options.repositories, this.#options.log, entry);
  }

  async #onMessage(connection: WorkerConnection, data: RawData, isBinary: boolean): Promise<void> {
    if (connection.phase === 'closed') return;
    try {
      if (connection.phase === 'awaiting-hello') {
        if (isBinary) return await this.#refuse(connection, EXPECTED_HELLO, 'first frame is binary');
        return await this.#onHello(connection, textOf(data));
      }
      if (isBinary) return await this.#refuse(connection, INVALID_FRAME, 'binary frame');
      const reading = readWorkerFrame(textOf(data));
      if (!reading.ok) return await this.#refuse(connection, INVALID_FRAME, reading.problem);
      await this.#onFrame(connection, reading.frame);
    } catch (error) {
      // A database failure while handling a frame: the session cannot be trusted to be recorded,
      // so it ends; the worker reconnects with a new one.
      this.#options.log.error({ err: error, workerId: connection.workerId }, 'worker frame handling failed');
      await this.#end(connection, DisconnectReason.serverError, CLOSE.internalError);
    }
  }

  /** Ends a connection over a protocol failure, logging the reason the wire does not carry. */
  async #refuse(connection: WorkerConnection, reason: string, problem: string): Promise<void> {
    this.#options.log.warn(
      { workerId: connection.workerId, workerSessionId: connection.sessionId, reason, problem },
      'worker session closed: protocol violation',
    );
    await this.#end(connection, reason, CLOSE.policyViolation);
  }

  async #onHello(connection: WorkerConnection, text: string): Promise<void> {
    const reading = readHello(text);
    if (!reading.ok) return this.#refuse(connection, INVALID_HELLO, reading.problem);
    const hello = reading.frame;
    if (hello.workerId !== connection.workerId)
      return this.#refuse(
        connection,
        INVALID_HELLO,
        `hello workerId ${hello.workerId} is not the authenticated worker`,
      );
    if (!isSupportedProtocolVersion(hello.protocolVersion))
      return this.#refuse(connection, INVALID_HELLO, `unsupported protocol version ${hello.protocolVersion}`);
    if (!this.#sessionStarts.take(connection.workerId, performance.now()))
      return this.#refuse(
        connection,
        DisconnectReason.tooManySessions,
        `more than ${SESSIONS_BURST} sessions at once, then 1 every ${1 / SESSIONS_PER_SECOND} s`,
      );
    const { repositories, engine, log } = this.#options;
    const workerId = connection.workerId;
    const stamp = nowUtc();
    const terms = helloTermsOf(hello);
    const sessionId = newId('workerSession');
    await repositories.workerSessions.create({
      id: sessionId,
      workerId,
      connectedUtc: stamp,
      protocolVersion: hello.protocolVersion.slice(0, 16),
    });
    connection.sessionId = sessionId;
    connection.connectedUtc = stamp;
    const row = await repositories.workers.update(workerId, {
      name: terms.name,
      kind: 'Worker',
      state: 'Online',
      version: terms.version,
      hostName: terms.hostName,
      labelsJson: [...terms.labels],
      capabilitiesJson: [...terms.capabilities],
      maxConcurrentRuns: terms.maxConcurrentRuns,
      maxTaskTimeoutMs: terms.maxTaskTimeoutMs,
      lastHeartbeatUtc: stamp,
    });
    // Blocked (or removed) between the upgrade and the hello: refused as at the upgrade.
    if (!row?.enabled) {
      log.warn({ workerId }, 'worker session refused: the worker was blocked before its hello');
      return this.#end(connection, WORKER_AUTH_FAILED, CLOSE.policyViolation, null, true);
    }
    await this.#activity({
      workerId,
      workerSessionId: sessionId,
      eventType: 'hello',
      severity: 'Info',
      message: `session ${sessionId} registered from ${connection.remoteAddress}`,
      payload: hello satisfies HelloFrame,
    });
    // Closed while the hello was being written: the session row is ended, nothing goes live.
    if (connection.phase === 'closed') {
      await this.#closeSessionRow(sessionId, DisconnectReason.socketClosed);
      return;
    }
    connection.worker = workerRecordOf(row);
    connection.lastHeartbeatUtc = stamp;
    connection.phase = 'ready';
    const older = this.#live.get(workerId);
    this.#live.set(workerId, connection);
    // Before anything else can reach the new session: a placement pass may run while the older
    // session is being ended below, and its `assign` must not overtake the `hello-ack`.
    connection.send({
      type: 'hello-ack',
      protocolVersion: WORKER_PROTOCOL_VERSION,
      workerId,
      workerSessionId: sessionId,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      heartbeatTimeoutMs: engine.workerHeartbeatTimeoutMs,
      leaseDurationMs: engine.leaseDurationMs,
      drainMode: row.drainMode,
    });
    if (older && older !== connection)
      await this.#end(older, DisconnectReason.superseded, CLOSE.normal, 'superseded_session');
    log.info(
      {
        workerId,
        workerSessionId: sessionId,
        address: connection.remoteAddress,
        superseded: older?.sessionId ?? null,
      },
      'worker session started',
    );
  }

  async #onFrame(connection: WorkerConnection, frame: WorkerFrame): Promise<void> {
    const ids =
      frame.type === 'run-completed'
        ? { workerId: frame.completion.workerId, sessionId: frame.completion.workerSessionId }
        : frame.type === 'hello'
          ? null
          : { workerId: frame.workerId, sessionId: frame.workerSessionId };
    if (!ids) return this.#refuse(connection, INVALID_FRAME, 'hello after the session started');
    if (ids.workerId !== connection.workerId || ids.sessionId !== connection.sessionId)
      return this.#refuse(
        connection,
        INVALID_FRAME,
        `${frame.type} names worker ${ids.workerId} session ${ids.sessionId}, not this session`,
      );
    const view = this.#viewOf(connection);
    if (!view) return;
    switch (frame.type) {
      case 'heartbeat':
        return this.#onHeartbeat(connection, frame.activeRuns);
      case 'assign-ack':
        return this.#onAssignAck(frame, view);
      case 'run-completed':
        return this.#onRunCompleted(frame.completion, view);
    }
  }

  #onHeartbeat(connection: WorkerConnection, activeRuns: number): void {
    const stamp = nowUtc();
    connection.activeRuns = activeRuns;
    connection.lastHeartbeatUtc = stamp;
    // One write at a time per session; a beat that finds one in flight is already covered by it.
    if (connection.heartbeatWrite) return;
    connection.heartbeatWrite = inWriteLane(HEARTBEAT_WRITE_LANE, () =>
      this.#options.repositories.workers.updateWhere(
        { id: connection.workerId, enabled: true },
        { state: 'Online', lastHeartbeatUtc: stamp },
      ),
    )
      .then(
        () => undefined,
        (error: unknown) =>
          this.#options.log.warn(
            { err: error, workerId: connection.workerId },
            'worker heartbeat not stored',
          ),
      )
      .finally(() => {
        connection.heartbeatWrite = null;
      });
  }

  async #onAssignAck(ack: AssignAckFrame, session: LiveWorkerSession): Promise<void> {
    const handler = this.#assignAck;
    if (handler) return this.#guarded('assign-ack', session, () => handler(ack, session));
    if (this.spendRefusal(session)) await this.#activity(assignAckEntry(ack, session, null));
  }

  async #onRunCompleted(completion: WireCompletion, session: LiveWorkerSession): Promise<void> {
    const handler = this.#runCompleted;
    if (handler) return this.#guarded('run-completed', session, () => handler(completion, session));
    // Nothing dispatches on this server, so nothing can claim the completion (spec §7).
    if (!this.spendRefusal(session)) return;
    await this.#activity(
      orphanCompletionEntry(completion, session, 'no dispatcher on this server claimed the completion'),
    );
  }

  async #guarded(what: string, session: LiveWorkerSession, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.#options.log.error(
        { err: error, workerId: session.workerId, workerSessionId: session.workerSessionId },
        `worker ${what} handler failed`,
      );
    }
  }

  /** Ends sessions silent for longer than `workerHeartbeatTimeoutMs`, and hellos never sent. */
  #expireStale(): void {
    const timeoutMs = this.#options.engine.workerHeartbeatTimeoutMs;
    const nowMs = Date.now();
    for (const connection of this.#connections) {
      if (connection.phase === 'awaiting-hello' && nowMs - connection.acceptedMs > timeoutMs) {
        this.#options.log.warn({ workerId: connection.workerId }, 'worker session closed: no hello in time');
        connection.enqueue(() => this.#end(connection, EXPECTED_HELLO, CLOSE.policyViolation));
      } else if (
        connection.phase === 'ready' &&
        nowMs - connection.lastSeenMs > timeoutMs &&
        // Frames still waiting to be handled: the server is behind, not the worker silent (its
        // socket may be paused, so its heartbeats are not read).
        connection.queued.tasks === 0
      ) {
        this.#options.log.warn(
          {
            workerId: connection.workerId,
            workerSessionId: connection.sessionId,
            silentMs: nowMs - connection.lastSeenMs,
          },
          'worker session closed: heartbeat timeout',
        );
        connection.enqueue(() =>
          this.#end(connection, DisconnectReason.heartbeatTimeout, CLOSE.normal, 'heartbeat_timeout'),
        );
      }
    }
  }

  async #closeSessionRow(sessionId: string, reason: string): Promise<void> {
    await this.#options.repositories.workerSessions.updateWhere(
      { id: sessionId, disconnectedUtc: null },
      { disconnectedUtc: nowUtc(), disconnectReason: reason.slice(0, 1000) },
    );
  }

  /**
   * Ends a connection once: optionally sends `drain`, closes the socket (`code` null = already
   * closed by the peer), and for a registered session records the disconnect, marks the worker
   * Offline unless a newer session replaced it, and tells the close handlers.
   */
  async #end(
    connection: WorkerConnection,
    reason: string,
    code: number | null,
    drain: DrainReason | null = null,
    endRow = false,
  ): Promise<void> {
    if (connection.phase === 'closed') return;
    const view = this.#viewOf(connection);
    connection.phase = 'closed';
    this.#connections.delete(connection);
    const { repositories, log } = this.#options;
    const { workerId, sessionId } = connection;
    if (drain) connection.send({ type: 'drain', workerId, message: drain });
    if (code !== null) connection.close(code, reason);
    const replaced = this.#live.get(workerId) !== connection;
    if (!replaced) this.#live.delete(workerId);
    if (!view) {
      if (endRow && sessionId) await this.#closeSessionRow(sessionId, reason).catch(() => undefined);
      return;
    }
    // A heartbeat's `Online`, in a lane of its own, must not land after this session's `Offline`.
    await connection.heartbeatWrite;
    try {
      await this.#closeSessionRow(view.workerSessionId, reason);
      if (!replaced) await repositories.workers.updateWhere({ id: workerId }, { state: 'Offline' });
    } catch (error) {
      log.warn({ err: error, workerId, workerSessionId: sessionId }, 'worker disconnect not stored');
    }
    await this.#activity({
      workerId,
      workerSessionId: view.workerSessionId,
      eventType: 'worker_disconnected',
      severity: reason === DisconnectReason.serverStopped ? 'Info' : 'Warning',
      message: reason,
    });
    log.info({ workerId, workerSessionId: view.workerSessionId, reason }, 'worker session ended');
    for (const handler of this.#closedHandlers)
      await this.#guarded('session-closed', view, () => handler(view, reason));
  }
}
