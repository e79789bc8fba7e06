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

/** What {@link RunLogBudget.observe} says of a handler's file at its latest size. */
export type FileVerdict =
  /**
   * The file fits; `roomBytes` is the most it may hold (its size plus what the run has left),
   * the bound its allocated blocks are held to as well.
   */
  | { readonly kind: 'fits'; readonly roomBytes: number }
  /**
   * The file is past what the run allows it: cut it to `sizeBytes`, and write `marker` there
   * when it is not null (only the file that reached the cap gets the marker).
   */
  | { readonly kind: 'cut'; readonly sizeBytes: number; readonly marker: string | null };

/**
 * The bytes one attempt of a run may write over all its log files. The engine's writes are
 * counted as they are accepted; the files handlers write themselves are counted at the size last
 * seen while they are open, all against the same total, so concurrent steps share one budget.
 * The first write or file that does not fit gets the truncation marker (which may pass the cap by
 * its own length), and everything after it is dropped.
 */
export class RunLogBudget {
  readonly capBytes: number;
  #used = 0;
  #exhausted = false;
  /** The open handler files and the bytes each is counted at. */
  readonly #live = new Map<object, number>();
  #liveBytes = 0;

  constructor(capBytes: number) {
    this.capBytes = capBytes;
  }

  /** Bytes counted so far, open handler files included. */
  get usedBytes(): number {
    return this.#used + this.#liveBytes;
  }

  /** Whether the cap has been reached and the marker written. */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** Bytes still allowed before the cap. */
  get remainingBytes(): number {
    return this.#exhausted ? 0 : Math.max(0, this.capBytes - this.usedBytes);
  }

  /** Counts a write of `bytes` and says how much of it may be written. */
  take(bytes: number): BudgetGrant {
    if (this.#exhausted) return { kind: 'none' };
    if (this.usedBytes + bytes <= this.capBytes) {
      this.#used += bytes;
      return { kind: 'whole' };
    }
    return this.exhaust();
  }

  /**
   * Counts an open handler file (`file` is its identity) at `sizeBytes` and says whether it may
   * keep that much. Once the cap is reached, a file keeps the size it was counted at last.
   */
  observe(file: object, sizeBytes: number): FileVerdict {
    const counted = this.#live.get(file) ?? 0;
    if (this.#exhausted) return { kind: 'cut', sizeBytes: counted, marker: null };
    const others = this.#used + this.#liveBytes - counted;
    if (others + sizeBytes <= this.capBytes) {
      this.#setLive(file, sizeBytes);
      return { kind: 'fits', roomBytes: this.capBytes - others };
    }
    const sizeKept = Math.max(0, this.capBytes - others);
    this.#setLive(file, sizeKept);
    const grant = this.exhaust();
    return { kind: 'cut', sizeBytes: sizeKept, marker: grant.kind === 'marker' ? grant.marker : null };
  }

  /** A handler file is closed: the bytes it was counted at stay counted. */
  release(file: object): void {
    const counted = this.#live.get(file);
    if (counted === undefined) return;
    this.#live.delete(file);
    this.#liveBytes -= counted;
    this.#used += counted;
  }

  /** Marks the cap reached; the marker to write, or `none` when it was written already. */
  exhaust(): BudgetGrant {
    if (this.#exhausted) return { kind: 'none' };
    this.#exhausted = true;
    const marker = truncationMarker(this.capBytes);
    this.#used += Buffer.byteLength(marker);
    return { kind: 'marker', marker };
  }

  #setLive(file: object, bytes: number): void {
    this.#liveBytes += bytes - (this.#live.get(file) ?? 0);
    this.#live.set(file, bytes);
  }
}
