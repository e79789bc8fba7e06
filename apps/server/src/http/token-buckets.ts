/** One key's bucket: the tokens it holds as of `refilledMs`. */
export interface TokenBucket {
  tokens: number;
  refilledMs: number;
}

/** Options of {@link TokenBuckets}. */
export interface TokenBucketsOptions {
  /** Tokens added per second; more than 0. */
  readonly ratePerSecond: number;
  /** Tokens a bucket holds at most (the burst); default one second's worth. */
  readonly capacity?: number;
  /** Keys remembered at most; past it, full buckets (and then the oldest) are forgotten. Default 100,000. */
  readonly maxKeys?: number;
}

/**
 * Token buckets by key, kept in memory: each key may spend `capacity` tokens at once and gets
 * them back at `ratePerSecond`. Nothing runs in the background and nothing is allocated per
 * call once a key has its bucket: a bucket is brought up to date when it is looked at.
 */
export class TokenBuckets {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(options: TokenBucketsOptions) {
    this.#ratePerMs = options.ratePerSecond / 1000;
    this.#capacity = Math.max(1, options.capacity ?? options.ratePerSecond);
    this.#maxKeys = Math.max(1, options.maxKeys ?? 100_000);
  }

  /** How many keys have a bucket (for tests and gauges). */
  get size(): number {
    return this.#buckets.size;
  }

  /** The key's bucket brought up to `nowMs`; a key never seen before starts full. */
  refilled(key: string, nowMs: number): TokenBucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxKeys) this.#forget(nowMs);
      bucket = { tokens: this.#capacity, refilledMs: nowMs };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    const elapsedMs = nowMs - bucket.refilledMs;
    if (elapsedMs > 0) {
      bucket.tokens = Math.min(this.#capacity, bucket.tokens + elapsedMs * this.#ratePerMs);
      bucket.refilledMs = nowMs;
    }
    return bucket;
  }

  /** Spends one token of the key's bucket when it holds one; answers whether it did. */
  take(key: string, nowMs: number): boolean {
    const bucket = this.refilled(key, nowMs);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Milliseconds until a bucket brought up to date by {@link refilled} holds a whole token; 0 = now. */
  waitMs(bucket: TokenBucket): number {
    return bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) / this.#ratePerMs;
  }

  /**
   * Makes room for a new key: buckets that have refilled to full are the same as no bucket, so
   * they go first; if none has, the least recently created one goes.
   */
  #forget(nowMs: number): void {
    for (const [key, bucket] of this.#buckets)
      if (bucket.tokens + (nowMs - bucket.refilledMs) * this.#ratePerMs >= this.#capacity)
        this.#buckets.delete(key);
    if (this.#buckets.size < this.#maxKeys) return;
    const oldest = this.#buckets.keys().next().value;
    if (oldest !== undefined) this.#buckets.delete(oldest);
  }
}
