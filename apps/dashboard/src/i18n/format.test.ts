import { describe, expect, it } from 'vitest';
import { createFormat, MISSING } from './format.ts';

const yesNo = (value: boolean) => (value ? 'Y' : 'N');

describe('createFormat', () => {
  it('writes numbers with the separators of the locale', () => {
    expect(createFormat('en', yesNo).number(1234567.5)).toBe('1,234,567.5');
    expect(createFormat('de', yesNo).number(1234567.5)).toBe('1.234.567,5');
    expect(createFormat('fr', yesNo).number(1234.5)).toMatch(/^1\s234,5$/u);
  });

  it('picks the largest readable unit for durations', () => {
    const en = createFormat('en', yesNo);
    expect(en.duration(250)).toBe('250 ms');
    expect(en.duration(1500)).toBe('1.5 sec');
    expect(en.duration(90_000)).toBe('1.5 min');
    expect(en.duration(7_200_000)).toBe('2 hr');
    expect(en.duration(null)).toBe(MISSING);
    expect(createFormat('de', yesNo).duration(1500)).toBe('1,5 Sek.');
  });

  it('scales byte counts by 1024', () => {
    const en = createFormat('en', yesNo);
    expect(en.bytes(512)).toBe('512 byte');
    expect(en.bytes(131072)).toBe('128 kB');
    expect(en.bytes(5 * 1024 * 1024)).toBe('5 MB');
  });

  it('joins lists and dates in the language of the locale', () => {
    expect(createFormat('en', yesNo).list(['a', 'b', 'c'])).toBe('a, b, and c');
    expect(createFormat('es', yesNo).list(['a', 'b'])).toBe('a y b');
    expect(createFormat('ja', yesNo).date('2026-03-04T05:06:07Z')).toBe('2026/03/04');
    expect(createFormat('en', yesNo).date(undefined)).toBe(MISSING);
    expect(createFormat('en', yesNo).boolean(true)).toBe('Y');
  });
});
