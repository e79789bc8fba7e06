import { createHmac, randomBytes } from 'node:crypto';
import { ID_MAX_LENGTH, IdPrefix } from '@tempo/contracts';

/** Letters and digits: 62 symbols, about 5.95 bits each, with nothing that needs escaping. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Bytes at or above this would make some symbols likelier than others, so they are drawn again. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/** Characters of a key's stored hint: the prefix and 4 random characters (about 24 bits). */
export const ACCESS_KEY_HINT_LENGTH = 8;

/** The two keys of a credential; their prefixes are the spec's (`pub_`, `key_`). */
export type CredentialKeyKind = 'accessKey' | 'secretKey';

const randomSymbols = (count: number): string => {
  let out = '';
  while (out.length < count) {
    for (const byte of randomBytes(count * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      out += ALPHABET[byte % ALPHABET.length];
      if (out.length === count) break;
    }
  }
  return out;
};

/**
 * A new credential key: its prefix, then random symbols up to the spec's 32 characters (28 of 62
 * symbols, about 166 bits; about 142 stay unknown to a reader who sees the hint), drawn from the
 * CSPRNG alone. Unlike ids it carries no clock or counter, so nothing of it follows from the
 * credential's id or creation time.
 */
export const newCredentialKey = (kind: CredentialKeyKind): string =>
  `${IdPrefix[kind]}${randomSymbols(ID_MAX_LENGTH - IdPrefix[kind].length)}`;

/**
 * What the database keeps of a credential key: lowercase hex HMAC-SHA-256 under the server's
 * `auth.credentialHashKey`. Deterministic, so the authenticator finds a credential by it through
 * the unique index, yet useless without the server's key to anyone who copies the table.
 * @throws RangeError when `hashKey` is blank (settings validation rules that out at start-up).
 */
export const credentialKeyHash = (key: string, hashKey: string): string => {
  if (hashKey.trim() === '') throw new RangeError('auth.credentialHashKey must not be blank.');
  return createHmac('sha256', hashKey).update(key, 'utf8').digest('hex');
};

/** The part of an access key shown in place of the key when a credential is read back. */
export const accessKeyHintOf = (accessKey: string): string => accessKey.slice(0, ACCESS_KEY_HINT_LENGTH);

/** A new credential's keys, to show once, and what of them the credential row stores. */
export interface IssuedCredentialKeys {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly accessKeySha256: string;
  readonly accessKeyHint: string;
  readonly secretKeySha256: string;
}

/**
 * Generates a credential's access and secret keys and their stored forms (keyed hashes and hint).
 * The stored columns keep their historical `*Sha256` names; they hold HMAC-SHA-256 values.
 */
export const issueCredentialKeys = (hashKey: string): IssuedCredentialKeys => {
  const accessKey = newCredentialKey('accessKey');
  const secretKey = newCredentialKey('secretKey');
  return {
    accessKey,
    secretKey,
    accessKeySha256: credentialKeyHash(accessKey, hashKey),
    accessKeyHint: accessKeyHintOf(accessKey),
    secretKeySha256: credentialKeyHash(secretKey, hashKey),
  };
};
