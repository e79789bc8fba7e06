import { describe, expect, it } from 'vitest';
import {
  collectableAfter,
  isCollectable,
  isRetiredVersionLabel,
  pinnedPackagesOf,
  RETIRED_PACKAGE_MIN_AGE_MS,
  retiredVersionLabel,
} from './package-retention.ts';

const sha = (c: string) => c.repeat(64);
const DAY_MS = 86_400_000;

describe('package retention', () => {
  it('keeps a retired package for the grace period, and never less than the minimum age', () => {
    expect(Date.parse(collectableAfter(0, { gracePeriodDays: 7 }))).toBe(7 * DAY_MS);
    expect(Date.parse(collectableAfter(0, { gracePeriodDays: 0 }))).toBe(RETIRED_PACKAGE_MIN_AGE_MS);
  });

  it('collects only past the deadline and only what no unfinished run pins', () => {
    const retired = { sha256: sha('a'), gcEligibleUtc: new Date(1_000).toISOString() };
    expect(isCollectable(retired, 999, new Set())).toBe(false);
    expect(isCollectable(retired, 1_000, new Set())).toBe(true);
    expect(isCollectable(retired, 1_000, new Set([sha('a')]))).toBe(false);
    expect(isCollectable({ ...retired, gcEligibleUtc: null }, 1_000, new Set())).toBe(false);
    expect(isCollectable({ ...retired, gcEligibleUtc: 'soon' }, 1_000, new Set())).toBe(false);
  });

  it('reads the packages a run snapshot pins, and refuses to guess at one it cannot read', () => {
    const snapshot = JSON.stringify({
      flow: {},
      steps: {
        a: { artifact: { kind: 'pinned', artifact: { sha256: sha('a') } } },
        b: { artifact: { kind: 'unresolved', message: 'gone' } },
        c: { artifact: null },
        d: {},
      },
      metadata: null,
    });
    expect(pinnedPackagesOf(snapshot)).toEqual([sha('a')]);
    expect(pinnedPackagesOf(null)).toEqual([]);
    expect(pinnedPackagesOf('{"flow":{}}')).toEqual([]);
    expect(pinnedPackagesOf('{not json')).toBeNull();
    expect(pinnedPackagesOf('{"steps":{"a":{"artifact":{"kind":"pinned","artifact":{}}}}}')).toBeNull();
    expect(
      pinnedPackagesOf('{"steps":{"a":{"artifact":{"kind":"pinned","artifact":{"sha256":"../x"}}}}}'),
    ).toBeNull();
  });

  it('gives retired rows labels no upload can take', () => {
    const label = retiredVersionLabel('arv_01');
    expect(isRetiredVersionLabel(label)).toBe(true);
    expect(/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(label)).toBe(false);
    expect(isRetiredVersionLabel('v1')).toBe(false);
  });
});
