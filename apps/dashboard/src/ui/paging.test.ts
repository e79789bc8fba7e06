import { describe, expect, it } from 'vitest';
import { languageOfPath } from './code-language.ts';
import { pageCount, parsePageJump } from './paging.ts';

describe('pageCount', () => {
  it('rounds partial pages up and shows one page when empty', () => {
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(25, 25)).toBe(1);
    expect(pageCount(26, 25)).toBe(2);
    expect(pageCount(101, 10)).toBe(11);
  });
});

describe('parsePageJump', () => {
  it('clamps a whole number into 1..pages', () => {
    expect(parsePageJump('3', 5)).toBe(3);
    expect(parsePageJump(' 9 ', 5)).toBe(5);
    expect(parsePageJump('0', 5)).toBe(1);
  });
  it('rejects anything that is not a whole number', () => {
    expect(parsePageJump('', 5)).toBeNull();
    expect(parsePageJump('2.5', 5)).toBeNull();
    expect(parsePageJump('-1', 5)).toBeNull();
    expect(parsePageJump('two', 5)).toBeNull();
  });
});

describe('languageOfPath', () => {
  it('picks the editor language from the extension', () => {
    expect(languageOfPath('handler.py')).toBe('python');
    expect(languageOfPath('src/Handler.CS')).toBe('csharp');
    expect(languageOfPath('index.mjs')).toBe('javascript');
    expect(languageOfPath('tempo.json')).toBe('json');
    expect(languageOfPath('README')).toBe('text');
    expect(languageOfPath('notes.md')).toBe('text');
  });
});
