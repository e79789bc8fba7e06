import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_KEY_HINT_LENGTH,
  accessKeyHintOf,
  credentialKeyHash,
  issueCredentialKeys,
  newCredentialKey,
} from './credential-keys.ts';
import { sha256Hex } from './passwords.ts';

const HASH_KEY = 'unit-test-credential-hash-key';

describe('credential keys', () => {
  it('keep the spec prefixes and 32-character length, with 28 random letters and digits', () => {
    for (const [kind, prefix] of [
      ['accessKey', 'pub_'],
      ['secretKey', 'key_'],
    ] as const) {
      const key = newCredentialKey(kind);
      expect(key).toHaveLength(32);
      expect(key).toMatch(new RegExp(`^${prefix}[0-9A-Za-z]{28}$`));
    }
  });

  it('draw every symbol evenly, with no clock or counter part', () => {
    const keys = Array.from({ length: 2000 }, () => newCredentialKey('accessKey').slice(4));
    // Keys made in the same millisecond share no prefix, as clock-based ids would.
    const firstTwo = new Set(keys.map((key) => key.slice(0, 2)));
    expect(firstTwo.size).toBeGreaterThan(1000);
    const counts = new Map<string, number>();
    for (const char of keys.join('')) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 56000 symbols over 62 values: about 903 each; a biased draw would leave some far off.
    for (const count of counts.values()) expect(Math.abs(count - 903)).toBeLessThan(200);
  });

  it('are stored as HMAC-SHA-256 under the server key, never as plain SHA-256', () => {
    const key = newCredentialKey('accessKey');
    const stored = credentialKeyHash(key, HASH_KEY);
    expect(stored).toBe(createHmac('sha256', HASH_KEY).update(key).digest('hex'));
    expect(stored).not.toBe(sha256Hex(key));
    expect(stored).not.toBe(credentialKeyHash(key, `${HASH_KEY}-other`));
    expect(() => credentialKeyHash(key, ' ')).toThrow(RangeError);
  });

  it('issue both keys with their stored forms and a short hint', () => {
    const issued = issueCredentialKeys(HASH_KEY);
    expect(issued.accessKey).toMatch(/^pub_/);
    expect(issued.secretKey).toMatch(/^key_/);
    expect(issued.accessKeySha256).toBe(credentialKeyHash(issued.accessKey, HASH_KEY));
    expect(issued.secretKeySha256).toBe(credentialKeyHash(issued.secretKey, HASH_KEY));
    expect(issued.accessKeyHint).toBe(issued.accessKey.slice(0, ACCESS_KEY_HINT_LENGTH));
    expect(accessKeyHintOf(issued.accessKey)).toHaveLength(8);
  });
});
