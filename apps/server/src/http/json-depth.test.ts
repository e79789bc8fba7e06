import { TempoError } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { assertJsonDepth, jsonDepth, MAX_JSON_DEPTH } from './json-depth.ts';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`);

describe('jsonDepth', () => {
  it('counts object and array nesting', () => {
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth('text')).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [{ b: 1 }] })).toBe(3);
    expect(jsonDepth(nested(10))).toBe(10);
  });

  it('handles nesting that would overflow a recursive walk', () => {
    expect(jsonDepth(nested(50_000))).toBeGreaterThan(MAX_JSON_DEPTH);
  });

  it('refuses bodies deeper than the limit with a 400', () => {
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH + 1))).toThrow(TempoError);
  });
});
