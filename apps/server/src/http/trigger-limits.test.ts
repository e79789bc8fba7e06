import { describe, expect, it } from 'vitest';
import { PublicTriggerRateLimit } from './trigger-limits.ts';

const limitsAt = (triggerRate: number, tenantRate: number) => {
  const clock = { nowMs: 0 };
  const limit = new PublicTriggerRateLimit(
    {
      maxTriggerBodyBytes: 1024,
      publicTriggerRatePerSecond: triggerRate,
      publicTriggerTenantRatePerSecond: tenantRate,
    },
    () => clock.nowMs,
  );
  return { limit, clock };
};

describe('PublicTriggerRateLimit', () => {
  it("admits a trigger's burst, then refuses with the wait until its next call", () => {
    const { limit, clock } = limitsAt(2, 100);
    expect(limit.admit('trg_1', 'ten_a')).toBeNull();
    expect(limit.admit('trg_1', 'ten_a')).toBeNull();
    expect(limit.admit('trg_1', 'ten_a')).toEqual({
      scope: 'trigger',
      ratePerSecond: 2,
      retryAfterSeconds: 1,
    });
    expect(limit.admit('trg_2', 'ten_a')).toBeNull();
    clock.nowMs = 500;
    expect(limit.admit('trg_1', 'ten_a')).toBeNull();
  });

  it("shares the tenant's rate between its triggers, and a refused call spends nothing", () => {
    const { limit, clock } = limitsAt(5, 3);
    for (const trigger of ['trg_1', 'trg_2', 'trg_3']) expect(limit.admit(trigger, 'ten_a')).toBeNull();
    expect(limit.admit('trg_4', 'ten_a')?.scope).toBe('tenant');
    expect(limit.admit('trg_4', 'ten_b')).toBeNull();
    clock.nowMs = 1000 / 3;
    // The tenant's refusal did not spend trg_4's own token.
    expect(limit.admit('trg_4', 'ten_a')).toBeNull();
  });

  it('admits everything when both rates are 0', () => {
    const { limit } = limitsAt(0, 0);
    for (let n = 0; n < 10_000; n++) expect(limit.admit('trg_1', 'ten_a')).toBeNull();
  });

  it('rounds the wait up to whole seconds for Retry-After', () => {
    const { limit } = limitsAt(1, 0);
    limit.admit('trg_1', 'ten_a');
    expect(limit.admit('trg_1', 'ten_a')?.retryAfterSeconds).toBe(1);
  });
});
