import {
  type AssignFrame,
  AssignRejection,
  type FlowRunExecutionPlan,
  type HelloAckFrame,
  ServerFrame,
  WORKER_NOT_SCHEDULER,
  WORKER_PROTOCOL_VERSION,
  WorkerAuthHeaders,
  type WorkerCapability,
  type WorkerFrame,
  type WorkerSettings,
} from '@tempo/contracts';
import type { RuntimeProviders } from '@tempo/core/engine';
import { executePlan } from '@tempo/core/execution-plan';
import type { Logger } from '@tempo/core/logging';
import type { RunLogWriter } from '@tempo/core/run-logs';
import {
  currentTraceFields,
  disabledTelemetry,
  type Telemetry,
  type TraceFields,
  traceFlowRun,
  withTraceFields,
} from '@tempo/core/telemetry';
import WebSocket from 'ws';
import { assignmentRejection } from './assignment-check.ts';
import { EndpointRotation } from './endpoint-rotation.ts';
import type { DownloadGrant } from './http-artifact-packages.ts';
import { connectUrlOf } from './worker-endpoint.ts';

/** The session's states: one place ({@link WorkerDaemon.#setState}) changes them and logs why. */
export type WorkerState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'stopping' | 'stopped';

/** What a worker daemon runs on. */
export interface WorkerDaemonOptions {
  readonly settings: WorkerSettings;
  readonly log: Logger;
  /** What this worker advertises in `hello` (from its runtime catalog). */
  readonly capabilities: readonly WorkerCapability[];
  /** This build's version, sent in `hello`. */
  readonly version: string;
  readonly hostName: string;
  /** The providers of one attempt: artifact downloads are authorised by its grant. */
  readonly providersFor: (grant: DownloadGrant) => RuntimeProviders;
  /** Writes each run's log under `runLogs.rootPath`; null or absent when `runLogs.enabled` is off. */
  readonly runLogs?: RunLogWriter | null;
  /**
   * Run spans and run metrics, and the trace context of the frames; shut down when the daemon
   * has stopped. Default none (telemetry off). The step spans come with {@link providersFor}.
   */
  readonly telemetry?: Telemetry;
  /** The handler host, whose warm handler processes end once the runs have; default none. */
  readonly handlerHost?: { close(): Promise<void> };
}

/** One run executing here. */
interface InFlightRun {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/** The fewest milliseconds between heartbeats (spec §4.2: the worker floors the interval at 1000). */
export const MIN_HEARTBEAT_INTERVAL_MS = 1000;

/** How long cancelled runs get to wind down and a closing socket to close, in ms. */
const WIND_DOWN_MS = 5000;

/** Close code of a connection this worker drops for a broken frame (policy violation). */
const POLICY_VIOLATION = 1008;

/** Resolves when `promise` settles or `ms` passed, whichever is first; true when it settled. */
const within = async (promise: Promise<unknown>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The worker side of the worker protocol (spec §4): one WebSocket session at a time to the
 * server, `hello` with this worker's limits, labels and capabilities, heartbeats at the
 * interval `hello-ack` sets, the assignment checks of §4.4, whole runs executed from their plan
 * and reported with `run-completed`, drain and resume, a new session after a lost one (with
 * capped, jittered backoff), and a graceful stop.
 */
export class WorkerDaemon {
  readonly #options: WorkerDaemonOptions;
  readonly #log: Logger;
  readonly #telemetry: Telemetry;
  #state: WorkerState = 'idle';
  #socket: WebSocket | null = null;
  #sessionId: string | null = null;
  #draining = false;
  /** `serverEndpoint`, then `serverEndpoints`: where the next connection goes. */
  readonly #rotation: EndpointRotation;
  #heartbeat: NodeJS.Timeout | null = null;
  #reconnect: NodeJS.Timeout | null = null;
  readonly #runs = new Map<string, InFlightRun>();
  #socketClosed: Promise<void> = Promise.resolve();

  constructor(options: WorkerDaemonOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#telemetry = options.telemetry ?? disabledTelemetry();
    const { serverEndpoint, serverEndpoints, reconnectDelayMs } = options.settings;
    this.#rotation = new EndpointRotation([serverEndpoint, ...serverEndpoints], reconnectDelayMs);
  }

  /** The server endpoint of the current (or next) connection. */
  get endpoint(): string {
    return this.#rotation.current;
  }

  /** The current state. */
  get state(): WorkerState {
    return this.#state;
  }

  /** Runs executing now. */
  get activeRuns(): number {
    return this.#runs.size;
  }

  /** Opens the first session; later ones follow on their own until {@link stop}. */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#connect();
  }

  /**
   * Stops gracefully: takes no new runs, lets running ones finish and report for up to `graceMs`,
   * cancels what is left (reported `Cancelled` while the socket is open), then closes the session.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    this.#setState('stopping', `stop requested; ${this.#runs.size} run(s) executing`);
    if (this.#reconnect) clearTimeout(this.#reconnect);
    this.#reconnect = null;
    const running = () => Promise.all([...this.#runs.values()].map((run) => run.done));
    if (!(await within(running(), graceMs))) {
      this.#log.warn(
        { runs: [...this.#runs.keys()] },
        'shutdown grace period over; cancelling the runs left',
      );
      for (const run of this.#runs.values()) run.controller.abort(new Error('The worker is shutting down.'));
      await within(running(), WIND_DOWN_MS);
    }
    this.#stopHeartbeat();
    const socket = this.#socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      socket.close(1000, 'worker_stopped');
      if (!(await within(this.#socketClosed, WIND_DOWN_MS))) socket.terminate();
    }
    await this.#options.handlerHost?.close();
    this.#setState('stopped', 'stopped');
    // After the last run's spans ended, so the final export has them; bounded, never throws.
    await this.#telemetry.shutdown();
  }

  #setState(next: WorkerState, why: string): void {
    if (this.#state === next) return;
    this.#log.info({ from: this.#state, to: next, sessionId: this.#sessionId }, `worker ${next}: ${why}`);
    this.#state = next;
  }

  #connect(): void {
    const { settings } = this.#options;
    const endpoint = this.endpoint;
    this.#setState('connecting', `connecting to ${endpoint}`);
    const socket = new WebSocket(connectUrlOf(endpoint), {
      headers: {
        [WorkerAuthHeaders.workerId]: settings.workerId,
        [WorkerAuthHeaders.workerToken]: settings.workerToken,
      },
      handshakeTimeout: settings.requestTimeoutMs,
      // Plans carry whole flow graphs and step configs; the server bounds what it sends.
      maxPayload: 64 * 1024 * 1024,
    });
    this.#socket = socket;
    this.#socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('open', () => this.#send(socket, this.#hello()));
    socket.on('message', (data, isBinary) => this.#onMessage(socket, data, isBinary));
    socket.on('error', (error) => this.#log.warn({ err: error }, 'worker connection error'));
    socket.on('close', (code, reason) => this.#onClosed(socket, code, reason.toString('utf8')));
  }

  #hello(): WorkerFrame {
    const { settings, capabilities, version, hostName } = this.#options;
    return {
      type: 'hello',
      protocolVersion: WORKER_PROTOCOL_VERSION,
      workerId: settings.workerId,
      name: settings.name ?? hostName,
      kind: settings.kind,
      version,
      hostName,
      maxConcurrentRuns: settings.maxConcurrentRuns,
      maxTaskTimeoutMs: settings.maxTaskTimeoutMs,
      labels: [...settings.labels],
      capabilities: [...capabilities],
    };
  }

  #send(socket: WebSocket, frame: WorkerFrame): boolean {
    if (socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  /** Spec §4.2: a frame this worker cannot read ends the connection (it then reconnects). */
  #drop(socket: WebSocket, why: string): void {
    this.#log.warn({ sessionId: this.#sessionId, why }, 'dropping the connection: invalid server frame');
    socket.close(POLICY_VIOLATION, 'invalid server frame');
  }

  /** The frame in a message, or why it is not one this worker reads. */
  #readFrame(data: WebSocket.RawData, isBinary: boolean): ServerFrame | string {
    if (isBinary) return 'binary frame';
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return 'not JSON';
    }
    const parsed = ServerFrame.safeParse(json);
    if (parsed.success) return parsed.data;
    const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
    return `unknown or malformed frame (type ${JSON.stringify(type)})`;
  }

  #onMessage(socket: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (socket !== this.#socket) return;
    const frame = this.#readFrame(data, isBinary);
    if (typeof frame === 'string') {
      this.#drop(socket, frame);
      return;
    }
    switch (frame.type) {
      case 'hello-ack':
        this.#onHelloAck(socket, frame);
        return;
      case 'assign':
        this.#onAssign(socket, frame);
        return;
      case 'drain':
        this.#draining = true;
        this.#log.info({ message: frame.message }, 'drain: taking no new runs');
        return;
      case 'resume':
        this.#draining = false;
        this.#log.info({ message: frame.message }, 'resume: taking runs again');
        return;
    }
  }

  #onHelloAck(socket: WebSocket, frame: HelloAckFrame): void {
    if (frame.workerId !== this.#options.settings.workerId) {
      this.#drop(socket, `hello-ack for worker ${frame.workerId}`);
      return;
    }
    this.#sessionId = frame.workerSessionId;
    this.#draining = frame.drainMode;
    this.#rotation.connected();
    this.#stopHeartbeat();
    const intervalMs = Math.max(MIN_HEARTBEAT_INTERVAL_MS, frame.heartbeatIntervalMs);
    this.#heartbeat = setInterval(() => this.#beat(socket), intervalMs);
    if (this.#state !== 'stopping')
      this.#setState(
        'ready',
        `session ${frame.workerSessionId}, heartbeat every ${intervalMs} ms, drain ${frame.drainMode}`,
      );
  }

  #beat(socket: WebSocket): void {
    const sessionId = this.#sessionId;
    if (sessionId === null) return;
    this.#send(socket, {
      type: 'heartbeat',
      workerId: this.#options.settings.workerId,
      workerSessionId: sessionId,
      activeRuns: this.#runs.size,
      sentUtc: new Date().toISOString(),
    });
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  #onAssign(socket: WebSocket, frame: AssignFrame): void {
    const { settings, capabilities } = this.#options;
    const { assignment } = frame;
    // A stopping worker refuses like a draining one: its runs are ending, new ones would be cut.
    const rejection =
      assignmentRejection(
        {
          workerSessionId: this.#sessionId,
          draining: this.#draining,
          capabilities,
          activeRuns: this.#runs.size,
          maxConcurrentRuns: settings.maxConcurrentRuns,
        },
        frame,
      ) ?? (this.#state === 'stopping' ? AssignRejection.draining : null);
    this.#send(socket, {
      type: 'assign-ack',
      workerId: settings.workerId,
      workerSessionId: this.#sessionId ?? assignment.workerSessionId,
      runAssignmentId: assignment.id,
      leaseToken: assignment.leaseToken,
      accepted: rejection === null,
      message: rejection,
    });
    const where = {
      runId: assignment.flowRunId,
      runAssignmentId: assignment.id,
      attempt: assignment.attemptNumber,
    };
    if (rejection !== null) {
      this.#log.warn({ ...where, rejection }, 'assignment rejected');
      return;
    }
    // One info line per run ('run ended'): each line costs the worker's main thread a log write,
    // which profiles under load put at a third of a millisecond; the rest is debug detail.
    this.#log.debug(where, 'assignment accepted');
    this.#execute(socket, assignment, frame.plan, frame);
  }

  #execute(
    socket: WebSocket,
    assignment: AssignFrame['assignment'],
    plan: FlowRunExecutionPlan,
    trace: TraceFields,
  ): void {
    const { settings } = this.#options;
    const controller = new AbortController();
    const where = { runId: assignment.flowRunId, runAssignmentId: assignment.id };
    // The same layout as the server's pseudo-worker writes: the attempt's folder is named after
    // the assignment, so the server lists these files beside the run's other attempts.
    const runLog =
      this.#options.runLogs?.open(
        { runId: plan.flowRunId, tenantId: plan.tenantId, dataFlowId: plan.dataFlowId, createdUtc: null },
        {
          attemptNumber: assignment.attemptNumber,
          runAssignmentId: assignment.id,
          workerId: settings.workerId,
        },
      ) ?? null;
    // The run's span continues the trace the `assign` frame names (the call that queued the run),
    // so step spans and handler processes' `TRACEPARENT` belong to that trace too.
    let runTrace: TraceFields = {};
    const traced = withTraceFields(trace, () =>
      traceFlowRun(
        this.#telemetry,
        { id: plan.flowRunId, tenantId: plan.tenantId, dataFlowId: plan.dataFlowId },
        async () => {
          // Taken inside the run span: the completion names it, linking the two sides.
          runTrace = currentTraceFields();
          const completion = await executePlan({
            plan,
            assignment,
            providers: this.#options.providersFor({
              runAssignmentId: assignment.id,
              leaseToken: assignment.leaseToken,
              serverEndpoint: this.endpoint,
            }),
            signal: controller.signal,
            maxTaskTimeoutMs: settings.maxTaskTimeoutMs,
            runLog,
            onStepRun: (stepRun) =>
              this.#log.debug({ ...where, stepId: stepRun.stepId, result: stepRun.result }, 'step ended'),
          });
          return {
            completion,
            state: completion.finalState,
            outputData: completion.outputData,
            errorMessage: completion.errorMessage,
            steps: completion.stepRuns.length,
          };
        },
      ),
    );
    const done = traced.then(({ completion }) => {
      this.#runs.delete(assignment.id);
      // Only on the session the run was assigned on: after a reconnect the server has recovered it.
      const sent =
        socket === this.#socket &&
        this.#sessionId === assignment.workerSessionId &&
        this.#send(socket, { type: 'run-completed', ...runTrace, completion });
      this.#log.info(
        { ...where, finalState: completion.finalState, steps: completion.stepRuns.length, sent },
        'run ended',
      );
    });
    this.#runs.set(assignment.id, { controller, done });
  }

  #onClosed(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#stopHeartbeat();
    const hadSession = this.#sessionId !== null;
    this.#sessionId = null;
    // Spec §4.4: work in flight is cancelled locally; the server recovers it.
    for (const run of this.#runs.values()) run.controller.abort(new Error('The worker lost its session.'));
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    const delayMs = this.#rotation.next(hadSession, reason === WORKER_NOT_SCHEDULER.reason);
    this.#setState(
      'reconnecting',
      `connection closed (${code}${reason ? ` ${reason}` : ''}); next try at ${this.endpoint} in ${delayMs} ms`,
    );
    this.#reconnect = setTimeout(() => {
      this.#reconnect = null;
      if (this.#state === 'reconnecting') this.#connect();
    }, delayMs);
  }
}
