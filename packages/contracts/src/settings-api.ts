import { z } from 'zod';

/** Top-level sections of `tempo.json`, as `rebootRequiredSections` and `rebootRequired` name them. */
export const SettingsSection = z.enum([
  'rest',
  'database',
  'logging',
  'auth',
  'secrets',
  'requestHistory',
  'audit',
  'engine',
  'hydration',
  'artifacts',
  'runtimes',
  'logViewer',
  'runLogs',
  'telemetry',
]);
export type SettingsSection = z.infer<typeof SettingsSection>;

/** A setting whose running value comes from a `TEMPO_*` environment variable, not from the file. */
export const SettingsEnvironmentOverride = z.object({
  /** Dotted path of the setting, e.g. `logViewer.workerRootPath`. */
  field: z.string(),
  /** The variable that sets it, e.g. `TEMPO_LOG_VIEWER_WORKER_ROOT`. */
  variable: z.string(),
});
export type SettingsEnvironmentOverride = z.infer<typeof SettingsEnvironmentOverride>;

/** `GET /v1.0/settings/meta`. */
export const SettingsMetaResponse = z.object({
  /** Sections whose change takes effect only when the server starts again. */
  rebootRequiredSections: z.array(SettingsSection),
  /** Sections a save applies at once (the others wait for a restart). */
  hotReloadSections: z.array(SettingsSection),
  /** Sections saved since this server started whose new values wait for a restart. */
  pendingRebootSections: z.array(SettingsSection),
  /**
   * Settings set by `TEMPO_*` variables: they win over the file, so the file's value shown for
   * them is not the running one, and a save never writes the variable's value into the file.
   */
  environmentOverrides: z.array(SettingsEnvironmentOverride),
});
export type SettingsMetaResponse = z.infer<typeof SettingsMetaResponse>;

/**
 * `GET /v1.0/settings`: the settings file's content with every default filled in, secrets as
 * `****`; relative paths stay relative to the file's folder. Values set by environment variables
 * are not in `settings` but listed in `environmentOverrides`.
 */
export const SettingsReadResponse = SettingsMetaResponse.extend({
  /** The settings file; null when the server was started without one (nothing can be saved). */
  path: z.string().nullable(),
  /** The file's settings, in the shape of `tempo.json` (`TempoSettings`). */
  settings: z.record(z.string(), z.unknown()),
});
export type SettingsReadResponse = z.infer<typeof SettingsReadResponse>;

/** `PUT /v1.0/settings`: what the save did. */
export const SettingsSaveResponse = z.object({
  saved: z.literal(true),
  /** Changed sections whose new values wait for a restart. */
  rebootRequired: z.array(SettingsSection),
  /** Changed sections applied at once. */
  applied: z.array(SettingsSection),
  /** Dotted paths of the settings that changed (names only, never values). */
  changedFields: z.array(z.string()),
  /** Changes that weaken or could cut off access (a new admin API key, security headers off, ...). */
  warnings: z.array(z.string()),
  /** As in `GET /v1.0/settings`: these variables still win over what was saved. */
  environmentOverrides: z.array(SettingsEnvironmentOverride),
});
export type SettingsSaveResponse = z.infer<typeof SettingsSaveResponse>;
