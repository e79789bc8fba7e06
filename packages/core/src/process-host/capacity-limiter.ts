/** A held slot of the process limits; release it exactly once when the process is done. */
export interface CapacityLease {
  readonly queuedUtc: string;
  readonly acquiredUtc: string;
  /** How long the caller waited for the slot, in milliseconds. */
  readonly waitMs: number;
  release(): void;
}

/** The process limits of `runtimes.externalExecution`. */
export interface CapacityLimits {
  readonly maxServerWide: number;
  readonly maxPerTenant: number;
}

/** The limiter's counters at one moment. */
export interface CapacitySnapshot {
  readonly maxServerWide: number;
  readonly maxPerTenant: number;
  readonly activeServerWide: number;
  readonly queuedServerWide: number;
  readonly activeByTenant: Readonly<Record<string, number>>;
  readonly queuedByTenant: Readonly<Record<string, number>>;
  /** Milliseconds callers have waited for slots since start. */
  readonly totalCapacityWaitMs: number;
}

interface Waiter {
  readonly tenantId: string;
  readonly grant: () => void;
}

/**
 * The server-wide and per-tenant caps on concurrent handler processes. Waiters are served in
 * arrival order, skipping those whose tenant is at its own cap, so one busy tenant cannot hold up
 * another that still has room.
 */
export class CapacityLimiter {
  readonly #limits: CapacityLimits;
  #running = 0;
  readonly #perTenant = new Map<string, number>();
  readonly #waiters: Waiter[] = [];
  #totalWaitMs = 0;

  constructor(limits: CapacityLimits) {
    this.#limits = limits;
  }

  /** Who holds and who waits for slots now. */
  snapshot(): CapacitySnapshot {
    const queuedByTenant: Record<string, number> = {};
    for (const waiter of this.#waiters)
      queuedByTenant[waiter.tenantId] = (queuedByTenant[waiter.tenantId] ?? 0) + 1;
    return {
      maxServerWide: this.#limits.maxServerWide,
      maxPerTenant: this.#limits.maxPerTenant,
      activeServerWide: this.#running,
      queuedServerWide: this.#waiters.length,
      activeByTenant: Object.fromEntries(this.#perTenant),
      queuedByTenant,
      totalCapacityWaitMs: this.#totalWaitMs,
    };
  }

  /** Waits for a slot for `tenantId`; rejects with the signal's reason when it is aborted first. */
  acquire(tenantId: string, signal?: AbortSignal): Promise<CapacityLease> {
    const queued = Date.now();
    return new Promise((resolve, reject) => {
      const grant = () => {
        // Stryker disable next-line StringLiteral: a listener left behind finds the waiter gone and rejects a settled promise, which does nothing.
        signal?.removeEventListener('abort', onAbort);
        this.#take(tenantId);
        const acquired = Date.now();
        this.#totalWaitMs += acquired - queued;
        let released = false;
        resolve({
          queuedUtc: new Date(queued).toISOString(),
          acquiredUtc: new Date(acquired).toISOString(),
          waitMs: acquired - queued,
          release: () => {
            if (released) return;
            released = true;
            this.#give(tenantId);
          },
        });
      };
      const waiter: Waiter = { tenantId, grant };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        // Stryker disable next-line OptionalChaining,StringLiteral: only a signal calls this, and an aborted signal always has a reason.
        reject(signal?.reason ?? new Error('aborted'));
      };
      if (signal?.aborted) return onAbort();
      if (this.#hasRoom(tenantId)) return grant();
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, and the listener goes at the grant.
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #hasRoom(tenantId: string): boolean {
    return (
      this.#running < this.#limits.maxServerWide &&
      (this.#perTenant.get(tenantId) ?? 0) < this.#limits.maxPerTenant
    );
  }

  #take(tenantId: string) {
    this.#running += 1;
    this.#perTenant.set(tenantId, (this.#perTenant.get(tenantId) ?? 0) + 1);
  }

  #give(tenantId: string) {
    this.#running -= 1;
    const left = (this.#perTenant.get(tenantId) ?? 1) - 1;
    if (left === 0) this.#perTenant.delete(tenantId);
    else this.#perTenant.set(tenantId, left);
    const next = this.#waiters.findIndex((waiter) => this.#hasRoom(waiter.tenantId));
    if (next >= 0) {
      const [waiter] = this.#waiters.splice(next, 1);
      // Stryker disable next-line OptionalChaining: splice at a found index always returns the waiter.
      waiter?.grant();
    }
  }
}
