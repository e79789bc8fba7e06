import { ID_MAX_LENGTH, type IdKind, IdPrefix } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { idTimestampMs, newId, newPrefixedId } from './id-generator.ts';

describe('newId', () => {
  it('gives every kind its prefix, exactly 32 characters and the documented shape', () => {
    for (const [kind, prefix] of Object.entries(IdPrefix)) {
      const id = newId(kind as IdKind);
      expect(id.startsWith(prefix)).toBe(true);
      expect(id).toHaveLength(ID_MAX_LENGTH);
      expect(id.slice(prefix.length)).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}_[0-9A-HJKMNP-TV-Z]+$/);
    }
  });

  it('sorts in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId('flowRun'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carries its creation time', () => {
    const before = Date.now();
    const id = newId('tenant');
    const at = idTimestampMs(id);
    expect(at).not.toBeNull();
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now() + 5);
    expect(idTimestampMs('not-an-id')).toBeNull();
  });

  it('refuses a prefix that leaves no room for a unique part', () => {
    expect(() => newPrefixedId('a_much_too_long_prefix_')).toThrow(RangeError);
  });
});
