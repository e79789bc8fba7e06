import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Bytes of an AES-256 key. */
export const SECRET_KEY_BYTES = 32;

/** Every sealed value starts with this; the version names the format and the cipher. */
export const ENVELOPE_PREFIX = 'enc:v1:';

/** Nonce size of AES-GCM as its standard recommends (96 bits). */
const IV_BYTES = 12;

/** Shortest key text hashed into a key: shorter text is too easy to guess. */
const MIN_KEY_TEXT_LENGTH = 32;

/** A key text that cannot be a secrets key. */
export class SecretKeyFormatError extends Error {
  override readonly name = 'SecretKeyFormatError';
}

/** A stored secret that names a key the keyring does not hold. */
export class SecretKeyMissingError extends Error {
  override readonly name = 'SecretKeyMissingError';
  /** The id the stored secret names. */
  readonly keyId: string;

  constructor(keyId: string) {
    super(`a stored secret is encrypted with key ${keyId}, which is not among the configured secrets keys`);
    this.keyId = keyId;
  }
}

/** A sealed value that does not decrypt: altered, cut, or sealed under another key with the same id. */
export class SecretDecryptError extends Error {
  override readonly name = 'SecretDecryptError';
  /** The id the sealed value names. */
  readonly keyId: string;

  constructor(keyId: string) {
    super(`a stored secret encrypted with key ${keyId} does not decrypt: it was altered or the key differs`);
    this.keyId = keyId;
  }
}

/**
 * The 32 key bytes a key text stands for: 64 hex digits or base64 of 32 bytes are taken as they
 * are (`openssl rand -base64 32`); any other text of at least 32 characters is hashed with
 * SHA-256 into a key, so a passphrase works too.
 * @throws SecretKeyFormatError for shorter text.
 */
export const parseSecretKey = (text: string): Buffer => {
  const trimmed = text.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (decoded.length === SECRET_KEY_BYTES) return decoded;
  }
  if (trimmed.length < MIN_KEY_TEXT_LENGTH)
    throw new SecretKeyFormatError(
      `a secrets key must be 32 random bytes as base64 or hex, or a text of at least ${MIN_KEY_TEXT_LENGTH} characters`,
    );
  return createHash('sha256').update(trimmed, 'utf8').digest();
};

/**
 * The id a key is named by in sealed values: derived from the key, so the same key always has
 * the same id wherever it is configured, and a changed key is noticed. 48 bits of a hash reveal
 * nothing usable about a 256-bit key.
 */
export const secretKeyId = (key: Buffer): string =>
  `k${createHash('sha256').update('tempo secrets key id\0').update(key).digest('hex').slice(0, 12)}`;

/** The key id a sealed value names, or null when the text is not a sealed value. */
export const envelopeKeyId = (text: string): string | null => {
  if (!text.startsWith(ENVELOPE_PREFIX)) return null;
  const end = text.indexOf(':', ENVELOPE_PREFIX.length);
  return end > ENVELOPE_PREFIX.length ? text.slice(ENVELOPE_PREFIX.length, end) : null;
};

/** Seals a text under one key: `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>`, each part base64url. */
export const sealText = (plain: string, keyId: string, key: Buffer): string => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The header is authenticated, so a value cannot be moved under another key id or version.
  cipher.setAAD(Buffer.from(`${ENVELOPE_PREFIX}${keyId}`, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));
  return `${ENVELOPE_PREFIX}${keyId}:${parts.join(':')}`;
};

/**
 * Opens a value sealed by {@link sealText} with the key its id names.
 * @throws SecretDecryptError when it does not decrypt under that key.
 */
export const openText = (sealed: string, keyId: string, key: Buffer): string => {
  const [iv, tag, body, extra] = sealed.slice(ENVELOPE_PREFIX.length + keyId.length + 1).split(':');
  if (iv === undefined || tag === undefined || body === undefined || extra !== undefined)
    throw new SecretDecryptError(keyId);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${ENVELOPE_PREFIX}${keyId}`, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretDecryptError(keyId);
  }
};
