import { describe, expect, it } from 'vitest';
import { detectLocale, normalizeLocale } from './locales.ts';

describe('normalizeLocale', () => {
  it.each([
    ['kanji', 'ja'],
    ['Kanji', 'ja'],
    ['ja_JP', 'ja'],
    ['en-GB', 'en'],
    ['es-MX', 'es'],
    ['de-AT', 'de'],
    ['fr_CA', 'fr'],
    ['it-CH', 'it'],
    ['yue', 'yue-Hant-HK'],
    ['zh-HK', 'yue-Hant-HK'],
    ['zh-MO', 'yue-Hant-HK'],
    ['zh-TW', 'zh-Hant-TW'],
    ['zh-Hant', 'zh-Hant-TW'],
    ['zh', 'zh-Hans'],
    ['zh-CN', 'zh-Hans'],
    ['zh-SG', 'zh-Hans'],
    ['zh-Hans-CN', 'zh-Hans'],
    ['pt-BR', 'en'],
    ['klingon', 'en'],
  ])('%s -> %s', (tag, locale) => {
    expect(normalizeLocale(tag)).toBe(locale);
  });

  it('has no answer for an empty tag, so the next source is tried', () => {
    expect(normalizeLocale('')).toBeNull();
    expect(normalizeLocale(null)).toBeNull();
  });
});

describe('detectLocale', () => {
  it('prefers the query, then the stored choice, then the browser', () => {
    expect(detectLocale({ query: 'kanji', stored: 'de', browser: ['fr'] })).toBe('ja');
    expect(detectLocale({ query: null, stored: 'de', browser: ['fr'] })).toBe('de');
    expect(detectLocale({ query: '', stored: null, browser: ['', 'zh-TW'] })).toBe('zh-Hant-TW');
    expect(detectLocale({ query: null, stored: null, browser: [] })).toBe('en');
  });
});
