import { TempoError } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { FailureTable } from './failure-table.ts';
import { addressKey, type LoginClock, LoginLimiter } from './login-throttle.ts';

const MINUTE_MS = 60_000;

/** A clock that only moves when told to and never really waits, recording the waits asked for. */
const manualClock = () => {
  let nowMs = 1_000_000;
  const waits: number[] = [];
  const clock: LoginClock = {
    now: () => nowMs,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
  return {
    clock,
    waits,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
};

/** One failed sign-in attempt; answers the 429 error when the attempt was refused, else null. */
const failOnce = async (
  limiter: LoginLimiter,
  address: string,
  account: string,
): Promise<TempoError | null> => {
  const throttle = limiter.forAddress(address);
  try {
    await throttle.admit(account);
  } catch (error) {
    if (error instanceof TempoError && error.statusCode === 429) return error;
    throw error;
  }
  // A wrong password needs no call: the attempt was counted as failed when it was admitted.
  return null;
};

/** The nth test address of a large pool (10.x.y.z), all distinct for n below 2^24. */
const spreadAddress = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

describe('LoginLimiter', () => {
  it('slows one account from one address after 3 failures, refuses that pair after 10, and forgets them after 15 minutes', async () => {
    const { clock, waits, advance } = manualClock();
    const limiter = new LoginLimiter({ clock });
    const outcomes: (string | null)[] = [];
    for (let i = 0; i < 11; i++)
      outcomes.push((await failOnce(limiter, '203.0.113.7', 'victim@example.test'))?.message ?? null);
    expect(outcomes.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => null));
    expect(outcomes[10]).toMatch(/for this account from this address; try again in 900 s/);
    expect(waits).toEqual([250, 500, 750, 1000, 1250, 1500, 1750]);
    advance(15 * MINUTE_MS);
    expect(await failOnce(limiter, '203.0.113.7', 'victim@example.test')).toBeNull();
  });

  it('does not let guesses from one address lock out or slow the owner elsewhere', async () => {
    const { clock, waits } = manualClock();
    const limiter = new LoginLimiter({ clock });
    for (let i = 0; i < 10; i++) await failOnce(limiter, '203.0.113.7', 'victim@example.test');
    expect(await failOnce(limiter, '203.0.113.7', 'victim@example.test')).not.toBeNull();
    const waitsBefore = waits.length;
    const owner = limiter.forAddress('198.51.100.9');
    await owner.admit('victim@example.test');
    owner.succeed('victim@example.test');
    expect(waits).toHaveLength(waitsBefore);
    // The attacker's own pair stays refused after the owner signed in.
    expect(await failOnce(limiter, '203.0.113.7', 'victim@example.test')).not.toBeNull();
  });

  it('slows, never refuses, an account after 100 failures spread over many addresses', async () => {
    const { clock, waits } = manualClock();
    const limiter = new LoginLimiter({ clock });
    for (let i = 0; i < 100; i++)
      expect(await failOnce(limiter, spreadAddress(i), 'victim@example.test')).toBeNull();
    const before = waits.length;
    // The owner (or anyone) from a fresh address is let in, two seconds later.
    expect(await failOnce(limiter, '198.51.100.9', 'victim@example.test')).toBeNull();
    expect(waits.slice(before)).toEqual([2000]);
  });

  it('refuses one address after 30 failures, whichever accounts it tries', async () => {
    const { clock } = manualClock();
    const limiter = new LoginLimiter({ clock });
    for (let i = 0; i < 30; i++)
      expect(await failOnce(limiter, '203.0.113.7', `junk-${i}@example.test`)).toBeNull();
    const refused = await failOnce(limiter, '203.0.113.7', 'junk-30@example.test');
    expect(refused?.code).toBe('TooManyRequests');
    expect(refused?.message).toMatch(/from this address/);
    expect(refused?.context).toEqual({ retryAfterSeconds: 900 });
    // Another address is not affected.
    expect(await failOnce(limiter, '198.51.100.9', 'junk-30@example.test')).toBeNull();
  });

  it('keeps an attacked account slowed while 10,050 failures on made-up accounts overflow a full table', async () => {
    const { clock, waits } = manualClock();
    const limiter = new LoginLimiter({ clock, accountCapacity: 10_000, addressCapacity: 20_000 });
    for (let i = 0; i < 100; i++) await failOnce(limiter, spreadAddress(100_000 + i), 'victim@example.test');
    // Spread over many addresses so the per-address limit does not end the spray early.
    for (let i = 0; i < 10_050; i++) await failOnce(limiter, spreadAddress(i), `junk-${i}@example.test`);
    const before = waits.length;
    expect(await failOnce(limiter, '198.51.100.9', 'victim@example.test')).toBeNull();
    // Still remembered as under attack: slowed.
    expect(waits.slice(before)).toEqual([2000]);
  });

  it('does not unlock a locked pair when one address sprays made-up accounts into small tables', async () => {
    const { clock } = manualClock();
    const limiter = new LoginLimiter({ clock, accountCapacity: 20, pairCapacity: 20 });
    for (let i = 0; i < 10; i++) await failOnce(limiter, '198.51.100.1', 'victim@example.test');
    const refusals: number[] = [];
    for (let i = 0; i < 200; i++) {
      if (await failOnce(limiter, '203.0.113.7', `junk-${i}@example.test`)) refusals.push(i);
    }
    // The address is refused from its 31st failure on, after it overflowed both small tables.
    expect(refusals[0]).toBe(30);
    expect(refusals).toHaveLength(170);
    expect((await failOnce(limiter, '198.51.100.1', 'victim@example.test'))?.message).toMatch(
      /for this account from this address/,
    );
  });

  it('counts an attempt when it is admitted, so parallel guesses cannot all slip through', async () => {
    const { clock } = manualClock();
    const limiter = new LoginLimiter({ clock });
    const admitted = await Promise.allSettled(
      Array.from({ length: 25 }, () => limiter.forAddress('203.0.113.7').admit('victim@example.test')),
    );
    expect(admitted.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(10);
    const spread = await Promise.allSettled(
      Array.from({ length: 150 }, (_, i) => limiter.forAddress(spreadAddress(i)).admit('other@example.test')),
    );
    // Spread over addresses, nothing is refused, but past 100 each attempt waits.
    expect(spread.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(150);
  });

  it('clears an account on success but keeps the other failures of the address', async () => {
    const { clock } = manualClock();
    const limiter = new LoginLimiter({ clock });
    for (let i = 0; i < 29; i++) await failOnce(limiter, '203.0.113.7', `junk-${i}@example.test`);
    const own = limiter.forAddress('203.0.113.7');
    await own.admit('mine@example.test');
    own.succeed('mine@example.test');
    expect(await failOnce(limiter, '203.0.113.7', 'junk-29@example.test')).toBeNull();
    expect(await failOnce(limiter, '203.0.113.7', 'junk-30@example.test')).not.toBeNull();
  });

  it('counts an IPv6 client per /64 and an IPv4-mapped address as IPv4', async () => {
    const { clock } = manualClock();
    const limiter = new LoginLimiter({ clock });
    for (let i = 0; i < 30; i++)
      await failOnce(limiter, `2001:db8:1:2::${i.toString(16)}`, `junk-${i}@example.test`);
    expect(await failOnce(limiter, '2001:db8:1:2:ffff:ffff:ffff:ffff', 'other@example.test')).not.toBeNull();
    expect(await failOnce(limiter, '2001:db8:1:3::1', 'other@example.test')).toBeNull();
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('FailureTable', () => {
  const table = (capacity: number) => new FailureTable({ lockAt: 3, windowMs: 1000, capacity });

  it('evicts expired keys first, then the unlocked key with the fewest failures', () => {
    const failures = table(3);
    failures.add('near-lock', 0);
    failures.add('near-lock', 0);
    failures.add('one', 1);
    failures.add('other', 2);
    failures.add('new', 3);
    expect(['near-lock', 'one', 'other', 'new'].map((key) => failures.count(key, 3))).toEqual([2, 0, 1, 1]);
    failures.add('later', 1000);
    // near-lock's window ended at 1000, so it made room before any live key did.
    expect(failures.count('near-lock', 1000)).toBe(0);
    expect(failures.count('other', 1000)).toBe(1);
    expect(failures.size).toBe(3);
  });

  it('never evicts a locked key before its window ends, and does not remember new keys instead', () => {
    const failures = table(2);
    for (const key of ['a', 'b']) for (let i = 0; i < 3; i++) failures.add(key, 0);
    expect(failures.add('c', 10)).toBe(false);
    expect([failures.isLocked('a', 10), failures.isLocked('b', 10), failures.count('c', 10)]).toEqual([
      true,
      true,
      0,
    ]);
    expect(failures.add('c', 1000)).toBe(true);
    expect(failures.isLocked('a', 1000)).toBe(false);
  });

  it('takes a refunded failure back and forgets a key at zero', () => {
    const failures = table(2);
    failures.add('a', 0);
    failures.add('a', 0);
    failures.refund('a', 0);
    expect(failures.count('a', 0)).toBe(1);
    failures.refund('a', 0);
    expect(failures.size).toBe(0);
  });
});
