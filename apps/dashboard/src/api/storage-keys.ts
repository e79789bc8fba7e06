/** localStorage keys of the dashboard (spec §4.1). */
export const STORAGE_KEYS = {
  serverUrl: 'tempo.server.url',
  token: 'tempo.auth.token',
  theme: 'tempo.theme',
  locale: 'tempo.locale',
  /** Set by older dashboards for every server alike; read only to decide whether to re-open. */
  wizardDismissedLegacy: 'tempo.setupWizard.dismissed',
} as const;

/**
 * sessionStorage key of an administrator API key used to sign in: kept for this tab only, never
 * in localStorage, because unlike a token it does not expire.
 */
export const SESSION_API_KEY = 'tempo.auth.apiKey';

/** The wizard's dismissed key for one server and one tenant or principal (spec §4.1). */
export const wizardDismissedKey = (serverUrl: string, scope: string | null): string =>
  `tempo.setupWizard.dismissed.${serverUrl.toLowerCase()}.${scope ?? 'default'}`;
