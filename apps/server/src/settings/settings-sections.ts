import { SettingsSection, type TempoSettings } from '@tempo/contracts';

/**
 * Sections a save applies to the running server at once. Each one's readers take it from
 * `context.settings` on every use (the log viewer reads `logViewer` per request), so swapping
 * the section is the whole reload. A section joins this list only when every reader does so.
 * Fields of {@link START_UP_ONLY_FIELDS} are the exception: they keep their start-up values.
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

/**
 * Fields of hot sections that are still taken at start-up only: where the log viewer finds the
 * workers' logs and what they are named. A save that could move them at once would let one
 * request point the viewer at other files; a restart is the deliberate step it takes instead.
 */
export const START_UP_ONLY_FIELDS: Readonly<Partial<Record<SettingsSection, readonly string[]>>> = {
  logViewer: ['workerRootPath', 'workerLogFilename'],
};

/** A section's values split into its start-up-only fields and the rest. */
const split = (settings: TempoSettings, section: SettingsSection) => {
  const values = { ...(settings[section] as Record<string, unknown>) };
  const pinned: Record<string, unknown> = {};
  for (const field of START_UP_ONLY_FIELDS[section] ?? []) {
    pinned[field] = values[field];
    delete values[field];
  }
  return { pinned: JSON.stringify(pinned), rest: JSON.stringify(values) };
};

/**
 * The changed sections that wait for a restart: every changed reboot-required section, and a hot
 * one whose start-up-only fields changed.
 */
export const restartSections = (before: TempoSettings, after: TempoSettings): SettingsSection[] =>
  changedSections(before, after).filter(
    (section) =>
      REBOOT_REQUIRED_SECTIONS.includes(section) ||
      split(before, section).pinned !== split(after, section).pinned,
  );

/** The changed hot sections whose change a save applies at once (start-up-only fields aside). */
export const appliedSections = (before: TempoSettings, after: TempoSettings): SettingsSection[] =>
  changedSections(before, after).filter(
    (section) =>
      HOT_RELOAD_SECTIONS.includes(section) && split(before, section).rest !== split(after, section).rest,
  );

/** `saved`'s hot section with the start-up-only fields of `running` kept. */
export const hotSectionValue = (
  running: TempoSettings,
  saved: TempoSettings,
  section: SettingsSection,
): unknown => {
  const value: Record<string, unknown> = { ...(saved[section] as Record<string, unknown>) };
  const current = running[section] as Record<string, unknown>;
  for (const field of START_UP_ONLY_FIELDS[section] ?? []) value[field] = current[field];
  return value;
};
