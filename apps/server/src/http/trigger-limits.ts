import { TempoError, type TempoSettings } from '@tempo/contracts';
import { TokenBuckets } from './token-buckets.ts';

/** The `rest` settings that bound trigger calls. */
export type TriggerLimitSettings = Pick<
  TempoSettings['rest'],
  'maxTriggerBodyBytes' | 'publicTriggerRatePerSecond' | 'publicTriggerTenantRatePerSecond'
>;

/** Which limit refused a call: the trigger's own, or the one its tenant's triggers share. */
export type RateScope = 'trigger' | 'tenant';

/** Why a call was refused, and when the caller may try again. */
export interface RateRefusal {
  readonly scope: RateScope;
  readonly ratePerSecond: number;
  readonly retryAfterSeconds: number;
}

/** The errors of the trigger limits. */
export const TriggerLimitErrors = {
  tooManyCalls: ({ scope, ratePerSecond, retryAfterSeconds }: RateRefusal) =>
    new TempoError(
      'TooManyRequests',
      429,
      `${scope === 'trigger' ? 'This trigger accepts' : "This trigger's tenant accepts"} at most ${ratePerSecond} public calls per second; try again in ${retryAfterSeconds} s.`,
      { scope, ratePerSecond, retryAfterSeconds },
    ),
} as const;

/** A monotonic clock in milliseconds. */
export type MonotonicClock = () => number;

/**
 * The rate limits of calls to triggers whose flow is `Public`: a token bucket per trigger and
 * one per tenant (`rest.publicTriggerRatePerSecond`, `rest.publicTriggerTenantRatePerSecond`),
 * each holding one second's worth of calls. A call spends a token from both or from neither, so
 * a call refused by its tenant's limit does not use up its trigger's. A rate of 0 is no limit.
 * Counted in this process: behind several replicas each enforces its own.
 */
export class PublicTriggerRateLimit {
  readonly #perTrigger: TokenBuckets | null;
  readonly #perTenant: TokenBuckets | null;
  readonly #triggerRate: number;
  readonly #tenantRate: number;
  readonly #clock: MonotonicClock;

  constructor(settings: TriggerLimitSettings, clock: MonotonicClock = () => performance.now()) {
    this.#triggerRate = settings.publicTriggerRatePerSecond;
    this.#tenantRate = settings.publicTriggerTenantRatePerSecond;
    this.#perTrigger = this.#triggerRate > 0 ? new TokenBuckets({ ratePerSecond: this.#triggerRate }) : null;
    this.#perTenant = this.#tenantRate > 0 ? new TokenBuckets({ ratePerSecond: this.#tenantRate }) : null;
    this.#clock = clock;
  }

  /** Spends one call of the trigger and of its tenant; null when admitted, else why not. */
  admit(triggerId: string, tenantId: string): RateRefusal | null {
    const perTrigger = this.#perTrigger;
    const perTenant = this.#perTenant;
    if (!perTrigger && !perTenant) return null;
    const nowMs = this.#clock();
    const triggerBucket = perTrigger?.refilled(triggerId, nowMs);
    if (perTrigger && triggerBucket && triggerBucket.tokens < 1)
      return refusal('trigger', this.#triggerRate, perTrigger.waitMs(triggerBucket));
    const tenantBucket = perTenant?.refilled(tenantId, nowMs);
    if (perTenant && tenantBucket && tenantBucket.tokens < 1)
      return refusal('tenant', this.#tenantRate, perTenant.waitMs(tenantBucket));
    if (triggerBucket) triggerBucket.tokens -= 1;
    if (tenantBucket) tenantBucket.tokens -= 1;
    return null;
  }
}

const refusal = (scope: RateScope, ratePerSecond: number, waitMs: number): RateRefusal => ({
  scope,
  ratePerSecond,
  retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
});
