import { existsSync } from 'node:fs';
import type { TempoSettings } from '@tempo/contracts';
import {
  envNameOf,
  generateAuthSecret,
  loadSettings,
  PUBLISHED_LOCAL_ADMIN_API_KEY,
  SettingsError,
  saveSettings,
} from '@tempo/core/settings';
import { firstLocalSettings } from './first-local-settings.ts';

/** The variable that overrides `auth.adminApiKey`. */
export const ADMIN_API_KEY_VARIABLE = envNameOf(['auth', 'adminApiKey']);

/**
 * What {@link prepareLocalAdminKey} did: `created` and `replaced` carry a key nobody has seen
 * yet (it is shown once), `kept` leaves the file's key in place, `off` is a file whose blank key
 * turns `x-api-key` off, and `variable` means the
 * environment sets the key, so the file's value is not the one the server uses.
 */
export type LocalAdminKey =
  | { readonly kind: 'created'; readonly key: string }
  | { readonly kind: 'replaced'; readonly key: string }
  | { readonly kind: 'kept' }
  | { readonly kind: 'off' }
  | { readonly kind: 'variable' };

const withAdminKey = (settings: TempoSettings, key: string): TempoSettings => ({
  ...settings,
  auth: { ...settings.auth, adminApiKey: key },
});

/**
 * Gives `up`'s settings file a random administrator key: a new file is written with one, and a
 * file that still holds {@link PUBLISHED_LOCAL_ADMIN_API_KEY} gets a new one in its place. The
 * replacement is automatic because that value was written by `up`, never chosen by the
 * operator: refusing would only make every user edit the file by hand to reach the same state,
 * while the published key kept nobody out in the meantime. A key set by the variable is left
 * to the operator, unless it is the published one, which is refused.
 * Runs with the data folder locked and before the settings are loaded for the server.
 * @throws SettingsError when the variable holds the published key.
 */
export const prepareLocalAdminKey = (
  settingsFile: string,
  env: Readonly<Record<string, string | undefined>>,
): LocalAdminKey => {
  const fromVariable = env[ADMIN_API_KEY_VARIABLE];
  if (fromVariable?.trim() === PUBLISHED_LOCAL_ADMIN_API_KEY) {
    throw new SettingsError(
      `${ADMIN_API_KEY_VARIABLE}: auth.adminApiKey is the key published in Tempo's documentation, so anyone could act as administrator with it: unset the variable to use the random key ./tempo up keeps in its settings file, or set it to a random value (e.g. the output of "openssl rand -base64 32").`,
      'auth.adminApiKey',
      ADMIN_API_KEY_VARIABLE,
    );
  }
  let state: LocalAdminKey;
  if (!existsSync(settingsFile)) {
    const key = generateAuthSecret();
    saveSettings(settingsFile, withAdminKey(firstLocalSettings(), key));
    state = { kind: 'created', key };
  } else {
    // The file alone, without variables: only its own value is ever rewritten.
    const { settings } = loadSettings({ filePath: settingsFile });
    if (settings.auth.adminApiKey === PUBLISHED_LOCAL_ADMIN_API_KEY) {
      const key = generateAuthSecret();
      saveSettings(settingsFile, withAdminKey(settings, key));
      state = { kind: 'replaced', key };
    } else {
      state = { kind: settings.auth.adminApiKey === '' ? 'off' : 'kept' };
    }
  }
  return fromVariable === undefined ? state : { kind: 'variable' };
};

/** The start-up line that says how to authenticate with the administrator key, after {@link prepareLocalAdminKey}. */
export const describeLocalAdminKey = (state: LocalAdminKey, settingsFile: string): string => {
  const prefix = 'tempo: up: administrator key';
  switch (state.kind) {
    case 'created':
      return `${prefix}: send x-api-key: ${state.key} (generated on this first start and shown once; it is auth.adminApiKey in ${settingsFile}, owner-only)`;
    case 'replaced':
      return `${prefix}: send x-api-key: ${state.key} (shown once: ${settingsFile} held the published key ${PUBLISHED_LOCAL_ADMIN_API_KEY}, which anyone could use, so auth.adminApiKey there now holds this random one)`;
    case 'kept':
      return `${prefix}: send x-api-key with auth.adminApiKey in ${settingsFile} (owner-only)`;
    case 'off':
      return `${prefix}: x-api-key is off (auth.adminApiKey in ${settingsFile} is blank)`;
    case 'variable':
      return `${prefix}: send x-api-key with the administrator key set by ${ADMIN_API_KEY_VARIABLE}`;
  }
};
