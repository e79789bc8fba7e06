import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { REDACTED } from '@tempo/contracts';
import {
  createSecretSealer,
  generateSecretKey,
  loadSecretKeyring,
  readKeyFile,
  rotateSecrets,
  SecretKeyring,
  SecretsKeyMissingError,
  writeKeyFile,
} from '@tempo/core/secrets';
import { openDatabase } from '@tempo/core/store';
import { restrictNewFiles } from '../data-folder.ts';
import { lockDataFolder } from '../data-folder-lock.ts';
import { loadCommandSettings, type SettingsLocation, settingsPathOf } from '../settings-file.ts';

/** Rebuilds a SQLite file, so no page of it keeps a value sealed under a retired key. */
const vacuumSqlite = (filename: string): void => {
  const database = new DatabaseSync(filename);
  try {
    database.exec('VACUUM');
  } finally {
    database.close();
  }
};

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * `./tempo secrets rotate`: seals every stored secret again under a new key. With the keys in the
 * key file (the default), a new key is generated into it first, the old ones stay in it until
 * every secret is sealed again, then they are dropped. With `secrets.key` set, that key is the new
 * one and `secrets.previousKeys` must hold the old ones; they can be removed afterwards.
 *
 * The data folder is locked for the whole rotation, so a server on it must be stopped first (one
 * that went on sealing under the old key would leave secrets the dropped key alone could open).
 */
export const runSecretsRotate = async (location: SettingsLocation): Promise<number> => {
  restrictNewFiles();
  const settingsFile = settingsPathOf(location);
  const lock = lockDataFolder(dirname(settingsFile));
  try {
    const settings = loadCommandSettings(settingsFile, false);
    const { keyFile, previousKeys } = settings.secrets;
    const loaded = loadSecretKeyring(settings.secrets);
    const fileKeys = readKeyFile(keyFile);
    let keyring = loaded.keyring;
    let newKey: string | null = null;
    if (loaded.source === 'file') {
      newKey = generateSecretKey();
      // Written before any row changes: a crash half-way leaves every key needed to read on.
      writeKeyFile(keyFile, [newKey, ...fileKeys]);
      keyring = SecretKeyring.fromTexts([newKey, ...fileKeys, ...previousKeys]);
    }
    const sealer = createSecretSealer(keyring, REDACTED);
    const database = await openDatabase(settings.database, sealer);
    try {
      const report = await rotateSecrets(database.repositories, sealer);
      const retired = keyring.keyIds.filter((id) => id !== report.keyId);
      process.stdout.write(
        `tempo secrets rotate: ${plural(report.steps, 'step')}, ${plural(report.flows, 'flow')} and ` +
          `${plural(report.runs, 'run')} sealed under key ${report.keyId}` +
          `${retired.length > 0 ? `; key ${retired.join(', ')} no longer used` : ''}\n`,
      );
      if (report.lostKeyIds.length > 0)
        process.stderr.write(
          `tempo secrets rotate: finished runs named key ${report.lostKeyIds.join(', ')}, which was already gone; their secrets were unreadable and stay hidden\n`,
        );
      if (loaded.source === 'settings' && retired.length > 0)
        process.stdout.write(
          'tempo secrets rotate: remove secrets.previousKeys (TEMPO_SECRETS_PREVIOUS_KEYS) from the configuration now\n',
        );
    } catch (error) {
      // Nothing was written when a key is missing, so the key file goes back to what it was.
      if (newKey && error instanceof SecretsKeyMissingError) writeKeyFile(keyFile, fileKeys);
      throw error;
    } finally {
      await database.close();
    }
    // The old sealed values may linger in free pages of the SQLite file until it is rebuilt.
    if (settings.database.type === 'Sqlite') vacuumSqlite(settings.database.filename);
    if (newKey) writeKeyFile(keyFile, [newKey]);
    return 0;
  } finally {
    lock.release();
  }
};
