/** `tempo.json`: loading with defaults, case-insensitive keys, `TEMPO_*` overrides and clear errors. */
export {
  assertUsableAuthSecrets,
  generateAuthSecret,
  PUBLISHED_LOCAL_ADMIN_API_KEY,
} from './auth-secrets.ts';
export { type AppliedOverrides, applyEnvOverrides, envNameOf, settingsEnvNames } from './env-overrides.ts';
export {
  type LoadedSettings,
  type LoadSettingsOptions,
  loadSettings,
  resolveSettingsPath,
  resolveSettingsPaths,
  saveSettings,
} from './load-settings.ts';
export { matchKeyCase } from './schema-walk.ts';
export { SettingsError } from './settings-error.ts';
