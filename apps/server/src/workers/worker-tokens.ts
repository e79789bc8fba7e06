import { timingSafeEqual } from 'node:crypto';
import { credentialKeyHash, issueCredentialKeys } from '@tempo/core/auth';

/** A worker token to show once, and what the `workers` row keeps of it. */
export interface IssuedWorkerToken {
  /** `key_…`, 32 characters, shown only in the rotate-token answer. */
  readonly token: string;
  /** Lowercase hex HMAC-SHA-256 of the token under `auth.credentialHashKey`. */
  readonly tokenHash: string;
}

/**
 * A new worker token. It is a credential secret key (`key_` and 28 random symbols from the
 * CSPRNG, rest-api §2.1) and is stored the way credential keys are: a keyed hash, so a copy of the
 * table is useless without the server's key.
 */
export const issueWorkerToken = (hashKey: string): IssuedWorkerToken => {
  const { secretKey, secretKeySha256 } = issueCredentialKeys(hashKey);
  return { token: secretKey, tokenHash: secretKeySha256 };
};

/**
 * Whether `token` is the one whose hash is `storedHash`, compared in constant time. A blank token
 * or a missing hash never matches.
 */
export const workerTokenMatches = (token: string, storedHash: string | null, hashKey: string): boolean => {
  if (token === '' || !storedHash) return false;
  const actual = Buffer.from(credentialKeyHash(token, hashKey), 'utf8');
  const expected = Buffer.from(storedHash, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

/** Constant-time equality of two texts (lease tokens); different lengths never match. */
export const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};
