import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseSecretKey, SECRET_KEY_BYTES, SecretKeyFormatError } from './secret-envelope.ts';
import { SecretKeyring } from './secret-keyring.ts';

/** Where the secrets keys come from (the `secrets` settings). */
export interface SecretKeySettings {
  /** Key given by the operator; blank = the key file's. */
  readonly key: string;
  /** Earlier keys that stay readable. */
  readonly previousKeys: readonly string[];
  /** The key file, absolute. */
  readonly keyFile: string;
}

/** A keyring and where its current key came from. */
export interface LoadedKeyring {
  readonly keyring: SecretKeyring;
  /** `settings` when `secrets.key` (or its variable) gave the current key, else `file`. */
  readonly source: 'settings' | 'file';
  /** Whether the key file was created by this load. */
  readonly created: boolean;
}

/** What a key file holds: key texts, the current one first. */
interface KeyFileContent {
  readonly version: 1;
  readonly keys: readonly string[];
}

/** A fresh random key as base64url. */
export const generateSecretKey = (): string => randomBytes(SECRET_KEY_BYTES).toString('base64url');

/** The keys of a key file, the current one first; none when the file does not exist. */
export const readKeyFile = (path: string): string[] => {
  if (!existsSync(path)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SecretKeyFormatError(
      `the secrets key file ${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}); restore it from a backup`,
    );
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((key) => typeof key === 'string'))
    throw new SecretKeyFormatError(`the secrets key file ${path} holds no keys; restore it from a backup`);
  for (const key of keys) parseSecretKey(key);
  return keys;
};

/**
 * Writes a key file owner-only (0600), through a temporary file renamed over it, so a crash
 * never leaves a half-written file and no other user of the host can read the keys.
 */
export const writeKeyFile = (path: string, keys: readonly string[]): void => {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const content: KeyFileContent = { version: 1, keys };
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  renameSync(temporary, path);
};

/**
 * The keyring of the settings: `secrets.key` when given, else the key file's current key, then
 * every other key of both as readable ones. With neither, a random key is generated into the key
 * file (first start), so a server never runs without sealing.
 * @throws SecretKeyFormatError for a key text or key file that cannot be used.
 */
export const loadSecretKeyring = (settings: SecretKeySettings): LoadedKeyring => {
  const fileKeys = readKeyFile(settings.keyFile);
  const given = settings.key.trim();
  if (given !== '')
    return {
      keyring: SecretKeyring.fromTexts([given, ...settings.previousKeys, ...fileKeys]),
      source: 'settings',
      created: false,
    };
  if (fileKeys.length > 0)
    return {
      keyring: SecretKeyring.fromTexts([...fileKeys, ...settings.previousKeys]),
      source: 'file',
      created: false,
    };
  const key = generateSecretKey();
  writeKeyFile(settings.keyFile, [key]);
  return {
    keyring: SecretKeyring.fromTexts([key, ...settings.previousKeys]),
    source: 'file',
    created: true,
  };
};
