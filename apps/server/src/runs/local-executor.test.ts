import { describe, expect, it } from 'vitest';
import { defaultTenantShare, type Job, LocalExecutor } from './local-executor.ts';

/** A job that records its start and runs until the test ends it. */
interface HeldJob {
  readonly job: Job;
  end(): void;
}

const held = (started: string[], name: string): HeldJob => {
  let end = () => {};
  const done = new Promise<void>((resolve) => {
    end = resolve;
  });
  return {
    job: async () => {
      started.push(name);
      await done;
    },
    end: () => end(),
  };
};

/** Lets settled jobs hand their slots back. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('defaultTenantShare', () => {
  it('leaves a quarter of the slots, at least one, to the other tenants', () => {
    expect([1, 2, 3, 4, 8, 64].map(defaultTenantShare)).toEqual([1, 1, 2, 3, 6, 48]);
  });
});

describe('LocalExecutor', () => {
  it('starts a job in a free slot within submit', () => {
    const executor = new LocalExecutor({ concurrency: 2 });
    const started: string[] = [];
    executor.submit('ten_a', held(started, 'a1').job);
    expect(started).toEqual(['a1']);
  });

  it('keeps a slot for other tenants while one tenant fills its share with long runs', async () => {
    const executor = new LocalExecutor({ concurrency: 4 });
    const started: string[] = [];
    const jobs = ['a1', 'a2', 'a3', 'a4', 'a5'].map((name) => held(started, name));
    for (const { job } of jobs) executor.submit('ten_a', job);
    expect(started).toEqual(['a1', 'a2', 'a3']);
    expect(executor.hasFreeSlot('ten_a')).toBe(false);
    expect(executor.hasFreeSlot('ten_b')).toBe(true);

    executor.submit('ten_b', held(started, 'b1').job);
    expect(started).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(executor.hasFreeSlot('ten_c')).toBe(false);

    jobs[0]?.end();
    await settle();
    expect(started).toEqual(['a1', 'a2', 'a3', 'b1', 'a4']);
  });

  it('gives freed slots to waiting tenants in turn, not in arrival order', async () => {
    const executor = new LocalExecutor({ concurrency: 1 });
    const started: string[] = [];
    const jobs = new Map<string, HeldJob>();
    const submit = (tenantId: string, name: string) => {
      const job = held(started, name);
      jobs.set(name, job);
      executor.submit(tenantId, job.job);
    };
    submit('ten_a', 'a0');
    for (const name of ['a1', 'a2', 'a3']) submit('ten_a', name);
    submit('ten_b', 'b1');
    submit('ten_c', 'c1');
    submit('ten_b', 'b2');
    expect(started).toEqual(['a0']);
    // Each started job ends at once, so the single slot passes from one tenant to the next.
    while (started.length < jobs.size) {
      jobs.get(started.at(-1) ?? '')?.end();
      await settle();
    }
    expect(started).toEqual(['a0', 'a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('lets a configured share use every slot, and never more than the slots', () => {
    const executor = new LocalExecutor({ concurrency: 2, perTenant: 10 });
    expect(executor.tenantShare).toBe(2);
    const started: string[] = [];
    for (const name of ['a1', 'a2', 'a3']) executor.submit('ten_a', held(started, name).job);
    expect(started).toEqual(['a1', 'a2']);
  });

  it('frees a slot at release, before the job settles', () => {
    const executor = new LocalExecutor({ concurrency: 1 });
    const started: string[] = [];
    executor.submit('ten_a', async (release) => {
      started.push('a1');
      release();
      await new Promise(() => {});
    });
    executor.submit('ten_b', held(started, 'b1').job);
    expect(started).toEqual(['a1', 'b1']);
  });

  it('is idle once nothing waits or runs', async () => {
    const executor = new LocalExecutor({ concurrency: 1 });
    await executor.idle();
    const started: string[] = [];
    const a = held(started, 'a1');
    const b = held(started, 'b1');
    executor.submit('ten_a', a.job);
    executor.submit('ten_b', b.job);
    let idle = false;
    const waiting = executor.idle().then(() => {
      idle = true;
    });
    a.end();
    await settle();
    expect(idle).toBe(false);
    b.end();
    await waiting;
    expect(started).toEqual(['a1', 'b1']);
    expect(executor.hasFreeSlot('ten_a')).toBe(true);
  });
});
