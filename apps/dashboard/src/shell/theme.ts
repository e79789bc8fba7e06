import { useCallback, useState } from 'react';
import { STORAGE_KEYS } from '../api/storage-keys.ts';

/** The two themes (spec §4.1: `tempo.theme`, set on `body[data-theme]`). */
export type Theme = 'light' | 'dark';

/** The stored theme, else the system's preference. */
export const initialTheme = (): Theme => {
  const stored = window.localStorage.getItem(STORAGE_KEYS.theme);
  if (stored === 'light' || stored === 'dark') return stored;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
};

/** Puts `theme` on the page and remembers it. */
export const applyTheme = (theme: Theme): void => {
  document.body.dataset.theme = theme;
  window.localStorage.setItem(STORAGE_KEYS.theme, theme);
};

/** The page's theme and a setter that applies and remembers it. */
export const useTheme = (): [Theme, (theme: Theme) => void] => {
  const [theme, setThemeState] = useState<Theme>(() =>
    document.body.dataset.theme === 'dark' ? 'dark' : 'light',
  );
  const setTheme = useCallback((next: Theme) => {
    applyTheme(next);
    setThemeState(next);
  }, []);
  return [theme, setTheme];
};
