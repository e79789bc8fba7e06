import { describe, expect, it } from 'vitest';
import { ActiveRuns } from './active-runs.ts';

describe('ActiveRuns', () => {
  it('aborts only the stopped tenant and waits until its executions have ended', async () => {
    const active = new ActiveRuns();
    const doomed = active.begin('ten_a', 'run_1');
    const other = active.begin('ten_b', 'run_2');
    if (!doomed || !other) throw new Error('executions should start');
    let stopped = false;
    const stopping = active.stopTenant('ten_a').then(() => {
      stopped = true;
    });
    expect(doomed.signal.aborted).toBe(true);
    expect(other.signal.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    doomed.end();
    await stopping;
    expect(stopped).toBe(true);
    other.end();
  });

  it('starts nothing more for a closed tenant', async () => {
    const active = new ActiveRuns();
    await active.stopTenant('ten_a');
    expect(active.isClosed('ten_a')).toBe(true);
    expect(active.begin('ten_a', 'run_1')).toBeNull();
    expect(active.isClosed('ten_b')).toBe(false);
    expect(active.begin('ten_b', 'run_2')).not.toBeNull();
  });

  it('stops waiting after the bound when an execution never ends', async () => {
    const active = new ActiveRuns();
    const stuck = active.begin('ten_a', 'run_1');
    const started = Date.now();
    await active.stopTenant('ten_a', 50);
    expect(stuck?.signal.aborted).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });
});
