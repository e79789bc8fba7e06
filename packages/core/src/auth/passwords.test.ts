import { describe, expect, it } from 'vitest';
import { hashPassword, hashSecret, passwordSha256Form, sha256Hex, verifyPassword } from './passwords.ts';

const PASSWORD_SHA256 = '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8';

describe('passwords', () => {
  it('computes the spec SHA-256 of "password"', () => {
    expect(sha256Hex('password')).toBe(PASSWORD_SHA256);
    expect(passwordSha256Form('password')).toBe(PASSWORD_SHA256);
    expect(passwordSha256Form(PASSWORD_SHA256.toUpperCase())).toBe(PASSWORD_SHA256);
  });

  it('stores neither the password nor its SHA-256, and salts every hash', async () => {
    const first = await hashPassword('password');
    const second = await hashPassword('password');
    expect(first).not.toBe(second);
    for (const stored of [first, second]) {
      expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(stored).not.toContain('password');
      expect(stored.toLowerCase()).not.toContain(PASSWORD_SHA256);
    }
  });

  it('verifies the plain form and the SHA-256 form, in any hex case', async () => {
    const stored = await hashPassword('password');
    expect(await verifyPassword('password', stored)).toBe(true);
    expect(await verifyPassword(PASSWORD_SHA256, stored)).toBe(true);
    expect(await verifyPassword(PASSWORD_SHA256.toUpperCase(), stored)).toBe(true);
    const fromHash = await hashPassword(PASSWORD_SHA256);
    expect(await verifyPassword('password', fromHash)).toBe(true);
  });

  it('rejects wrong passwords and malformed stored values', async () => {
    const stored = await hashPassword('password');
    expect(await verifyPassword('Password', stored)).toBe(false);
    expect(await verifyPassword(sha256Hex('other'), stored)).toBe(false);
    expect(await verifyPassword('password', PASSWORD_SHA256)).toBe(false);
    expect(await verifyPassword('password', 'scrypt$1$1$1$$')).toBe(false);
  });

  it('accepts a plain password that happens to be 64 hex characters', async () => {
    const hexLooking = 'a'.repeat(64);
    const stored = await hashPassword(sha256Hex(hexLooking));
    expect(await verifyPassword(hexLooking, stored)).toBe(true);
  });

  it('hashes secrets deterministically for lookup', () => {
    expect(hashSecret('pub_x')).toBe(sha256Hex('pub_x'));
    expect(hashSecret('pub_x')).toHaveLength(64);
  });
});
