import { TempoError } from '@tempo/contracts';

/** A held build slot; release it exactly once when the build is over, whatever its outcome. */
export type SourceBuildSlot = () => void;

/**
 * Caps the C# source-step builds that run at once. A build holds its HTTP request for as long
 * as `dotnet publish` takes (minutes on a cold machine), so a request that finds every slot
 * taken is refused at once with `429` instead of queuing behind work it cannot see the end of.
 */
export class SourceBuildGate {
  readonly #limit: number;
  #running = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Takes a slot, or throws `TooManyRequests` when all of them are in use. */
  enter(): SourceBuildSlot {
    if (this.#running >= this.#limit) {
      throw new TempoError(
        'TooManyRequests',
        429,
        `The server is already building ${this.#limit} C# source step(s), its limit; try again when one has finished.`,
        { maxConcurrentSourceBuilds: this.#limit },
      );
    }
    this.#running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running -= 1;
    };
  }
}
