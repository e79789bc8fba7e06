import type { FlowOutcome } from '@tempo/core/engine';

/** How long stopping a tenant's runs waits for their executions to wind down, by default. */
const DEFAULT_STOP_WAIT_MS = 10_000;

/** Why an execution was stopped before it reached its end. */
export type RunStopKind = 'cancelled' | 'shutdown' | 'tenantDeleted';

/**
 * The reason an execution's signal is aborted with: the run service reads it to decide how the
 * run ends (a user's cancel ends it `Cancelled`, a server stop ends it as interrupted, a tenant
 * deletion writes nothing).
 */
export class RunStop extends Error {
  readonly kind: RunStopKind;

  constructor(kind: RunStopKind, message: string) {
    super(message);
    this.name = 'RunStop';
    this.kind = kind;
  }
}

/** The stop an aborted execution signal carries, or null when it was not stopped. */
export const runStopOf = (signal: AbortSignal): RunStop | null =>
  signal.aborted && signal.reason instanceof RunStop ? signal.reason : null;

/**
 * How a run the engine reports `Cancelled` ends, by why it was stopped: a user's cancel stays
 * `Cancelled` with its reason, and a server stop ends it `Exception`, as the start-up recovery
 * ends a run interrupted by a crash. An outcome the engine reached on its own is kept as it is.
 */
export const outcomeAfterStop = (signal: AbortSignal, outcome: FlowOutcome): FlowOutcome => {
  const stop = outcome.state === 'Cancelled' ? runStopOf(signal) : null;
  if (!stop) return outcome;
  return {
    ...outcome,
    state: stop.kind === 'shutdown' ? 'Exception' : 'Cancelled',
    errorMessage: stop.message,
  };
};

/** One execution as {@link ActiveRuns.begin} hands it out. */
export interface RunExecution {
  /** Aborted with a {@link RunStop} when the run is cancelled, the server stops or its tenant is deleted. */
  readonly signal: AbortSignal;
  /** Called once the execution has written its last row. */
  end(): void;
}

interface Entry {
  readonly tenantId: string;
  readonly controller: AbortController;
  readonly settled: Promise<void>;
}

/** Resolves once every promise has settled or `waitMs` has passed, whichever comes first. */
const settleWithin = async (pending: readonly Promise<void>[], waitMs: number): Promise<void> => {
  if (pending.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  await Promise.race([Promise.all(pending), bound]);
  clearTimeout(timer);
};

/**
 * The runs this process is executing, and what may no longer start: a deleted tenant's running
 * runs are aborted and waited for, and none of its runs starts or writes again (tenant ids are
 * never reused, so a closed tenant stays closed for the life of the process); once the server
 * is stopping, nothing starts at all.
 */
export class ActiveRuns {
  readonly #runs = new Map<string, Entry>();
  readonly #closedTenants = new Set<string>();
  #stopping = false;

  /** Whether the tenant is being (or has been) deleted. */
  isClosed(tenantId: string): boolean {
    return this.#closedTenants.has(tenantId);
  }

  /**
   * Registers an execution that is starting, or answers null when its tenant is closed or the
   * server is stopping. It is synchronous on purpose: {@link stopTenant}, {@link cancelRun} and
   * {@link stopAll} either see the execution or the execution sees that it may not start, with
   * no await in between.
   */
  begin(tenantId: string, runId: string): RunExecution | null {
    if (this.#stopping || this.isClosed(tenantId)) return null;
    const controller = new AbortController();
    let settle = () => {};
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.#runs.set(runId, { tenantId, controller, settled });
    return {
      signal: controller.signal,
      end: () => {
        this.#runs.delete(runId);
        settle();
      },
    };
  }

  /**
   * Cancels one run executing here: its engine stops before the next step and its handler
   * processes are killed. Resolves to false when the run is not executing in this process, else
   * to true once the execution has ended or `waitMs` has passed.
   */
  async cancelRun(runId: string, waitMs = DEFAULT_STOP_WAIT_MS): Promise<boolean> {
    const entry = this.#runs.get(runId);
    if (!entry) return false;
    entry.controller.abort(new RunStop('cancelled', 'The run was cancelled while it was running.'));
    await settleWithin([entry.settled], waitMs);
    return true;
  }

  /**
   * Closes a tenant and aborts its executions, resolving once they have ended or `waitMs` has
   * passed: an engine stops at the abort, so the bound only guards against a stuck database.
   */
  async stopTenant(tenantId: string, waitMs = DEFAULT_STOP_WAIT_MS): Promise<void> {
    this.#closedTenants.add(tenantId);
    const stopping = [...this.#runs.values()].filter((entry) => entry.tenantId === tenantId);
    for (const entry of stopping)
      entry.controller.abort(new RunStop('tenantDeleted', `Tenant ${tenantId} was deleted.`));
    await settleWithin(
      stopping.map((entry) => entry.settled),
      waitMs,
    );
  }

  /**
   * Server stop: nothing starts from now on; the executions already running get `graceMs` to
   * finish, then the rest are aborted and given `waitMs` to record how they ended.
   */
  async stopAll(graceMs: number, waitMs = DEFAULT_STOP_WAIT_MS): Promise<void> {
    this.#stopping = true;
    await settleWithin(
      [...this.#runs.values()].map((entry) => entry.settled),
      graceMs,
    );
    const remaining = [...this.#runs.values()];
    for (const entry of remaining)
      entry.controller.abort(new RunStop('shutdown', 'The server stopped while the run was executing.'));
    await settleWithin(
      remaining.map((entry) => entry.settled),
      waitMs,
    );
  }
}
