import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KeyedSerializer } from './keyed-serializer.ts';

describe('KeyedSerializer', () => {
  it('runs one task at a time per key, in order, and keys side by side', async () => {
    const queue = new KeyedSerializer();
    const events: string[] = [];
    const task = (key: string, name: string, ms: number) =>
      queue.run(key, async () => {
        events.push(`${name} start`);
        await sleep(ms);
        events.push(`${name} end`);
        return name;
      });
    const results = await Promise.all([task('a', 'a1', 30), task('a', 'a2', 1), task('b', 'b1', 1)]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(events.indexOf('a2 start')).toBeGreaterThan(events.indexOf('a1 end'));
    expect(events.indexOf('b1 end')).toBeLessThan(events.indexOf('a1 end'));
    expect(queue.busyKeys).toBe(0);
  });

  it('goes on with the next task after one fails', async () => {
    const queue = new KeyedSerializer();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
