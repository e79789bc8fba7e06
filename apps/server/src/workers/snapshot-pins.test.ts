import { describe, expect, it } from 'vitest';
import { pinnedPackagesOf } from './snapshot-pins.ts';

const SHA = 'ab'.repeat(32);

describe('pinnedPackagesOf', () => {
  it('collects the hashes of pinned steps, lower-cased', () => {
    const snapshot = {
      flow: { id: 'flow_1' },
      steps: {
        a: { artifact: { kind: 'pinned', artifact: { sha256: SHA.toUpperCase() } } },
        b: { artifact: { kind: 'unresolved', message: 'gone' } },
        c: { artifact: null },
      },
    };
    expect([...pinnedPackagesOf(JSON.stringify(snapshot))]).toEqual([SHA]);
  });

  it('pins nothing for text that is not a snapshot', () => {
    expect(pinnedPackagesOf(null).size).toBe(0);
    expect(pinnedPackagesOf('not json').size).toBe(0);
    expect(pinnedPackagesOf(JSON.stringify({ steps: [] })).size).toBe(0);
    // A hash elsewhere in the snapshot (a REST body, say) is not a pin.
    expect(pinnedPackagesOf(JSON.stringify({ steps: { a: { sha256: SHA } } })).size).toBe(0);
  });
});
