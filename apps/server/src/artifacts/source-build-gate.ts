import { TempoError } from '@tempo/contracts';

/** A held build slot; release it exactly once when the build is over, whatever its outcome. */
export type SourceBuildSlot = () => void;

/** The refusal of a full gate, by default the C# builds' own. */
const buildsFull = (limit: number) =>
  new TempoError(
    'TooManyRequests',
    429,
    `The server is already building ${limit} C# source step(s), its limit; try again when one has finished.`,
    { maxConcurrentSourceBuilds: limit },
  );

/**
 * Caps the source-step work that runs at once (C# builds, syntax checks). Such work holds its
 * HTTP request for as long as it takes (`dotnet publish`: minutes on a cold machine), so a
 * request that finds every slot taken is refused at once with `429` instead of queuing behind
 * work it cannot see the end of.
 */
export class SourceBuildGate {
  readonly #limit: number;
  readonly #refusal: (limit: number) => TempoError;
  #running = 0;

  constructor(limit: number, refusal: (limit: number) => TempoError = buildsFull) {
    this.#limit = limit;
    this.#refusal = refusal;
  }

  /** Takes a slot, or throws the gate's `TooManyRequests` refusal when all of them are in use. */
  enter(): SourceBuildSlot {
    if (this.#running >= this.#limit) throw this.#refusal(this.#limit);
    this.#running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running -= 1;
    };
  }
}
