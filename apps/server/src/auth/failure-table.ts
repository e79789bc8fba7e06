/** Options of a {@link FailureTable}. */
export interface FailureTableOptions {
  /** Failures within one window at which a key is locked; a locked key is never evicted early. */
  readonly lockAt: number;
  /** How long a key's failures are remembered, counted from its first failure, in milliseconds. */
  readonly windowMs: number;
  /** Keys remembered at most. */
  readonly capacity: number;
}

interface Entry {
  count: number;
  readonly firstMs: number;
}

/**
 * Failure counts per key (an account, a client address) within a fixed window, in bounded memory.
 *
 * When the table is full, room is made without handing an attacker a reset: expired keys go
 * first, then the unlocked key with the fewest failures (oldest first among equals). A locked key
 * stays until its window ends, so flooding the table with fresh keys cannot unlock it, and a key
 * close to the lock outlives every key with fewer failures. When every remembered key is locked, a
 * new key is not remembered at all; the caller's other limits still apply to it.
 */
export class FailureTable {
  readonly #options: FailureTableOptions;
  // Insertion order is window-start order (a key whose window restarts is deleted and re-added),
  // so expired keys are always at the front.
  readonly #entries = new Map<string, Entry>();
  // Unlocked keys by failure count (index = count), each in the order they reached that count.
  readonly #byCount: Set<string>[];

  constructor(options: FailureTableOptions) {
    if (options.lockAt < 1 || options.capacity < 1 || options.windowMs < 1)
      throw new RangeError('lockAt, capacity and windowMs must be positive.');
    this.#options = options;
    this.#byCount = Array.from({ length: options.lockAt }, () => new Set<string>());
  }

  /** Keys remembered now (expired ones included until they are next touched). */
  get size(): number {
    return this.#entries.size;
  }

  /** Failures of the key within its current window; 0 when none are remembered. */
  count(key: string, nowMs: number): number {
    return this.#current(key, nowMs)?.count ?? 0;
  }

  /** Whether the key has reached {@link FailureTableOptions.lockAt} failures within its window. */
  isLocked(key: string, nowMs: number): boolean {
    return this.count(key, nowMs) >= this.#options.lockAt;
  }

  /** Milliseconds until the key's window ends and its failures are forgotten; 0 when none are remembered. */
  remainingMs(key: string, nowMs: number): number {
    const entry = this.#current(key, nowMs);
    return entry ? Math.max(0, entry.firstMs + this.#options.windowMs - nowMs) : 0;
  }

  /** Records one failure; answers false when the table is full of locked keys and the key is not remembered. */
  add(key: string, nowMs: number): boolean {
    const entry = this.#current(key, nowMs);
    if (entry) {
      this.#move(key, entry.count, entry.count + 1);
      entry.count += 1;
      return true;
    }
    this.#dropExpired(nowMs);
    if (this.#entries.size >= this.#options.capacity && !this.#evictOne()) return false;
    this.#entries.set(key, { count: 1, firstMs: nowMs });
    this.#move(key, 0, 1);
    return true;
  }

  /** Takes back one failure (an attempt counted in advance that turned out well). */
  refund(key: string, nowMs: number): void {
    const entry = this.#current(key, nowMs);
    if (!entry) return;
    if (entry.count <= 1) {
      this.remove(key);
      return;
    }
    this.#move(key, entry.count, entry.count - 1);
    entry.count -= 1;
  }

  /** Forgets the key. */
  remove(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#byCount[entry.count]?.delete(key);
    this.#entries.delete(key);
  }

  #current(key: string, nowMs: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && nowMs - entry.firstMs >= this.#options.windowMs) {
      this.remove(key);
      return undefined;
    }
    return entry;
  }

  // Keeps a key in the group of its count; locked counts have no group, so they are never evicted.
  #move(key: string, from: number, to: number): void {
    this.#byCount[from]?.delete(key);
    this.#byCount[to]?.add(key);
  }

  #dropExpired(nowMs: number): void {
    for (const [key, entry] of this.#entries) {
      if (nowMs - entry.firstMs < this.#options.windowMs) return;
      this.remove(key);
    }
  }

  #evictOne(): boolean {
    for (const group of this.#byCount) {
      const first = group.values().next();
      if (!first.done) {
        this.remove(first.value);
        return true;
      }
    }
    return false;
  }
}
