import { describe, expect, it } from 'vitest';
import { stableSeedId } from './stable-id.ts';

describe('stableSeedId', () => {
  it('derives the same id from the same identity, another from another, in the shape of a generated id', () => {
    const id = stableSeedId('artifact', 'ten_1', 'tempo.sample.artifact.javascript');
    expect(id).toBe(stableSeedId('artifact', 'ten_1', 'tempo.sample.artifact.javascript'));
    expect(id).not.toBe(stableSeedId('artifact', 'ten_2', 'tempo.sample.artifact.javascript'));
    expect(stableSeedId('dataFlow', 'a', 'bc')).not.toBe(stableSeedId('dataFlow', 'ab', 'c'));
    expect(id).toMatch(/^art_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(id.length).toBeLessThanOrEqual(32);
  });
});
