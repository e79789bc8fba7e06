import type { Duplex } from 'node:stream';
import type { ServerFrame, WorkerRecord } from '@tempo/contracts';
import { WebSocket } from 'ws';

/** Where a connection is in its life (STYLE: one explicit state machine per session). */
export type ConnectionPhase = 'awaiting-hello' | 'ready' | 'closed';

/**
 * Frames of one connection waiting for their turn, and their bytes, past which its socket is no
 * longer read (and read again once they are handled): a worker sending faster than its frames
 * are handled is held back by TCP instead of filling the server's memory. Far above what a
 * worker's own runs send; a single frame larger than the byte bound pauses reading on its own.
 */
const MAX_QUEUED_TASKS = 64;
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/** Longest close reason the WebSocket protocol carries, in bytes. */
const MAX_CLOSE_REASON_BYTES = 123;

/** A close reason cut to what the protocol allows. */
const closeReason = (reason: string): string => {
  let cut = reason;
  while (Buffer.byteLength(cut, 'utf8') > MAX_CLOSE_REASON_BYTES) cut = cut.slice(0, -1);
  return cut;
};

/**
 * One authenticated WebSocket of one worker. It starts `awaiting-hello`, becomes `ready` when its
 * hello is registered (then it has a `wse_` session id) and ends `closed`; only the session hub
 * changes its phase. Frames are handled one after another through {@link enqueue}, so a frame
 * never overtakes the hello before it.
 */
export class WorkerConnection {
  readonly workerId: string;
  readonly socket: WebSocket;
  /** The upgraded connection under {@link socket}: corked while a burst of frames is sent. */
  readonly transport: Pick<Duplex, 'cork' | 'uncork'>;
  readonly remoteAddress: string;
  readonly acceptedMs = Date.now();
  phase: ConnectionPhase = 'awaiting-hello';
  sessionId: string | null = null;
  connectedUtc: string | null = null;
  /** The worker as registered by the hello; drain changes are applied to it. */
  worker: WorkerRecord | null = null;
  /** `activeRuns` of the last heartbeat. */
  activeRuns = 0;
  /** When a frame last arrived (any frame is a sign of life), in ms since the epoch. */
  lastSeenMs = Date.now();
  lastHeartbeatUtc: string | null = null;
  /** The heartbeat write in flight (it never rejects); later beats skip theirs until it ends. */
  heartbeatWrite: Promise<void> | null = null;
  /** Its worker's budget of refused frames ran out and its close is queued. */
  overRefusalBudget = false;
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  #queuedBytes = 0;

  constructor(
    workerId: string,
    socket: WebSocket,
    transport: Pick<Duplex, 'cork' | 'uncork'>,
    remoteAddress: string,
  ) {
    this.workerId = workerId;
    this.socket = socket;
    this.transport = transport;
    this.remoteAddress = remoteAddress;
  }

  /**
   * Runs `task` after every task queued before it; a task must not throw. `bytes` is the size of
   * the frame the task handles (0 for other work). Past {@link MAX_QUEUED_TASKS} tasks or
   * {@link MAX_QUEUED_BYTES} bytes waiting, the socket is paused until the queue is empty again.
   */
  enqueue(task: () => Promise<void>, bytes = 0): void {
    this.#queued += 1;
    this.#queuedBytes += bytes;
    if ((this.#queued > MAX_QUEUED_TASKS || this.#queuedBytes > MAX_QUEUED_BYTES) && !this.socket.isPaused)
      this.socket.pause();
    this.#queue = this.#queue.then(task).then(() => {
      this.#queued -= 1;
      this.#queuedBytes -= bytes;
      if (this.#queued === 0 && this.socket.isPaused) this.socket.resume();
    });
  }

  /** Tasks queued by {@link enqueue} and not yet finished, and the bytes of their frames. */
  get queued(): { readonly tasks: number; readonly bytes: number } {
    return { tasks: this.#queued, bytes: this.#queuedBytes };
  }

  /** Sends a frame when the socket is open; false when it is not. */
  send(frame: ServerFrame): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Starts the closing handshake (or ends a socket still connecting); safe to call twice. */
  close(code: number, reason: string): void {
    const state = this.socket.readyState;
    if (state === WebSocket.CLOSING || state === WebSocket.CLOSED) return;
    this.socket.close(code, closeReason(reason));
    // A peer that never answers the close must not hold the socket open.
    setTimeout(() => this.socket.terminate(), 5000).unref();
  }
}
