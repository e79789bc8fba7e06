import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { UNSHARE_SIGKILL_MARKER } from './handler-isolation.ts';
import { canReadProcessTable } from './process-tree.ts';
import { HANDLER_TAG_VARIABLE, NamespaceContainment, TreeContainment } from './tree-containment.ts';

/** One child process to start: no shell, an explicit environment, bounded output. */
export interface ChildProcessSpec {
  /** Executable path or a bare name looked up on the `PATH` of {@link env}. */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /**
   * The whole environment of the child; nothing is inherited from the server. The call's tag
   * ({@link HANDLER_TAG_VARIABLE}) is added to it.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Written to stdin, which is then closed. */
  readonly stdin: Buffer;
  /** Wall-clock limit in milliseconds; 0 = none. */
  readonly timeoutMs: number;
  readonly maxStdoutBytes: number;
  readonly maxStderrBytes: number;
  /**
   * Kill everything the child started, not only the child, when it is stopped or exits
   * (`killProcessTreeOnCancel`): its process group, and on Linux every process below it or
   * carrying its tag, whatever session it moved to. When false, those processes are left running.
   */
  readonly killTree: boolean;
  /**
   * The value of {@link HANDLER_TAG_VARIABLE} for this call, naming its owner so a later start
   * can find what a crashed server left; a random one is used when omitted.
   */
  readonly containmentTag?: string;
  /**
   * The command is the PID-namespace wrapper of `handler-isolation.ts`: the tree below it is the
   * whole call, swept before the wrapper is killed, and the kernel ends the rest when the handler
   * exits. Default false: the tree is followed through `/proc` and the tag.
   */
  readonly namespaced?: boolean;
  /** Aborted to stop the child (run cancelled). */
  readonly signal?: AbortSignal;
}

/** How a child process ended. */
export type ChildProcessOutcome =
  | {
      readonly kind: 'exited';
      readonly exitCode: number;
      /** The signal that ended the process, when one did (then `exitCode` is 128 + its number). */
      readonly signal: NodeJS.Signals | null;
      readonly stdout: Buffer;
      readonly stderr: Buffer;
    }
  | { readonly kind: 'failedToStart'; readonly message: string }
  | { readonly kind: 'timedOut'; readonly stderr: Buffer }
  | { readonly kind: 'overflow'; readonly stream: 'stdout' | 'stderr'; readonly stderr: Buffer }
  | { readonly kind: 'cancelled'; readonly stderr: Buffer };

/** Collects a stream up to a byte limit and reports the first byte past it. */
export class BoundedBuffer {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  readonly #limitBytes: number;

  constructor(limitBytes: number) {
    this.#limitBytes = limitBytes;
  }

  /** Adds a chunk; false when the limit is exceeded (the excess is dropped). */
  push(chunk: Buffer): boolean {
    const room = this.#limitBytes - this.#size;
    if (chunk.length > room) {
      if (room > 0) this.#chunks.push(chunk.subarray(0, room));
      this.#size = this.#limitBytes;
      return false;
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    return true;
  }

  contents(): Buffer {
    return Buffer.concat(this.#chunks, this.#size);
  }
}

/**
 * How long the output pipes stay open after the child exits: what the child wrote before it
 * exited is read within this, and a background process that inherited the pipes (spared, or one
 * that escaped the sweep) cannot hold the step open.
 */
export const STRAGGLER_PIPE_GRACE_MS = 500;

/**
 * Kills the child, and with `tree` its whole process group: the child is started as the leader
 * of a new group (`detached`), so grandchildren it forked go with it and none outlives the step.
 */
export const killChild = (pid: number | undefined, tree: boolean) => {
  if (pid === undefined) return;
  try {
    process.kill(tree ? -pid : pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
};

/**
 * Runs one child process to its end and never throws: every way it can end is a
 * {@link ChildProcessOutcome}. On Linux and macOS the child leads its own process group, so a
 * timeout, an overflow or a cancel kills everything it started, and stragglers left behind by a
 * child that exits normally are killed too, unless `killTree` is false: then only the child is
 * killed and what it started is left alone. On Linux the tree is followed through `/proc` as
 * well ({@link TreeContainment}), so a grandchild in a session of its own goes with it, and the
 * outcome is answered only once that tree is gone.
 */
export const runChildProcess = (spec: ChildProcessSpec): Promise<ChildProcessOutcome> =>
  new Promise((resolve) => {
    if (spec.signal?.aborted) {
      resolve({ kind: 'cancelled', stderr: Buffer.alloc(0) });
      return;
    }
    // Stryker disable next-line StringLiteral: only Windows tells '' from 'win32' here, and no platform is named ''.
    const useGroup = process.platform !== 'win32';
    const tag = spec.containmentTag ?? (spec.killTree ? `call.${randomBytes(8).toString('hex')}` : undefined);
    const contained = tag !== undefined && spec.killTree && useGroup && canReadProcessTable();
    const namespaced = contained && spec.namespaced === true;
    const containment = contained
      ? namespaced
        ? new NamespaceContainment()
        : new TreeContainment(tag)
      : null;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(spec.command, [...spec.args], {
        cwd: spec.cwd,
        env: tag === undefined ? spec.env : { ...spec.env, [HANDLER_TAG_VARIABLE]: tag },
        // Stryker disable next-line ArrayDeclaration: three pipes are spawn's default stdio.
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: useGroup,
        shell: false,
        // Stryker disable next-line BooleanLiteral: hides a console window on Windows only; nothing changes elsewhere.
        windowsHide: true,
      });
    } catch (error) {
      resolve({ kind: 'failedToStart', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (containment && child.pid !== undefined) containment.attach(child.pid);
    // The sweeps of the tree so far; the outcome waits for them, so no process outlives it.
    let sweep: Promise<unknown> = Promise.resolve();
    const killTree = () => {
      if (namespaced && containment) {
        // The wrapper is the tree's only handle: it is swept with the tree, then its group.
        const swept = containment.killAll().finally(() => killChild(child.pid, true));
        sweep = Promise.allSettled([sweep, swept]);
        return;
      }
      killChild(child.pid, true);
      if (containment) sweep = Promise.allSettled([sweep, containment.killAll()]);
    };
    const stdout = new BoundedBuffer(spec.maxStdoutBytes);
    const stderr = new BoundedBuffer(spec.maxStderrBytes);
    let ending: ChildProcessOutcome['kind'] | null = null;
    // Stryker disable next-line StringLiteral: set before every read, by the data handler that stops the child.
    let overflowStream: 'stdout' | 'stderr' = 'stdout';
    let timer: NodeJS.Timeout | undefined;

    const stop = (why: 'timedOut' | 'overflow' | 'cancelled') => {
      if (ending) return;
      ending = why;
      if (spec.killTree && useGroup) killTree();
      else killChild(child.pid, false);
    };
    const onAbort = () => stop('cancelled');
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, and the listener goes when the outcome is answered.
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    if (spec.timeoutMs > 0) timer = setTimeout(() => stop('timedOut'), spec.timeoutMs);

    // Stryker disable next-line OptionalChaining: with three pipes (above) the child's streams always exist.
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!stdout.push(chunk)) {
        overflowStream = 'stdout';
        stop('overflow');
      }
    });
    // Stryker disable next-line OptionalChaining: as for stdout.
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!stderr.push(chunk)) {
        overflowStream = 'stderr';
        stop('overflow');
      }
    });
    // A child that exits without reading its input makes the write fail with EPIPE; its exit
    // code tells the story, so the write error itself is not the outcome.
    // Stryker disable next-line OptionalChaining: as for stdout.
    child.stdin?.on('error', () => undefined);
    // Stryker disable next-line OptionalChaining: as for stdout.
    child.stdin?.end(spec.stdin);

    // Stragglers keep the pipes open: once the leader exits, they are killed so the pipes close
    // and the step cannot hang on a background child. Whatever still holds the pipes after a
    // short while (a spared tree) is not waited for: the pipes are let go.
    let release: NodeJS.Timeout | undefined;
    child.on('exit', () => {
      // In a namespace, the kernel killed the rest of the tree before the wrapper could exit.
      if (useGroup && spec.killTree && !namespaced) killTree();
      release = setTimeout(() => {
        // Stryker disable next-line OptionalChaining: as for stdout.
        child.stdout?.destroy();
        // Stryker disable next-line OptionalChaining: as for stdout.
        child.stderr?.destroy();
      }, STRAGGLER_PIPE_GRACE_MS);
    });

    let settled = false;
    const finish = (outcome: ChildProcessOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(release);
      spec.signal?.removeEventListener('abort', onAbort);
      const done = () => {
        containment?.dispose();
        resolve(outcome);
      };
      sweep.then(done, done);
    };
    child.on('error', (error) => {
      // Only a spawn failure arrives here before any exit (ENOENT, EACCES, bad cwd).
      if (child.pid === undefined) finish({ kind: 'failedToStart', message: error.message });
    });
    child.on('close', (code, signal) => {
      switch (ending) {
        case 'timedOut':
          return finish({ kind: 'timedOut', stderr: stderr.contents() });
        case 'overflow':
          return finish({ kind: 'overflow', stream: overflowStream, stderr: stderr.contents() });
        case 'cancelled':
          return finish({ kind: 'cancelled', stderr: stderr.contents() });
        default: {
          const errors = stderr.contents();
          // unshare answers the handler's SIGKILL as its own exit 1 and a line of its own.
          if (namespaced && code === 1 && errors.includes(UNSHARE_SIGKILL_MARKER)) {
            return finish({
              kind: 'exited',
              exitCode: 128 + signalNumber('SIGKILL'),
              signal: 'SIGKILL',
              stdout: stdout.contents(),
              stderr: withoutLine(errors, UNSHARE_SIGKILL_MARKER),
            });
          }
          return finish({
            kind: 'exited',
            // A child killed by a signal has no exit code; report it the shell's way (128 + n).
            exitCode: code ?? 128 + signalNumber(signal),
            signal,
            stdout: stdout.contents(),
            stderr: errors,
          });
        }
      }
    });
  });

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGTERM: 15,
  SIGXCPU: 24,
};

/** `text` without the lines that start with `prefix`. */
const withoutLine = (text: Buffer, prefix: string): Buffer =>
  Buffer.from(
    text
      .toString('utf8')
      .split('\n')
      .filter((line) => !line.startsWith(prefix))
      .join('\n'),
    'utf8',
  );

/** A signal's number, for the shell's `128 + n` exit code of a process it ended. */
export const signalNumber = (signal: NodeJS.Signals | null): number =>
  signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0;
