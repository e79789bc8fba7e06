/** One read of the database-wide definition stamp. */
export interface StampRead {
  readonly stamp: string;
  /** Reads are numbered in the order they were issued: a larger number was issued later. */
  readonly sequence: number;
}

/**
 * Reads the database-wide definition stamp for the trigger path, sharing one read between the
 * calls that ask for it during one turn of the event loop. The shared read is issued once that
 * turn's I/O callbacks have run (`setImmediate`), after every call that joined it had started,
 * so each of them sees every edit answered before it arrived; a call arriving once the read is
 * issued waits for the next one. Under load that is one small query per turn, not one per call.
 */
export class SharedStampReader {
  readonly #read: () => Promise<string>;
  /** The read calls of this turn join; null once it has been issued. */
  #next: Promise<StampRead> | null = null;
  #issued = 0;

  constructor(read: () => Promise<string>) {
    this.#read = read;
  }

  /** The stamp as stored at some instant after this call. */
  read(): Promise<StampRead> {
    if (this.#next) return this.#next;
    const next = new Promise<StampRead>((resolve, reject) => {
      setImmediate(() => {
        this.#next = null;
        const sequence = ++this.#issued;
        this.#read().then((stamp) => resolve({ stamp, sequence }), reject);
      });
    });
    this.#next = next;
    return next;
  }
}
