import { TempoError } from '@tempo/contracts';

/** Failures of one account within the window before attempts are slowed. */
const SLOW_AFTER = 3;
/** Failures of one account within the window before attempts are refused. */
const REFUSE_AFTER = 10;
/** How long failures are remembered, in milliseconds. */
const WINDOW_MS = 15 * 60 * 1000;
/** Extra delay per failure past {@link SLOW_AFTER}, in milliseconds, capped at {@link MAX_DELAY_MS}. */
const DELAY_STEP_MS = 250;
const MAX_DELAY_MS = 2000;
/** Accounts remembered at most; the oldest are forgotten first. */
const MAX_ACCOUNTS = 10_000;

interface Failures {
  count: number;
  firstMs: number;
}

/**
 * Slows and then refuses repeated bad passwords for one account, wherever they come from (the
 * per-address limit is the rate-limit plugin's). A success clears the account's failures.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, Failures>();

  #current(account: string, nowMs: number): Failures | undefined {
    const entry = this.#failures.get(account);
    if (entry && nowMs - entry.firstMs > WINDOW_MS) {
      this.#failures.delete(account);
      return undefined;
    }
    return entry;
  }

  /** Waits as long as the account's failures ask, or refuses with 429 `TooManyRequests`. */
  async admit(account: string, nowMs = Date.now()): Promise<void> {
    const entry = this.#current(account, nowMs);
    if (!entry) return;
    if (entry.count >= REFUSE_AFTER) {
      const retryAfterSeconds = Math.ceil((entry.firstMs + WINDOW_MS - nowMs) / 1000);
      throw new TempoError(
        'TooManyRequests',
        429,
        `Too many failed sign-ins for this account; try again in ${retryAfterSeconds} s.`,
        {
          retryAfterSeconds,
        },
      );
    }
    if (entry.count >= SLOW_AFTER) {
      const delay = Math.min(MAX_DELAY_MS, (entry.count - SLOW_AFTER + 1) * DELAY_STEP_MS);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Records a failed attempt. */
  fail(account: string, nowMs = Date.now()): void {
    const entry = this.#current(account, nowMs);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.#failures.size >= MAX_ACCOUNTS) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
    this.#failures.set(account, { count: 1, firstMs: nowMs });
  }

  /** Clears an account after a successful sign-in. */
  succeed(account: string): void {
    this.#failures.delete(account);
  }
}
