import { dirname, join, resolve } from 'node:path';
import type { TempoSettings } from '@tempo/contracts';
import { loadSettings, resolveSettingsPath, resolveSettingsPaths } from '@tempo/core/settings';
import { secureDataFolder } from './data-folder.ts';

/** Where a command finds its settings. */
export interface SettingsLocation {
  /** `--settings FILE`. */
  readonly settingsFile?: string | undefined;
  /** `--data-dir DIR`: the settings are DIR/tempo.json. */
  readonly dataDir?: string | undefined;
}

/** The settings file a command uses: FILE, DIR/tempo.json, $TEMPO_SETTINGS_FILE or ./tempo.json. */
export const settingsPathOf = (location: SettingsLocation): string => {
  if (location.settingsFile) return resolve(location.settingsFile);
  if (location.dataDir) return resolve(location.dataDir, 'tempo.json');
  return resolve(resolveSettingsPath(process.env, join(process.cwd(), 'tempo.json')));
};

/**
 * Loads, validates and resolves the settings: defaults are written on first start, relative
 * paths are taken from the settings file's folder, clamped values are reported on stderr.
 */
export const loadCommandSettings = (
  filePath: string,
  writeDefaults: boolean,
  prepareAuthSecrets = false,
): TempoSettings => {
  const { settings, warnings } = loadSettings({
    filePath,
    env: process.env,
    writeDefaults,
    prepareAuthSecrets,
  });
  for (const warning of warnings) process.stderr.write(`tempo: ${warning}\n`);
  return resolveSettingsPaths(settings, dirname(filePath));
};

/**
 * The settings of a command that starts the server (`server`, `up`), with its data folder made
 * owner-only first: missing defaults and auth secrets are generated into the file, and a blank
 * secret or the published development signing key stops start-up with a message saying how to
 * set one.
 * @param dedicated the data folder belongs to Tempo alone (see `secureDataFolder`).
 */
export const loadServerSettings = (filePath: string, dedicated: boolean): TempoSettings => {
  const settings = loadCommandSettings(filePath, true, true);
  secureDataFolder({ settingsFile: filePath, settings, dedicated });
  return settings;
};
