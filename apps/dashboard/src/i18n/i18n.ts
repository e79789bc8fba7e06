import i18next, { type BackendModule, type ReadCallback } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { STORAGE_KEYS } from '../api/storage-keys.ts';
import {
  DEFAULT_LOCALE,
  detectLocale,
  LOCALES,
  type Locale,
  localeDirection,
  normalizeLocale,
} from './locales.ts';

/** Every resource file, each its own chunk: a namespace loads the first time a page asks for it. */
const resourceLoaders = import.meta.glob<{ default: Record<string, unknown> }>('../locales/*/*.json');

const lazyResources: BackendModule = {
  type: 'backend',
  init() {},
  read(language: string, namespace: string, callback: ReadCallback) {
    const load = resourceLoaders[`../locales/${language}/${namespace}.json`];
    if (load === undefined) {
      callback(new Error(`no ${namespace} resources for ${language}`), false);
      return;
    }
    load().then(
      (module) => callback(null, module.default),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

const applyToDocument = (locale: Locale) => {
  document.documentElement.lang = locale;
  document.documentElement.dir = localeDirection(locale);
};

/** The locale the page starts in (spec §4.5: `?lang=`, then `tempo.locale`, then the browser). */
const startingLocale = (): Locale =>
  detectLocale({
    query: new URLSearchParams(window.location.search).get('lang'),
    stored: window.localStorage.getItem(STORAGE_KEYS.locale),
    browser: navigator.languages ?? [navigator.language],
  });

/**
 * Starts i18next with the detected locale and the `common` and `shell` namespaces loaded; the
 * page's other namespaces load with its code. Resolves when the first strings are ready.
 */
export const startI18n = async (): Promise<void> => {
  const locale = startingLocale();
  i18next.on('languageChanged', (language) => {
    const chosen = normalizeLocale(language) ?? DEFAULT_LOCALE;
    window.localStorage.setItem(STORAGE_KEYS.locale, chosen);
    applyToDocument(chosen);
  });
  await i18next
    .use(lazyResources)
    .use(initReactI18next)
    .init({
      lng: locale,
      fallbackLng: DEFAULT_LOCALE,
      supportedLngs: [...LOCALES],
      // `zh-Hans` must not fall back to a `zh` nobody ships.
      load: 'currentOnly',
      ns: ['common', 'shell'],
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      react: { useSuspense: true },
    });
  window.localStorage.setItem(STORAGE_KEYS.locale, locale);
  applyToDocument(locale);
};

/** Switches the whole page to `locale`, remembered in `tempo.locale`. */
export const changeLocale = (locale: Locale): Promise<unknown> => i18next.changeLanguage(locale);
