/** The line written once where a run's logs reach `runLogs.maxBytesPerRun`. */
export const truncationMarker = (capBytes: number): string =>
  `[tempo] run log truncated: this run reached runLogs.maxBytesPerRun (${capBytes} bytes); later output is dropped.\n`;

/** What {@link RunLogBudget.take} allows of a write. */
export type BudgetGrant =
  /** The whole write fits. */
  | { readonly kind: 'whole' }
  /** The write does not fit: write the marker in its place, once; nothing more of the run is kept. */
  | { readonly kind: 'marker'; readonly marker: string }
  /** The cap was reached before: drop the write. */
  | { readonly kind: 'none' };

/**
 * The bytes one run may write over all its log files. Writes are counted as they are accepted;
 * the first that does not fit is replaced by the truncation marker (which may pass the cap by its
 * own length), and every write after it is dropped.
 */
export class RunLogBudget {
  readonly capBytes: number;
  #used = 0;
  #exhausted = false;

  constructor(capBytes: number) {
    this.capBytes = capBytes;
  }

  /** Bytes counted so far. */
  get usedBytes(): number {
    return this.#used;
  }

  /** Whether the cap has been reached and the marker written. */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** Bytes still allowed before the cap. */
  get remainingBytes(): number {
    return this.#exhausted ? 0 : Math.max(0, this.capBytes - this.#used);
  }

  /** Counts a write of `bytes` and says how much of it may be written. */
  take(bytes: number): BudgetGrant {
    if (this.#exhausted) return { kind: 'none' };
    if (this.#used + bytes <= this.capBytes) {
      this.#used += bytes;
      return { kind: 'whole' };
    }
    return this.exhaust();
  }

  /** Counts bytes written outside the writer (a handler's own file) that are already on disk. */
  count(bytes: number): void {
    this.#used += bytes;
  }

  /** Marks the cap reached; the marker to write, or `none` when it was written already. */
  exhaust(): BudgetGrant {
    if (this.#exhausted) return { kind: 'none' };
    this.#exhausted = true;
    const marker = truncationMarker(this.capBytes);
    this.#used += Buffer.byteLength(marker);
    return { kind: 'marker', marker };
  }
}
