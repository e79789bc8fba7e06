import { isIPv6 } from 'node:net';
import { TempoError } from '@tempo/contracts';
import { FailureTable } from './failure-table.ts';

/** Failed sign-ins of one account from one address within the window before attempts are slowed. */
const PAIR_SLOW_AFTER = 3;
/** Failed sign-ins of one account from one address within the window before that pair is refused. */
const PAIR_REFUSE_AFTER = 10;
/**
 * Failed sign-ins of one account, from all addresses together, within the window after which
 * every attempt at it waits {@link MAX_DELAY_MS}. A slow-down, never a refusal: a refusal would
 * let ten addresses lock the owner out everywhere; each address is already held to
 * {@link PAIR_REFUSE_AFTER} guesses at the account and {@link ADDRESS_REFUSE_AFTER} in all.
 */
const ACCOUNT_SLOW_AFTER = 100;
/**
 * Failed sign-ins from one client address within the window before its attempts are refused:
 * room for a shared office address, far too few to fill the account table from one address.
 */
const ADDRESS_REFUSE_AFTER = 30;
/** How long failures are remembered, in milliseconds. */
const WINDOW_MS = 15 * 60 * 1000;
/** Extra delay per failure past {@link PAIR_SLOW_AFTER}, in milliseconds, capped at {@link MAX_DELAY_MS}. */
const DELAY_STEP_MS = 250;
const MAX_DELAY_MS = 2000;
/** Accounts, addresses and account-address pairs remembered at most, each. */
const DEFAULT_CAPACITY = 10_000;

/** The throttle one sign-in attempt goes through, bound to the client address it came from. */
export interface LoginThrottle {
  /**
   * Refuses with 429 `TooManyRequests` when the address, or the account from this address, has
   * failed too often, otherwise waits as long as the failures ask (the account's from this
   * address, or from everywhere when it is under attack) and counts the attempt as failed
   * until {@link LoginThrottle.succeed} says otherwise.
   */
  admit(account: string): Promise<void>;
  /** Ends an attempt that signed in: clears the account's failures from this address. */
  succeed(account: string): void;
}

/** Clock of a {@link LoginLimiter}, replaceable in tests. */
export interface LoginClock {
  /** The current time, in milliseconds since the epoch. */
  now(): number;
  /** Resolves after the given number of milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** Options of a {@link LoginLimiter}. */
export interface LoginLimiterOptions {
  /** Accounts remembered at most; default 10,000. */
  readonly accountCapacity?: number;
  /** Client addresses remembered at most; default 10,000. */
  readonly addressCapacity?: number;
  /** Account-address pairs remembered at most; default 10,000. */
  readonly pairCapacity?: number;
  /** Time source; default the system clock. */
  readonly clock?: LoginClock;
}

const systemClock: LoginClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const tooMany = (who: string, remainingMs: number): TempoError => {
  const retryAfterSeconds = Math.max(1, Math.ceil(remainingMs / 1000));
  return new TempoError(
    'TooManyRequests',
    429,
    `Too many failed sign-ins ${who}; try again in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
  );
};

/** The eight 16-bit groups of an IPv6 address, or null when it is not one in plain notation. */
const ipv6Groups = (address: string): number[] | null => {
  const [head = '', tail, extra] = address.split('::');
  if (extra !== undefined) return null;
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const missing = 8 - front.length - back.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  return [...front, ...Array.from({ length: missing }, () => 0), ...back];
};

/**
 * The key an address is counted under. One IPv6 host normally holds a whole /64, so IPv6
 * addresses count per /64 prefix; otherwise rotating the low bits would give a fresh bucket for
 * every guess. IPv4 addresses written as IPv6 count as the IPv4 address.
 */
export const addressKey = (address: string): string => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address) || address.includes('.')) return address;
  const groups = ipv6Groups(address.split('%')[0] ?? address);
  return groups
    ? `${groups
        .slice(0, 4)
        .map((group) => group.toString(16))
        .join(':')}::/64`
    : address;
};

/**
 * Slows and refuses repeated bad passwords, counted per client address, per account and address
 * together, and per account.
 *
 * The address count comes first: one address that sprays guesses (at one account or at many
 * made-up ones) is refused after {@link ADDRESS_REFUSE_AFTER} failures, long before it could fill
 * the other tables. The pair count slows and then refuses one address guessing one account, and
 * only there: the owner signing in from elsewhere is neither slowed nor refused by it. The
 * account count, with its much higher ceiling, catches guesses spread over many addresses. The
 * tables are bounded and evict in an order that never frees a locked key early (see
 * {@link FailureTable}). An attempt is counted when admitted, so guesses sent in parallel cannot
 * all pass before the first failure is recorded; a success takes its charge back.
 */
export class LoginLimiter {
  readonly #accounts: FailureTable;
  readonly #addresses: FailureTable;
  readonly #pairs: FailureTable;
  readonly #clock: LoginClock;

  constructor(options: LoginLimiterOptions = {}) {
    this.#accounts = new FailureTable({
      lockAt: ACCOUNT_SLOW_AFTER,
      windowMs: WINDOW_MS,
      capacity: options.accountCapacity ?? DEFAULT_CAPACITY,
    });
    this.#addresses = new FailureTable({
      lockAt: ADDRESS_REFUSE_AFTER,
      windowMs: WINDOW_MS,
      capacity: options.addressCapacity ?? DEFAULT_CAPACITY,
    });
    this.#pairs = new FailureTable({
      lockAt: PAIR_REFUSE_AFTER,
      windowMs: WINDOW_MS,
      capacity: options.pairCapacity ?? DEFAULT_CAPACITY,
    });
    this.#clock = options.clock ?? systemClock;
  }

  /** The throttle of one attempt from the given client address (as Fastify resolved it). */
  forAddress(address: string): LoginThrottle {
    const addressId = addressKey(address);
    // JSON keeps the two parts apart whatever characters an account name holds.
    const pairOf = (account: string) => JSON.stringify([account, addressId]);
    return {
      admit: (account) => this.#admit(addressId, account, pairOf(account)),
      succeed: (account) => {
        const nowMs = this.#clock.now();
        this.#pairs.remove(pairOf(account));
        // Only this attempt's charge comes back: a good sign-in from one address must not wipe
        // the guesses made at the same account from elsewhere, nor those of the same address.
        this.#accounts.refund(account, nowMs);
        this.#addresses.refund(addressId, nowMs);
      },
    };
  }

  async #admit(addressId: string, account: string, pair: string): Promise<void> {
    const nowMs = this.#clock.now();
    if (this.#addresses.isLocked(addressId, nowMs))
      throw tooMany('from this address', this.#addresses.remainingMs(addressId, nowMs));
    const failures = this.#pairs.count(pair, nowMs);
    if (failures >= PAIR_REFUSE_AFTER)
      throw tooMany('for this account from this address', this.#pairs.remainingMs(pair, nowMs));
    const accountUnderAttack = this.#accounts.isLocked(account, nowMs);
    this.#addresses.add(addressId, nowMs);
    this.#pairs.add(pair, nowMs);
    this.#accounts.add(account, nowMs);
    if (accountUnderAttack) await this.#clock.sleep(MAX_DELAY_MS);
    else if (failures >= PAIR_SLOW_AFTER)
      await this.#clock.sleep(Math.min(MAX_DELAY_MS, (failures - PAIR_SLOW_AFTER + 1) * DELAY_STEP_MS));
  }
}
