import { reconnectDelayMs } from './backoff.ts';

/**
 * Which server a worker connects to next, and after how long (several servers on one database,
 * beyond v0.3.0). The endpoints are tried in order: a refusal (`not the scheduler`) or a failed
 * connection moves to the next one at once, and only a whole round of them without a session
 * waits, with the backoff of {@link reconnectDelayMs} growing per failed round. A session that was
 * lost is retried first on its own server after the base delay. With one endpoint this is the
 * single-server behaviour of spec §4.4.
 */
export class EndpointRotation {
  readonly #endpoints: readonly string[];
  readonly #baseDelayMs: number;
  readonly #random: () => number;
  #index = 0;
  /** Endpoints tried without a session in the current round. */
  #triedInRound = 0;
  /** Whole rounds that ended without a session since the last one. */
  #failedRounds = 0;

  /** `endpoints` must not be empty; repeats are tried once. */
  constructor(endpoints: readonly string[], baseDelayMs: number, random: () => number = Math.random) {
    this.#endpoints = [...new Set(endpoints)];
    if (this.#endpoints.length === 0) throw new RangeError('at least one server endpoint is needed');
    this.#baseDelayMs = baseDelayMs;
    this.#random = random;
  }

  /** The endpoint of the current (or next) connection. */
  get current(): string {
    return this.#endpoints[this.#index] as string;
  }

  /** A session started: the next loss starts a new round from this endpoint. */
  connected(): void {
    this.#triedInRound = 0;
    this.#failedRounds = 0;
  }

  /** A connection ended: moves on as the rules say and answers the wait before the next try, in ms. */
  next(hadSession: boolean, notScheduler: boolean): number {
    if (hadSession && !notScheduler) {
      this.#triedInRound = 0;
      return reconnectDelayMs(0, this.#baseDelayMs, this.#random);
    }
    this.#triedInRound += 1;
    this.#index = (this.#index + 1) % this.#endpoints.length;
    if (this.#triedInRound < this.#endpoints.length) return 0;
    this.#triedInRound = 0;
    this.#failedRounds += 1;
    return reconnectDelayMs(this.#failedRounds - 1, this.#baseDelayMs, this.#random);
  }
}
