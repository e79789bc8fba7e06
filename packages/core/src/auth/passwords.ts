import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters; stored with each hash so they can be raised later. */
const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

const scryptAsync = (secret: string, salt: Buffer, keyBytes: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** Lowercase hex SHA-256 of the UTF-8 bytes of a text. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The SHA-256 form of a password as clients send it: a 64-character hex value is taken as an
 * already computed SHA-256 (lower-cased), anything else is hashed. Tempo clients may send either.
 */
export const passwordSha256Form = (password: string): string =>
  SHA256_HEX.test(password) ? password.toLowerCase() : sha256Hex(password);

/**
 * Hashes a password (plain or its SHA-256 hex) for storage: a salted scrypt hash of the SHA-256
 * form, as `scrypt$N$r$p$salt$key` with base64 salt and key. Neither the password nor its
 * SHA-256 can be read back from the result.
 */
export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(passwordSha256Form(password), salt, KEY_BYTES, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
};

const matches = async (sha256Form: string, stored: string): Promise<boolean> => {
  const [scheme, n, r, p, saltText, keyText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !keyText) return false;
  const expected = Buffer.from(keyText, 'base64');
  const options = { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 };
  const actual = await scryptAsync(sha256Form, Buffer.from(saltText, 'base64'), expected.length, options);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

/**
 * Checks a password against a stored hash. The caller may send the plain password or its SHA-256
 * hex; a 64-hex plain password is tried both ways, since it cannot be told apart from a hash.
 */
export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  if (await matches(passwordSha256Form(password), stored)) return true;
  return SHA256_HEX.test(password) && matches(sha256Hex(password), stored);
};

/**
 * SHA-256 of a high-entropy secret (worker token) for lookup by hash, or of two values compared in
 * constant time. Credential keys use the keyed `credentialKeyHash` instead.
 */
export const hashSecret = (secret: string): string => sha256Hex(secret);
