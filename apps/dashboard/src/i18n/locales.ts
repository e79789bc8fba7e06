/** The locales the dashboard ships (spec §4.5), in the order the language selector lists them. */
export const LOCALES = ['en', 'es', 'zh-Hans', 'yue-Hant-HK', 'ja', 'de', 'fr', 'it', 'zh-Hant-TW'] as const;
/** One shipped locale code. */
export type Locale = (typeof LOCALES)[number];

/** The fallback locale, and the one every other is checked against. */
export const DEFAULT_LOCALE: Locale = 'en';

/** Each locale's name in its own language, as the selector shows it. */
export const LOCALE_AUTONYMS: Readonly<Record<Locale, string>> = {
  en: 'English',
  es: 'Español',
  'zh-Hans': '简体中文',
  'yue-Hant-HK': '廣東話',
  ja: '日本語',
  de: 'Deutsch',
  fr: 'Français',
  it: 'Italiano',
  'zh-Hant-TW': '繁體中文',
};

/** Every shipped locale is written left to right; kept as data so `<html dir>` follows it. */
export const localeDirection = (_locale: Locale): 'ltr' | 'rtl' => 'ltr';

const BASE_LANGUAGES: ReadonlySet<string> = new Set(['en', 'es', 'ja', 'de', 'fr', 'it']);

/**
 * A shipped locale for any language tag (spec §4.5): `_` reads as `-`, `kanji` is Japanese,
 * regional variants fold onto the shipped one, Chinese by script and region; anything else is
 * English. Returns null only for an empty tag, so callers can try the next source.
 */
export const normalizeLocale = (tag: string | null | undefined): Locale | null => {
  const cleaned = (tag ?? '').trim().replace(/_/g, '-');
  if (cleaned === '') return null;
  const lower = cleaned.toLowerCase();
  if (lower === 'kanji') return 'ja';
  const [language = ''] = lower.split('-');
  if (BASE_LANGUAGES.has(language)) return language as Locale;
  if (language === 'yue') return 'yue-Hant-HK';
  if (language === 'zh') {
    if (lower.startsWith('zh-hk') || lower.startsWith('zh-mo') || lower === 'zh-hant-hk')
      return 'yue-Hant-HK';
    if (lower.startsWith('zh-tw') || lower.startsWith('zh-hant')) return 'zh-Hant-TW';
    return 'zh-Hans';
  }
  return 'en';
};

/** Where a locale choice can come from, in the order they are tried (spec §4.5). */
export interface LocaleSources {
  /** The page's `?lang=` value. */
  readonly query: string | null;
  /** `tempo.locale` from localStorage. */
  readonly stored: string | null;
  /** `navigator.languages`, most preferred first. */
  readonly browser: readonly string[];
}

/** The locale to start with: the query, then the stored choice, then the browser, then English. */
export const detectLocale = (sources: LocaleSources): Locale =>
  normalizeLocale(sources.query) ??
  normalizeLocale(sources.stored) ??
  sources.browser.map(normalizeLocale).find((locale) => locale !== null) ??
  DEFAULT_LOCALE;
