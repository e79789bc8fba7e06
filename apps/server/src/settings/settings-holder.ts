import { dirname } from 'node:path';
import type { SettingsSection, TempoSettings } from '@tempo/contracts';
import { loadSettings, resolveSettingsPaths } from '@tempo/core/settings';
import { HOT_RELOAD_SECTIONS, hotSectionValue, restartSections } from './settings-sections.ts';

/**
 * The server's running settings. Start-up values stay in force for every section but the hot
 * ones, which a save replaces; what a save changed in the other sections is remembered as
 * waiting for a restart.
 */
export class SettingsHolder {
  #current: TempoSettings;
  /** What the settings file said (with variables applied) when the server started. */
  readonly #atStart: TempoSettings;
  #pendingReboot: readonly SettingsSection[] = [];

  /**
   * @param running the settings the server runs with.
   * @param atStart the settings file's values at start-up, the baseline of pending restarts;
   *   default `running`.
   */
  constructor(running: TempoSettings, atStart: TempoSettings = running) {
    this.#current = running;
    this.#atStart = atStart;
  }

  /** The running settings; read on each use by the readers of hot sections. */
  get current(): TempoSettings {
    return this.#current;
  }

  /** Saved sections that take effect only after a restart. */
  get pendingReboot(): readonly SettingsSection[] {
    return this.#pendingReboot;
  }

  /**
   * Takes the settings as the file now says them: hot sections replace the running ones at
   * once (but for their start-up-only fields), the rest is compared with start-up to know which
   * sections wait for a restart.
   */
  apply(saved: TempoSettings): void {
    const next: Record<string, unknown> = { ...this.#current };
    for (const section of HOT_RELOAD_SECTIONS) next[section] = hotSectionValue(this.#current, saved, section);
    this.#current = next as TempoSettings;
    this.#pendingReboot = restartSections(this.#atStart, saved);
  }
}

/**
 * The holder of a server started from `filePath`: the baseline of pending restarts is what the
 * file says with the variables applied, not the running values, which a command line may have
 * changed (`--port`) without the file saying so.
 */
export const settingsHolderFor = (
  running: TempoSettings,
  filePath: string | null,
  env: Readonly<Record<string, string | undefined>>,
): SettingsHolder => {
  if (filePath === null) return new SettingsHolder(running);
  try {
    const { settings } = loadSettings({ filePath, env });
    return new SettingsHolder(running, resolveSettingsPaths(settings, dirname(filePath)));
  } catch {
    // The server already runs with settings from this file; a baseline is only for reporting.
    return new SettingsHolder(running);
  }
};
