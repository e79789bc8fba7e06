import { type ChildProcess, spawn } from 'node:child_process';
import {
  BoundedBuffer,
  type ChildProcessOutcome,
  type ChildProcessSpec,
  killChild,
  STRAGGLER_PIPE_GRACE_MS,
  signalNumber,
} from './child-process-run.ts';
import { type ChildFrame, parseChildFrame } from './persistent-protocol.ts';
import { canReadProcessTable } from './process-tree.ts';
import { HANDLER_TAG_VARIABLE, NamespaceContainment, TreeContainment } from './tree-containment.ts';

/**
 * How to start one warm handler process: as a one-shot child (the whole environment, with the
 * offer variable; its tree killed with it), plus the protocol's bounds.
 */
export interface WarmProcessSpec
  extends Pick<ChildProcessSpec, 'command' | 'args' | 'cwd' | 'env' | 'killTree' | 'maxStderrBytes'> {
  /** The value of the tree tag (see `tree-containment.ts`). */
  readonly containmentTag: string;
  /** The command is the PID-namespace wrapper (see `child-process-run.ts`). */
  readonly namespaced: boolean;
  /** How long the child has to write its ready line, in ms. */
  readonly startTimeoutMs: number;
  /** The longest stdout line accepted, in bytes: a result line longer than this is an overflow. */
  readonly maxLineBytes: number;
}

/** How a warm process's start ended: ready, or why not. */
export type WarmStart =
  | { readonly ok: true; readonly process: WarmProcess }
  | { readonly ok: false; readonly reason: string };

/** How one invocation of a warm process ended. */
export type WarmCallOutcome =
  | { readonly kind: 'result'; readonly result: unknown; readonly stderr: Buffer }
  | { readonly kind: 'malformed'; readonly message: string; readonly stderr: Buffer }
  | Exclude<ChildProcessOutcome, { kind: 'failedToStart' }>;

/** What one invocation is told and how it is bounded. */
export interface WarmCallOptions {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Each log frame of the invocation, in order. */
  readonly onLog: (level: string, text: string) => void;
}

type State = 'starting' | 'idle' | 'busy' | 'dead';

interface Call {
  readonly options: WarmCallOptions;
  readonly stderr: BoundedBuffer;
  readonly finish: (outcome: WarmCallOutcome) => void;
  /** Set when the host stopped the call and killed the process. */
  stopped: 'timedOut' | 'cancelled' | 'overflow' | null;
  overflowStream: 'stdout' | 'stderr';
  malformed: string | null;
  timer: NodeJS.Timeout | undefined;
  onAbort: () => void;
}

/** How long an ended child has to exit after its stdin closed before it is killed. */
const END_GRACE_MS = 2_000;

/**
 * One handler process in protocol v1 persistent mode: started once, answering one invoke line
 * after another until its stdin closes. A call's timeout, cancel or overflow, a malformed line
 * or an exit kills it for good: a process is reused only after a clean result.
 */
export class WarmProcess {
  readonly #spec: WarmProcessSpec;
  readonly #child: ChildProcess;
  readonly #containment: TreeContainment | NamespaceContainment | null;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: the Windows branch, never taken on the Linux hosts the tests run on.
  readonly #useGroup = process.platform !== 'win32';
  #state: State = 'starting';
  /** Set once the process closed its pipes: its pid may belong to another process by then. */
  #exited = false;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #call: Call | null = null;
  #invocations = 0;
  #onReady: ((reason: string | null) => void) | null = null;
  #sweep: Promise<unknown> = Promise.resolve();
  readonly #closed: Promise<void>;
  /** Called once when the process is gone or is being ended, so its pool forgets it. */
  onGone: (() => void) | null = null;

  private constructor(spec: WarmProcessSpec) {
    this.#spec = spec;
    const contained = spec.killTree && this.#useGroup && canReadProcessTable();
    this.#containment = contained
      ? spec.namespaced
        ? new NamespaceContainment()
        : new TreeContainment(spec.containmentTag)
      : null;
    this.#child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...spec.env, [HANDLER_TAG_VARIABLE]: spec.containmentTag },
      // Stryker disable next-line ArrayDeclaration: pipes are spawn's default.
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: this.#useGroup,
      shell: false,
      // Stryker disable next-line BooleanLiteral: Windows only.
      windowsHide: true,
    });
    if (this.#containment && this.#child.pid !== undefined) this.#containment.attach(this.#child.pid);
    this.#child.stdin?.on('error', () => undefined);
    // Stryker disable next-line OptionalChaining: the pipes exist, spawned with stdio pipes.
    this.#child.stdout?.on('data', (chunk: Buffer) => this.#onStdout(chunk));
    // Stryker disable next-line OptionalChaining: the pipes exist, spawned with stdio pipes.
    this.#child.stderr?.on('data', (chunk: Buffer) => this.#onStderr(chunk));
    let release: NodeJS.Timeout | undefined;
    this.#child.on('exit', () => {
      // Stragglers are killed so the pipes close, as for a one-shot call.
      if (this.#useGroup && spec.killTree && !spec.namespaced) this.#killTree();
      release = setTimeout(() => {
        // Stryker disable next-line OptionalChaining: the pipes exist, spawned with stdio pipes.
        this.#child.stdout?.destroy();
        // Stryker disable next-line OptionalChaining: the pipes exist, spawned with stdio pipes.
        this.#child.stderr?.destroy();
      }, STRAGGLER_PIPE_GRACE_MS);
    });
    this.#closed = new Promise((resolve) => {
      let done = false;
      const close = (code: number | null, signal: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        // Stryker disable next-line CallExpression: destroying pipes that closed already does nothing.
        clearTimeout(release);
        this.#onClose(code, signal);
        const settle = () => {
          this.#containment?.dispose();
          resolve();
        };
        this.#sweep.then(settle, settle);
      };
      this.#child.on('close', close);
      this.#child.on('error', (error) => {
        if (this.#child.pid === undefined) {
          this.#onReady?.(`it failed to start: ${error.message}`);
          close(null, null);
        }
      });
    });
  }

  /**
   * Starts a process and waits for its ready line. Anything else first (another line, an exit,
   * silence past the start-up limit) kills it, and the reason says which.
   */
  static start(spec: WarmProcessSpec): Promise<WarmStart> {
    const warm = new WarmProcess(spec);
    return new Promise((resolve) => {
      const timer = setTimeout(
        // Stryker disable next-line OptionalChaining: the callback is set before the timer can fire.
        () => warm.#onReady?.(`no ready line within ${spec.startTimeoutMs} ms`),
        spec.startTimeoutMs,
      );
      warm.#onReady = (reason) => {
        warm.#onReady = null;
        // Stryker disable next-line CallExpression: the timer would find no callback and do nothing.
        clearTimeout(timer);
        if (reason === null) {
          warm.#state = 'idle';
          resolve({ ok: true, process: warm });
          return;
        }
        warm.kill().then(() => resolve({ ok: false, reason }));
      };
    });
  }

  /** The operating system's id of the process (the wrapper's, when namespaced). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Invocations answered so far. */
  get invocations(): number {
    return this.#invocations;
  }

  /** Whether it can take an invocation now. */
  /** Resolves once the process has closed and, where the tree is killed, everything it started is gone. */
  get gone(): Promise<void> {
    return this.#closed;
  }

  get idle(): boolean {
    return this.#state === 'idle';
  }

  /** Sends one invoke line and waits for its result line, or for the end the call came to. */
  invoke(line: string, options: WarmCallOptions): Promise<WarmCallOutcome> {
    if (this.#state !== 'idle') throw new Error('a warm handler process takes one invocation at a time');
    this.#state = 'busy';
    this.#invocations += 1;
    return new Promise((resolve) => {
      const call: Call = {
        options,
        stderr: new BoundedBuffer(this.#spec.maxStderrBytes),
        stopped: null,
        // Stryker disable next-line StringLiteral: every overflow sets the stream before it stops the call.
        overflowStream: 'stdout',
        malformed: null,
        timer: undefined,
        onAbort: () => this.#stop(call, 'cancelled'),
        finish: (outcome) => {
          clearTimeout(call.timer);
          options.signal.removeEventListener('abort', call.onAbort);
          this.#call = null;
          if (this.#state === 'busy') this.#state = 'idle';
          resolve(outcome);
        },
      };
      this.#call = call;
      if (options.signal.aborted) {
        this.#stop(call, 'cancelled');
        return;
      }
      // Stryker disable next-line ObjectLiteral: a signal aborts once, and the listener goes when the call ends.
      options.signal.addEventListener('abort', call.onAbort, { once: true });
      if (options.timeoutMs > 0)
        call.timer = setTimeout(() => this.#stop(call, 'timedOut'), options.timeoutMs);
      // Stryker disable next-line OptionalChaining: the pipes exist, spawned with stdio pipes.
      this.#child.stdin?.write(line);
    });
  }

  /** Ends an idle process the protocol's way: its stdin closes, and it is killed if it lingers. */
  async end(): Promise<void> {
    if (this.#state === 'dead' || this.#exited) return this.#closed;
    this.#markGone();
    this.#child.stdin?.end();
    const timer = setTimeout(() => this.#killTree(), END_GRACE_MS);
    await this.#closed;
    // Stryker disable next-line CallExpression: a late kill of a process that is gone does nothing.
    clearTimeout(timer);
  }

  /** Kills the process and everything it started, and waits until they are gone. */
  async kill(): Promise<void> {
    this.#markGone();
    if (!this.#exited) this.#killTree();
    await this.#closed;
  }

  #markGone(): void {
    this.#state = 'dead';
    const gone = this.onGone;
    this.onGone = null;
    gone?.();
  }

  #killTree(): void {
    if (this.#spec.killTree && this.#useGroup && this.#containment) {
      const containment = this.#containment;
      const swept = this.#spec.namespaced
        ? containment.killAll().finally(() => killChild(this.#child.pid, true))
        : containment.killAll();
      if (!this.#spec.namespaced) killChild(this.#child.pid, true);
      this.#sweep = Promise.allSettled([this.#sweep, swept]);
      return;
    }
    killChild(this.#child.pid, this.#spec.killTree && this.#useGroup);
  }

  #stop(call: Call, why: 'timedOut' | 'cancelled' | 'overflow'): void {
    if (call.stopped || call.malformed !== null) return;
    call.stopped = why;
    this.#markGone();
    this.#killTree();
  }

  #onStdout(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(0x0a, start);
    while (newline >= 0) {
      const piece = chunk.subarray(start, newline);
      const line =
        // Stryker disable next-line ConditionalExpression: concatenating nothing before the piece gives the same line.
        this.#pending.length === 0
          ? piece.toString('utf8')
          : Buffer.concat([...this.#pending, piece]).toString('utf8');
      this.#pending = [];
      this.#pendingBytes = 0;
      if (line.trim() !== '') this.#onLine(parseChildFrame(line), Buffer.byteLength(line));
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty rest adds nothing to the pending line.
    if (start < chunk.length) {
      this.#pending.push(chunk.subarray(start));
      this.#pendingBytes += chunk.length - start;
      if (this.#pendingBytes > this.#spec.maxLineBytes) this.#onOverlongLine();
    }
  }

  #onOverlongLine(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    const call = this.#call;
    if (call) {
      call.overflowStream = 'stdout';
      this.#stop(call, 'overflow');
      return;
    }
    this.#onReady?.('its first line passed the byte limit');
    if (this.#state === 'idle') void this.kill();
  }

  #onLine(frame: ChildFrame, bytes: number): void {
    if (this.#state === 'starting') {
      this.#onReady?.(frame.type === 'ready' ? null : 'its first line was not the ready line');
      return;
    }
    const call = this.#call;
    if (!call) {
      // Between invocations only log lines (a late callback's output) are harmless; they have
      // no step to go to.
      if (frame.type !== 'log' && this.#state === 'idle') void this.kill();
      return;
    }
    if (call.stopped || call.malformed !== null) return;
    switch (frame.type) {
      case 'log':
        call.options.onLog(frame.level, frame.text);
        return;
      case 'result':
        if (bytes > this.#spec.maxLineBytes) {
          call.overflowStream = 'stdout';
          this.#stop(call, 'overflow');
          return;
        }
        call.finish({ kind: 'result', result: frame.result, stderr: call.stderr.contents() });
        return;
      case 'ready':
        this.#malformed(call, 'a second ready line came during an invocation.');
        return;
      case 'invalid':
        this.#malformed(call, frame.message);
        return;
    }
  }

  /** A line the protocol does not allow: the invocation fails and the process goes. */
  #malformed(call: Call, message: string): void {
    call.malformed = message;
    this.#markGone();
    this.#killTree();
    call.finish({ kind: 'malformed', message, stderr: call.stderr.contents() });
  }

  #onStderr(chunk: Buffer): void {
    const call = this.#call;
    // stderr between invocations belongs to no step, and is dropped.
    if (!call || call.stopped) return;
    if (!call.stderr.push(chunk)) {
      call.overflowStream = 'stderr';
      this.#stop(call, 'overflow');
    }
  }

  #onClose(code: number | null, signal: NodeJS.Signals | null): void {
    this.#exited = true;
    this.#state = 'dead';
    this.#onReady?.(`it exited with code ${code ?? signal ?? 'unknown'} before its ready line`);
    const gone = this.onGone;
    this.onGone = null;
    gone?.();
    const call = this.#call;
    if (!call) return;
    call.finish(endOf(call, code, signal));
  }
}

/** How a call ended when its process closed: as the host stopped it, or as the process exited. */
const endOf = (call: Call, code: number | null, signal: NodeJS.Signals | null): WarmCallOutcome => {
  const stderr = call.stderr.contents();
  switch (call.stopped) {
    case 'timedOut':
      return { kind: 'timedOut', stderr };
    case 'cancelled':
      return { kind: 'cancelled', stderr };
    case 'overflow':
      return { kind: 'overflow', stream: call.overflowStream, stderr };
    default:
      return {
        kind: 'exited',
        exitCode: code ?? 128 + signalNumber(signal),
        signal,
        stdout: Buffer.alloc(0),
        stderr,
      };
  }
};
