import { describe, expect, it } from 'vitest';
import { serialiseStepData, storedStepData, utf8Prefix } from './step-data.ts';

describe('utf8Prefix', () => {
  it('cuts by bytes and never inside a character', () => {
    expect(utf8Prefix('abc', 10)).toBe('abc');
    expect(utf8Prefix('éééé', 5)).toBe('éé');
    expect(utf8Prefix('a😀b'.repeat(10), 6)).toBe('a😀b');
    expect(utf8Prefix('a😀b'.repeat(10), 4)).toBe('a');
    expect(utf8Prefix('€'.repeat(100), 10)).toBe('€€€');
    expect(utf8Prefix('abc', 0)).toBe('');
  });
});

describe('serialiseStepData', () => {
  it('serialises plain data and leaves undefined properties out', () => {
    expect(serialiseStepData({ a: [1, 'x'], b: undefined })).toEqual({ ok: true, text: '{"a":[1,"x"]}' });
    expect(serialiseStepData(undefined)).toEqual({ ok: true, text: null });
    expect(serialiseStepData(new Date(0))).toEqual({ ok: true, text: '"1970-01-01T00:00:00.000Z"' });
  });

  it('names what cannot be serialised', () => {
    expect(serialiseStepData([undefined])).toEqual({ ok: false, problem: 'it holds undefined at index 0' });
    expect(serialiseStepData({ toJSON: () => undefined })).toEqual({
      ok: false,
      problem: 'it has no JSON form',
    });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(serialiseStepData(deep)).toEqual({ ok: false, problem: 'it is nested too deeply' });
  });
});

describe('storedStepData', () => {
  it('keeps text that fits and marks a cut copy in a small JSON object', () => {
    expect(storedStepData('{"a":1}', 100)).toBe('{"a":1}');
    expect(storedStepData(null, 100)).toBeNull();
    const text = JSON.stringify({ quote: '"'.repeat(2_000), euro: '€'.repeat(2_000) });
    const stored = storedStepData(text, 1_000) ?? '';
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(1_000);
    const marker = JSON.parse(stored) as { truncated: boolean; originalBytes: number; prefix: string };
    expect(marker.truncated).toBe(true);
    expect(marker.originalBytes).toBe(Buffer.byteLength(text));
    expect(text.startsWith(marker.prefix)).toBe(true);
    expect(marker.prefix.length).toBeGreaterThan(100);
  });
});
