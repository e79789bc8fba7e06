/** How long stopping a tenant's runs waits for their executions to wind down, by default. */
const DEFAULT_STOP_WAIT_MS = 10_000;

/** One execution as {@link ActiveRuns.begin} hands it out. */
export interface RunExecution {
  /** Aborted when the run's tenant is deleted. */
  readonly signal: AbortSignal;
  /** Called once the execution has written its last row. */
  end(): void;
}

interface Entry {
  readonly tenantId: string;
  readonly controller: AbortController;
  readonly settled: Promise<void>;
}

/**
 * The runs this process is executing, and the tenants whose runs must stop: a deleted tenant's
 * running runs are aborted and waited for, and none of its runs starts or writes again. Tenant ids
 * are never reused, so a closed tenant stays closed for the life of the process.
 */
export class ActiveRuns {
  readonly #runs = new Map<string, Entry>();
  readonly #closedTenants = new Set<string>();

  /** Whether the tenant is being (or has been) deleted. */
  isClosed(tenantId: string): boolean {
    return this.#closedTenants.has(tenantId);
  }

  /**
   * Registers an execution that is starting, or answers null when its tenant is closed. It is
   * synchronous on purpose: {@link stopTenant} either sees the execution or the execution sees the
   * tenant closed, with no await in between.
   */
  begin(tenantId: string, runId: string): RunExecution | null {
    if (this.isClosed(tenantId)) return null;
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
   * Closes a tenant and aborts its executions, resolving once they have ended or `waitMs` has
   * passed: an engine stops at the abort, so the bound only guards against a stuck database.
   */
  async stopTenant(tenantId: string, waitMs = DEFAULT_STOP_WAIT_MS): Promise<void> {
    this.#closedTenants.add(tenantId);
    const stopping = [...this.#runs.values()].filter((entry) => entry.tenantId === tenantId);
    if (stopping.length === 0) return;
    for (const entry of stopping) entry.controller.abort(new Error(`Tenant ${tenantId} was deleted.`));
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([Promise.all(stopping.map((entry) => entry.settled)), bound]);
    clearTimeout(timer);
  }
}
