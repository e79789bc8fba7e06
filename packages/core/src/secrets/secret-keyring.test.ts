import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecretKeyring, readKeyFile } from './key-file.ts';
import { SecretDecryptError, SecretKeyFormatError, SecretKeyMissingError } from './secret-envelope.ts';
import { SecretKeyring } from './secret-keyring.ts';

const key = () => randomBytes(32).toString('base64');

describe('SecretKeyring', () => {
  it('seals under the current key and opens with any key it holds', () => {
    const [oldKey, newKey] = [key(), key()];
    const before = SecretKeyring.fromTexts([oldKey]);
    const sealed = before.seal('Bearer top-secret');
    expect(sealed).toMatch(new RegExp(`^enc:v1:${before.currentKeyId}:`));
    expect(sealed).not.toContain('top-secret');
    // Random nonces: the same text never seals to the same value.
    expect(before.seal('Bearer top-secret')).not.toBe(sealed);
    const rotated = SecretKeyring.fromTexts([newKey, oldKey]);
    expect(rotated.open(sealed)).toBe('Bearer top-secret');
    expect(rotated.seal('x')).toMatch(new RegExp(`^enc:v1:${rotated.currentKeyId}:`));
    expect(rotated.keyIds).toEqual([rotated.currentKeyId, before.currentKeyId]);
  });

  it('refuses a value of a missing key and an altered value, and passes plain text through', () => {
    const keyring = SecretKeyring.fromTexts([key()]);
    const other = SecretKeyring.fromTexts([key()]);
    expect(() => keyring.open(other.seal('s'))).toThrow(SecretKeyMissingError);
    const sealed = keyring.seal('secret value');
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => keyring.open(altered)).toThrow(SecretDecryptError);
    expect(keyring.open('plain legacy value')).toBe('plain legacy value');
  });

  it('takes base64, hex and long passphrases, and refuses short keys', () => {
    const bytes = randomBytes(32);
    expect(SecretKeyring.fromTexts([bytes.toString('base64')]).currentKeyId).toBe(
      SecretKeyring.fromTexts([bytes.toString('hex')]).currentKeyId,
    );
    expect(SecretKeyring.fromTexts(['a passphrase of more than thirty-two characters']).seal('x')).toMatch(
      /^enc:v1:/,
    );
    expect(() => SecretKeyring.fromTexts(['short'])).toThrow(SecretKeyFormatError);
  });
});

describe('loadSecretKeyring', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  const keyFileIn = () => {
    const folder = mkdtempSync(join(tmpdir(), 'tempo-secrets-'));
    folders.push(folder);
    return join(folder, 'secrets.keys');
  };

  it('generates an owner-only key file on first use and reuses it', () => {
    const keyFile = keyFileIn();
    const first = loadSecretKeyring({ key: '', previousKeys: [], keyFile });
    expect(first).toMatchObject({ source: 'file', created: true });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readKeyFile(keyFile)).toHaveLength(1);
    const again = loadSecretKeyring({ key: '', previousKeys: [], keyFile });
    expect(again).toMatchObject({ source: 'file', created: false });
    expect(again.keyring.currentKeyId).toBe(first.keyring.currentKeyId);
  });

  it('prefers the configured key and keeps the key file and previous keys readable', () => {
    const keyFile = keyFileIn();
    const fromFile = loadSecretKeyring({ key: '', previousKeys: [], keyFile }).keyring;
    const sealed = fromFile.seal('kept');
    const configured = loadSecretKeyring({ key: key(), previousKeys: [key()], keyFile });
    expect(configured.source).toBe('settings');
    expect(configured.keyring.currentKeyId).not.toBe(fromFile.currentKeyId);
    expect(configured.keyring.open(sealed)).toBe('kept');
    expect(configured.keyring.keyIds).toHaveLength(3);
  });

  it('names the key file when it cannot be read', () => {
    const keyFile = keyFileIn();
    loadSecretKeyring({ key: '', previousKeys: [], keyFile });
    rmSync(keyFile);
    writeFileSync(keyFile, '{"keys": []}');
    expect(() => loadSecretKeyring({ key: '', previousKeys: [], keyFile })).toThrow(/holds no keys/);
    expect(readFileSync(keyFile, 'utf8')).toContain('keys');
  });
});
