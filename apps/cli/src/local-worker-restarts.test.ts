import { describe, expect, it } from 'vitest';
import { decideRestart, describeExit, RESTART_POLICY } from './local-worker-restarts.ts';

const crash = { code: 1, signal: null, ranForMs: 500 } as const;
const middle = () => 0.5;

describe('decideRestart', () => {
  it('doubles the wait per quick failure, up to the cap, then gives up', () => {
    const delays: number[] = [];
    let failures = 0;
    for (;;) {
      const decision = decideRestart(crash, failures, middle);
      if (decision.kind === 'give-up') break;
      delays.push(decision.delayMs);
      failures = decision.attempt;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(failures).toBe(RESTART_POLICY.maxQuickFailures);
    expect(decideRestart(crash, failures, middle)).toMatchObject({ kind: 'give-up' });
  });

  it('jitters by at most a fifth and never waits past the cap', () => {
    expect(decideRestart(crash, 0, () => 0)).toMatchObject({ delayMs: 800 });
    expect(decideRestart(crash, 0, () => 1)).toMatchObject({ delayMs: 1200 });
    const late = decideRestart({ ...crash, ranForMs: 0 }, 4, () => 1);
    expect(late).toMatchObject({ kind: 'restart', delayMs: 19_200 });
  });

  it('forgets the failures of a worker that ran long enough', () => {
    const stable = { ...crash, ranForMs: RESTART_POLICY.stableAfterMs };
    expect(decideRestart(stable, RESTART_POLICY.maxQuickFailures, middle)).toEqual({
      kind: 'restart',
      delayMs: 1000,
      attempt: 1,
    });
  });

  it('does not start a worker again whose settings are unusable', () => {
    expect(decideRestart({ ...crash, code: 2 }, 0, middle)).toMatchObject({
      kind: 'give-up',
      reason: expect.stringContaining('settings'),
    });
  });

  it('names a signal or an exit code', () => {
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('signal SIGKILL');
    expect(describeExit({ code: 3, signal: null })).toBe('exit code 3');
  });
});
