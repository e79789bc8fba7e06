import { SettingsSection, type TempoSettings } from '@tempo/contracts';

/**
 * Sections a save applies to the running server at once. Each one's readers take it from
 * `context.settings` on every use (the log viewer reads `logViewer` per request), so swapping
 * the section is the whole reload. A section joins this list only when every reader does so.
 */
export const HOT_RELOAD_SECTIONS: readonly SettingsSection[] = ['logViewer'];

/**
 * Sections whose change waits for a restart: their values were handed to long-lived parts at
 * start-up (the listener, the database, the token codec, the scheduler, the handler host, the
 * loggers and exporters, the prune and sweep loops), and `engine` is reboot-required by the spec.
 */
export const REBOOT_REQUIRED_SECTIONS: readonly SettingsSection[] = SettingsSection.options.filter(
  (section) => !HOT_RELOAD_SECTIONS.includes(section),
);

/** The sections whose values differ between two settings objects. */
export const changedSections = (before: TempoSettings, after: TempoSettings): SettingsSection[] =>
  SettingsSection.options.filter(
    (section) => JSON.stringify(before[section]) !== JSON.stringify(after[section]),
  );
