import { openDatabase } from '@tempo/core/store';
import { restrictNewFiles } from '../data-folder.ts';
import { loadCommandSettings, type SettingsLocation, settingsPathOf } from '../settings-file.ts';

/** `./tempo migrate`: applies pending migrations to the configured database. */
export const runMigrate = async (location: SettingsLocation): Promise<number> => {
  // A SQLite database created by the migration is owner-only, as the server would make it.
  restrictNewFiles();
  const settings = loadCommandSettings(settingsPathOf(location), false);
  const database = await openDatabase(settings.database);
  try {
    const report = await database.migrate();
    const applied = report.applied.length === 0 ? 'nothing to apply' : `applied ${report.applied.join(', ')}`;
    process.stdout.write(
      `tempo migrate: ${settings.database.type} schema version ${report.version} (${applied})\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
};
