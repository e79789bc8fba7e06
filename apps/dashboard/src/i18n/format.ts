import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** Locale-aware formatting of the values the dashboard shows; one place, built on `Intl`. */
export interface Format {
  /** Date and time, medium date and time, in the viewer's zone; `—` for a missing value. */
  dateTime(iso: string | null | undefined): string;
  /** Date only. */
  date(iso: string | null | undefined): string;
  number(value: number): string;
  /** A duration in milliseconds, in the largest unit that keeps it readable (ms, s, min, h). */
  duration(ms: number | null | undefined): string;
  /** A byte count in B, kB, MB or GB (powers of 1024). */
  bytes(value: number): string;
  /** Yes/No in the page's language. */
  boolean(value: boolean): string;
  /** `a, b and c` in the page's language. */
  list(items: readonly string[]): string;
}

/** What the page shows for a value that is not there. */
export const MISSING = '—';

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** The formatter of one locale; `yesNo` gives the words for booleans in that locale. */
export const createFormat = (locale: string, yesNo: (value: boolean) => string): Format => {
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const numberFormat = new Intl.NumberFormat(locale);
  const listFormat = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
  const unit = (value: number, name: string, digits: number) =>
    new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: name,
      unitDisplay: 'short',
      maximumFractionDigits: digits,
    }).format(value);
  const when = (format: Intl.DateTimeFormat, iso: string | null | undefined) => {
    if (!iso) return MISSING;
    const parsed = new Date(iso);
    return Number.isNaN(parsed.getTime()) ? iso : format.format(parsed);
  };
  return {
    dateTime: (iso) => when(dateTimeFormat, iso),
    date: (iso) => when(dateFormat, iso),
    number: (value) => numberFormat.format(value),
    duration: (ms) => {
      if (ms === null || ms === undefined || !Number.isFinite(ms)) return MISSING;
      if (Math.abs(ms) < 1000) return unit(ms, 'millisecond', 0);
      if (Math.abs(ms) < 60_000) return unit(ms / 1000, 'second', 2);
      if (Math.abs(ms) < 3_600_000) return unit(ms / 60_000, 'minute', 1);
      return unit(ms / 3_600_000, 'hour', 1);
    },
    bytes: (value) => {
      let scaled = value;
      let index = 0;
      while (Math.abs(scaled) >= 1024 && index < BYTE_UNITS.length - 1) {
        scaled /= 1024;
        index++;
      }
      return unit(scaled, BYTE_UNITS[index] ?? 'byte', index === 0 ? 0 : 1);
    },
    boolean: yesNo,
    list: (items) => listFormat.format(items),
  };
};

/** The formatter of the page's current language. */
export const useFormat = (): Format => {
  const { t, i18n } = useTranslation('common');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return useMemo(() => createFormat(locale, (value) => t(value ? 'boolean.yes' : 'boolean.no')), [locale, t]);
};
