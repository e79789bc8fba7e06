import { removeScratchFolder } from './scratch-folder.ts';
import type { WarmProcess } from './warm-process.ts';

/** A warm process and what the host keeps with it for its whole life. */
export interface WarmHandler {
  readonly process: WarmProcess;
  /** The tenant it serves; its pool key names the tenant too. */
  readonly tenantId: string;
  /**
   * Its scratch folder (HOME, TMPDIR and every invocation's `TEMPO_SCRATCH_DIR`), kept for its
   * whole life and removed once the process and everything it started are gone.
   */
  readonly scratch: string;
  /** Secret values of its environment, scrubbed from what it prints. */
  readonly secretValues: readonly string[];
}

/** `runtimes.externalExecution`'s warm-pool settings. */
export interface WarmPoolLimits {
  /** Idle processes kept per key (`warmPoolSize`). */
  readonly poolSize: number;
  /** An idle process ends after this many ms (`warmIdleTimeoutMs`). */
  readonly idleTimeoutMs: number;
  /** A process ends after this many invocations (`warmMaxInvocations`). */
  readonly maxInvocations: number;
  /**
   * Warm processes alive at once on this host, and of one tenant: past either, the least recently
   * used idle one ends when another is given back. An idle process holds no capacity slot, so
   * without these a tenant with many steps would keep one process per step alive.
   */
  readonly maxLive: number;
  readonly maxLivePerTenant: number;
}

/** The pool's counters. */
export interface WarmPoolSnapshot {
  /** Warm processes alive, idle or busy. */
  readonly live: number;
  /** Of those, idle in the pool. */
  readonly idle: number;
  /** Keys whose handler refused persistent mode: they run one process per invocation. */
  readonly refusedKeys: number;
}

/**
 * The idle warm handler processes, per key: (tenant, runtime, artifact version, runtime
 * configuration, handler). A process serves one key only, so nothing of one tenant (or one
 * artifact version) is ever seen by another's invocation. At most `poolSize` idle per key, each
 * ended after `idleTimeoutMs` idle or `maxInvocations` invocations; the most recently used is
 * taken first, so the others age out when the load drops.
 */
export class WarmPool {
  readonly #limits: WarmPoolLimits;
  readonly #idle = new Map<string, WarmHandler[]>();
  readonly #live = new Set<WarmHandler>();
  readonly #idleTimers = new Map<WarmHandler, NodeJS.Timeout>();
  /** Idle processes, least recently given back first: the order they are ended in past a cap. */
  readonly #idleOrder: WarmHandler[] = [];
  readonly #refused = new Set<string>();
  /** Scratch folders being removed after their process went; a close waits for them. */
  readonly #removals = new Set<Promise<void>>();
  #closed = false;

  constructor(limits: WarmPoolLimits) {
    this.#limits = limits;
  }

  /** The counters now. */
  snapshot(): WarmPoolSnapshot {
    let idle = 0;
    for (const handlers of this.#idle.values()) idle += handlers.length;
    return { live: this.#live.size, idle, refusedKeys: this.#refused.size };
  }

  /** Whether `key`'s handler refused persistent mode once. */
  isRefused(key: string): boolean {
    return this.#refused.has(key);
  }

  /** Remembers that `key`'s handler refused persistent mode; true the first time only. */
  refuse(key: string): boolean {
    if (this.#refused.has(key)) return false;
    this.#refused.add(key);
    return true;
  }

  /** An idle process of `key`, taken out of the pool; null when there is none. */
  take(key: string): WarmHandler | null {
    const handlers = this.#idle.get(key);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: popping an empty list gives undefined, which ends the loop below.
    while (handlers && handlers.length > 0) {
      const handler = handlers.pop();
      // Stryker disable next-line ConditionalExpression: only an empty list gives no handler, and the loop stops before one.
      if (!handler) break;
      clearTimeout(this.#idleTimers.get(handler));
      // Stryker disable next-line CallExpression: a cleared timer left in the map is deleted when the handler is forgotten.
      this.#idleTimers.delete(handler);
      this.#leaveIdleOrder(handler);
      // Stryker disable next-line ConditionalExpression,CallExpression: an empty list of a key holds nothing to take or count.
      if (handlers.length === 0) this.#idle.delete(key);
      if (handler.process.idle) return handler;
    }
    return null;
  }

  /** Tracks a process just started, so that {@link close} ends it whatever state it is in. */
  adopt(handler: WarmHandler): boolean {
    if (this.#closed) return false;
    this.#live.add(handler);
    handler.process.onGone = () => this.#forget(handler);
    return true;
  }

  /**
   * Gives back a process whose invocation ended cleanly: kept idle, or ended when the pool is
   * closed or full for its key or the process reached its invocation limit.
   */
  give(key: string, handler: WarmHandler): void {
    const handlers = this.#idle.get(key) ?? [];
    if (
      this.#closed ||
      !handler.process.idle ||
      handler.process.invocations >= this.#limits.maxInvocations ||
      handlers.length >= this.#limits.poolSize
    ) {
      void handler.process.end();
      return;
    }
    handlers.push(handler);
    this.#idle.set(key, handlers);
    this.#idleOrder.push(handler);
    const timer = setTimeout(() => void handler.process.end(), this.#limits.idleTimeoutMs);
    // Stryker disable next-line CallExpression: only lets a process exit before an idle timer fires.
    timer.unref();
    this.#idleTimers.set(handler, timer);
    this.#enforceCaps(handler.tenantId);
  }

  /** Ends the least recently used idle processes while the tenant's or the host's count is past its cap. */
  #enforceCaps(tenantId: string): void {
    const liveOf = (tenant: string) => [...this.#live].filter((each) => each.tenantId === tenant).length;
    while (liveOf(tenantId) > this.#limits.maxLivePerTenant) {
      const oldest = this.#idleOrder.find((each) => each.tenantId === tenantId);
      if (!oldest) break;
      this.#retire(oldest);
    }
    while (this.#live.size > this.#limits.maxLive) {
      const oldest = this.#idleOrder[0];
      if (!oldest) break;
      this.#retire(oldest);
    }
  }

  /** Ends an idle process now; it leaves the live set at once, before its exit is seen. */
  #retire(handler: WarmHandler): void {
    this.#forget(handler);
    void handler.process.end();
  }

  #leaveIdleOrder(handler: WarmHandler): void {
    const index = this.#idleOrder.indexOf(handler);
    if (index >= 0) this.#idleOrder.splice(index, 1);
  }

  /** Ends every warm process: idle ones by closing their stdin, busy ones by killing them. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      [...this.#live].map((handler) =>
        handler.process.idle ? handler.process.end() : handler.process.kill(),
      ),
    );
    await Promise.all([...this.#removals]);
  }

  #forget(handler: WarmHandler): void {
    if (!this.#live.delete(handler)) return;
    // Stryker disable next-line CallExpression: an idle timer of a handler that is gone ends a process that ended already.
    clearTimeout(this.#idleTimers.get(handler));
    this.#idleTimers.delete(handler);
    this.#leaveIdleOrder(handler);
    for (const [key, handlers] of this.#idle) {
      const index = handlers.indexOf(handler);
      if (index < 0) continue;
      handlers.splice(index, 1);
      if (handlers.length === 0) this.#idle.delete(key);
    }
    // Only once nothing of the handler can still rewrite the folder (see warm-call.ts).
    const removal = handler.process.gone.then(() => removeScratchFolder(handler.scratch));
    this.#removals.add(removal);
    // Stryker disable next-line ArrowFunction: a finished removal left in the set is awaited again at close, at once.
    void removal.finally(() => this.#removals.delete(removal));
  }
}
