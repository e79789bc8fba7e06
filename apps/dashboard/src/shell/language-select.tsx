import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { changeLocale } from '../i18n/i18n.ts';
import { LOCALE_AUTONYMS, LOCALES, type Locale, normalizeLocale } from '../i18n/locales.ts';

/** The language selector of the login page, the top bar and Settings → Appearance. */
export const LanguageSelect = ({ showLabel = false }: { readonly showLabel?: boolean }) => {
  const { t, i18n } = useTranslation('shell');
  const id = useId();
  const current = normalizeLocale(i18n.resolvedLanguage ?? i18n.language) ?? 'en';
  return (
    <span className="language-select">
      <label htmlFor={id} className={showLabel ? 'field-label' : 'visually-hidden'}>
        {t('language.label')}
      </label>
      <select
        id={id}
        value={current}
        title={t('language.hint')}
        onChange={(event) => void changeLocale(event.target.value as Locale)}
      >
        {LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {LOCALE_AUTONYMS[locale]}
          </option>
        ))}
      </select>
    </span>
  );
};
