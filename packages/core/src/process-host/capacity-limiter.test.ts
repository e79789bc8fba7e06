import { describe, expect, it } from 'vitest';
import { type CapacityLease, CapacityLimiter } from './capacity-limiter.ts';

/** Whether `promise` has settled after the queued callbacks ran. */
const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('CapacityLimiter', () => {
  it('grants slots at once while both caps have room, and counts them', async () => {
    const limiter = new CapacityLimiter({ maxServerWide: 3, maxPerTenant: 2 });
    const a = await limiter.acquire('ten_a');
    const b = await limiter.acquire('ten_b');
    expect(a.waitMs).toBeGreaterThanOrEqual(0);
    expect(a.waitMs).toBeLessThan(1000);
    expect(Date.parse(a.acquiredUtc)).toBeGreaterThanOrEqual(Date.parse(a.queuedUtc));
    expect(limiter.snapshot()).toEqual({
      maxServerWide: 3,
      maxPerTenant: 2,
      activeServerWide: 2,
      queuedServerWide: 0,
      activeByTenant: { ten_a: 1, ten_b: 1 },
      queuedByTenant: {},
      totalCapacityWaitMs: a.waitMs + b.waitMs,
    });
  });

  it('queues a tenant at its own cap, and serves it when one of its slots is released', async () => {
    const limiter = new CapacityLimiter({ maxServerWide: 10, maxPerTenant: 2 });
    const first = await limiter.acquire('ten_a');
    await limiter.acquire('ten_a');
    const third = limiter.acquire('ten_a');
    expect(await settled(third)).toBe(false);
    expect(limiter.snapshot()).toMatchObject({
      activeServerWide: 2,
      queuedServerWide: 1,
      activeByTenant: { ten_a: 2 },
      queuedByTenant: { ten_a: 1 },
    });
    // Another tenant is not held up.
    await limiter.acquire('ten_b');
    await new Promise((resolve) => setTimeout(resolve, 30));
    first.release();
    const lease = await third;
    expect(lease.waitMs).toBeGreaterThanOrEqual(25);
    expect(limiter.snapshot().totalCapacityWaitMs).toBeGreaterThanOrEqual(25);
    expect(limiter.snapshot()).toMatchObject({ activeByTenant: { ten_a: 2, ten_b: 1 }, queuedServerWide: 0 });
  });

  it('serves waiters in arrival order, skipping those whose tenant is still at its cap', async () => {
    const limiter = new CapacityLimiter({ maxServerWide: 2, maxPerTenant: 1 });
    const a = await limiter.acquire('ten_a');
    const b = await limiter.acquire('ten_b');
    const order: string[] = [];
    const waitA = limiter.acquire('ten_a').then((lease) => {
      order.push('a');
      return lease;
    });
    const waitC = limiter.acquire('ten_c').then((lease) => {
      order.push('c');
      return lease;
    });
    const waitD = limiter.acquire('ten_d').then((lease) => {
      order.push('d');
      return lease;
    });
    expect(limiter.snapshot().queuedByTenant).toEqual({ ten_a: 1, ten_c: 1, ten_d: 1 });
    // ten_b's slot goes to ten_c: ten_a, first in line, still holds its one slot.
    b.release();
    await waitC;
    expect(order).toEqual(['c']);
    a.release();
    await waitA;
    expect(order).toEqual(['c', 'a']);
    expect(await settled(waitD)).toBe(false);
    expect(limiter.snapshot()).toMatchObject({ activeServerWide: 2, activeByTenant: { ten_a: 1, ten_c: 1 } });
  });

  it('releases a slot once however often release is called, and forgets an idle tenant', async () => {
    const limiter = new CapacityLimiter({ maxServerWide: 2, maxPerTenant: 2 });
    const a: CapacityLease = await limiter.acquire('ten_a');
    await limiter.acquire('ten_a');
    a.release();
    a.release();
    expect(limiter.snapshot()).toMatchObject({ activeServerWide: 1, activeByTenant: { ten_a: 1 } });
    const c = await limiter.acquire('ten_c');
    c.release();
    expect(limiter.snapshot().activeByTenant).toEqual({ ten_a: 1 });
  });

  it('queues at the server-wide cap whatever the tenant', async () => {
    const limiter = new CapacityLimiter({ maxServerWide: 1, maxPerTenant: 5 });
    const a = await limiter.acquire('ten_a');
    const b = limiter.acquire('ten_b');
    expect(await settled(b)).toBe(false);
    a.release();
    await b;
    expect(limiter.snapshot()).toMatchObject({ activeServerWide: 1, activeByTenant: { ten_b: 1 } });
  });

  it('drops a waiter whose signal aborts, with the reason, and refuses an aborted one at once', async () => {
    const limiter = new CapacityLimiter({ maxServerWide: 1, maxPerTenant: 1 });
    const held = await limiter.acquire('ten_a');
    const controller = new AbortController();
    const waiting = limiter.acquire('ten_b', controller.signal);
    const later = limiter.acquire('ten_c');
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(limiter.snapshot().queuedByTenant).toEqual({ ten_c: 1 });
    held.release();
    await later;
    expect(limiter.snapshot().activeByTenant).toEqual({ ten_c: 1 });

    const aborted = new AbortController();
    aborted.abort(new Error('already'));
    await expect(limiter.acquire('ten_d', aborted.signal)).rejects.toThrow('already');
    expect(limiter.snapshot().queuedServerWide).toBe(0);
  });

  it('leaves the queue alone when an aborted caller is refused, and grants no waiter without room', async () => {
    const limiter = new CapacityLimiter({ maxServerWide: 2, maxPerTenant: 1 });
    const a = await limiter.acquire('ten_a');
    const b = await limiter.acquire('ten_b');
    const waitA = limiter.acquire('ten_a');
    await expect(limiter.acquire('ten_c', AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(limiter.snapshot().queuedByTenant).toEqual({ ten_a: 1 });
    // ten_b's slot frees room on the host, but ten_a is still at its own cap.
    b.release();
    expect(await settled(waitA)).toBe(false);
    expect(limiter.snapshot()).toMatchObject({ activeByTenant: { ten_a: 1 }, queuedByTenant: { ten_a: 1 } });
    a.release();
    await waitA;
  });

  it('no longer reacts to a signal once the slot is granted', async () => {
    const limiter = new CapacityLimiter({ maxServerWide: 1, maxPerTenant: 1 });
    const held = await limiter.acquire('ten_a');
    const controller = new AbortController();
    const waiting = limiter.acquire('ten_b', controller.signal);
    const queued = limiter.acquire('ten_c');
    held.release();
    const lease = await waiting;
    controller.abort(new Error('too late'));
    // The granted lease still holds its slot; ten_c keeps waiting in line.
    expect(limiter.snapshot()).toMatchObject({ activeByTenant: { ten_b: 1 }, queuedByTenant: { ten_c: 1 } });
    lease.release();
    await queued;
  });
});
