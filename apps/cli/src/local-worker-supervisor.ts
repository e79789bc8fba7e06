import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { decideRestart, describeExit, type WorkerExit } from './local-worker-restarts.ts';
import { WORKER_MAIN_SCRIPT } from './repo-paths.ts';
import { findExecutable } from './services/process-tools.ts';

/** One local worker: its id and settings file. */
export interface LocalWorkerSpec {
  readonly workerId: string;
  readonly settingsFile: string;
}

/** Options of {@link LocalWorkerSupervisor}. */
export interface LocalWorkerSupervisorOptions {
  readonly workers: readonly LocalWorkerSpec[];
  /**
   * How long a worker may take to stop after SIGTERM, in ms, before it and its process group are
   * killed: its own grace for running runs plus a margin.
   */
  readonly stopTimeoutMs: number;
  /** Receives each line `up` prints about its workers (without the `tempo: up: ` prefix). */
  readonly report: (line: string) => void;
}

/** One supervised worker. */
interface Slot {
  readonly spec: LocalWorkerSpec;
  child: ChildProcess | null;
  /** Resolves when the current process has ended. */
  ended: Promise<void>;
  /** Quick failures in a row (see `decideRestart`). */
  failures: number;
  restartTimer: NodeJS.Timeout | null;
}

/**
 * The environment of a worker process: the file it is started with is complete, so no `TEMPO_*`
 * variable of `up` reaches it (`TEMPO_WORKER_ID` would give every worker the same id, and the
 * server's own, such as the administrator key or a database password, are none of its business),
 * except the telemetry ones, which describe the machine's collector.
 */
const workerEnvironment = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.startsWith('TEMPO_') || name.startsWith('TEMPO_TELEMETRY_')),
  );

/**
 * Starts and watches the local workers of `./tempo up --workers N`. Each is the worker daemon
 * (what `./tempo worker --config FILE` runs) in a process group of its own, so Ctrl-C at the
 * terminal reaches `up` alone and `up` stops the workers in order; on Linux, `setpriv
 * --pdeathsig` also sends it SIGTERM should `up` die without stopping it. A worker that ends
 * by itself is started again with backoff, within a bound; its output lines are passed on with
 * its id.
 */
export class LocalWorkerSupervisor {
  readonly #options: LocalWorkerSupervisorOptions;
  readonly #slots: Slot[];
  readonly #prefix: readonly string[];
  #stopping = false;
  /** Kills what is left when `up` ends at once (a second Ctrl-C calls `process.exit`). */
  readonly #onProcessExit = () => {
    for (const slot of this.#slots) this.#killGroup(slot, 'SIGKILL');
  };

  constructor(options: LocalWorkerSupervisorOptions) {
    this.#options = options;
    this.#slots = options.workers.map((spec) => ({
      spec,
      child: null,
      ended: Promise.resolve(),
      failures: 0,
      restartTimer: null,
    }));
    const setpriv = process.platform === 'linux' ? findExecutable('setpriv') : undefined;
    this.#prefix = setpriv === undefined ? [] : [setpriv, '--pdeathsig', 'TERM', '--'];
  }

  /** Starts every worker. */
  start(): void {
    process.on('exit', this.#onProcessExit);
    for (const slot of this.#slots) this.#spawn(slot);
  }

  /** Process ids of the workers running now, by worker id. */
  get pids(): ReadonlyMap<string, number> {
    const pids = new Map<string, number>();
    for (const slot of this.#slots)
      if (slot.child?.pid !== undefined && slot.child.exitCode === null && slot.child.signalCode === null)
        pids.set(slot.spec.workerId, slot.child.pid);
    return pids;
  }

  /**
   * Stops every worker: SIGTERM (each finishes or hands back its runs), then after
   * `stopTimeoutMs` SIGKILL to its whole process group. Resolves once all have ended; no restart
   * is scheduled after this is called.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const slot of this.#slots) {
      if (slot.restartTimer !== null) clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
    }
    await Promise.all(this.#slots.map((slot) => this.#stopOne(slot)));
    process.off('exit', this.#onProcessExit);
  }

  async #stopOne(slot: Slot): Promise<void> {
    const { child } = slot;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      slot.ended.then(() => false),
      new Promise<boolean>((wake) => {
        timer = setTimeout(() => wake(true), this.#options.stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
    this.#options.report(
      `worker ${slot.spec.workerId} did not stop within ${this.#options.stopTimeoutMs / 1000} s; killing it`,
    );
    this.#killGroup(slot, 'SIGKILL');
    await slot.ended;
  }

  /** Signals the worker's process group (its handler processes too) while the worker still runs. */
  #killGroup(slot: Slot, signal: NodeJS.Signals): void {
    const { child } = slot;
    // Only while the leader lives: after that the group id could name someone else's group.
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Ended in the meantime.
    }
  }

  #spawn(slot: Slot): void {
    const startedMs = Date.now();
    const [command = process.execPath, ...prefixArgs] = [...this.#prefix, process.execPath];
    const child = spawn(
      command,
      [
        ...prefixArgs,
        '--disable-warning=ExperimentalWarning',
        WORKER_MAIN_SCRIPT,
        '--config',
        slot.spec.settingsFile,
      ],
      { env: workerEnvironment(process.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    slot.child = child;
    for (const stream of [child.stdout, child.stderr])
      if (stream !== null)
        createInterface({ input: stream }).on('line', (line) =>
          this.#options.report(`${slot.spec.workerId}: ${line}`),
        );
    slot.ended = new Promise((resolveEnded) => {
      let settled = false;
      const onEnd = (exit: Omit<WorkerExit, 'ranForMs'>, error?: Error) => {
        if (settled) return;
        settled = true;
        resolveEnded();
        if (error !== undefined)
          this.#options.report(`worker ${slot.spec.workerId} could not be started: ${error.message}`);
        this.#afterExit(slot, { ...exit, ranForMs: Date.now() - startedMs });
      };
      child.once('exit', (code, signal) => onEnd({ code, signal }));
      child.once('error', (error) => onEnd({ code: null, signal: null }, error));
    });
  }

  #afterExit(slot: Slot, exit: WorkerExit): void {
    if (this.#stopping) return;
    const { workerId } = slot.spec;
    const decision = decideRestart(exit, slot.failures);
    if (decision.kind === 'give-up') {
      this.#options.report(
        `worker ${workerId} ended (${describeExit(exit)}) and is not started again: ${decision.reason}; its log is in the log viewer`,
      );
      return;
    }
    slot.failures = decision.attempt;
    this.#options.report(
      `worker ${workerId} ended (${describeExit(exit)}); starting it again in ${(decision.delayMs / 1000).toFixed(1)} s`,
    );
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (!this.#stopping) this.#spawn(slot);
    }, decision.delayMs);
  }
}
