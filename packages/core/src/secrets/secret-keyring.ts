import {
  envelopeKeyId,
  openText,
  parseSecretKey,
  SecretKeyMissingError,
  sealText,
  secretKeyId,
} from './secret-envelope.ts';

/**
 * The keys stored secrets are sealed with: one current key that seals, and earlier ones that
 * still open what they sealed until a rotation has sealed it again under the current one.
 */
export class SecretKeyring {
  readonly #keys = new Map<string, Buffer>();
  /** Id of the key new values are sealed with. */
  readonly currentKeyId: string;

  /** @param keys the current key first, then earlier ones (duplicates are ignored). */
  constructor(keys: readonly Buffer[]) {
    const [current] = keys;
    if (!current) throw new TypeError('a secrets keyring needs at least one key');
    for (const key of keys) this.#keys.set(secretKeyId(key), key);
    this.currentKeyId = secretKeyId(current);
  }

  /** A keyring of key texts (see `parseSecretKey`), the current one first. */
  static fromTexts(texts: readonly string[]): SecretKeyring {
    return new SecretKeyring(texts.map(parseSecretKey));
  }

  /** Ids of every key held, the current one first. */
  get keyIds(): readonly string[] {
    return [this.currentKeyId, ...[...this.#keys.keys()].filter((id) => id !== this.currentKeyId)];
  }

  /** Whether a key of this id is held. */
  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** A text sealed under the current key. */
  seal(plain: string): string {
    return sealText(plain, this.currentKeyId, this.#keys.get(this.currentKeyId) as Buffer);
  }

  /**
   * The plain text of a sealed value; a text that is not sealed (stored before secrets were
   * sealed) is returned as it is.
   * @throws SecretKeyMissingError when the value names a key this keyring lacks.
   * @throws SecretDecryptError when it does not decrypt.
   */
  open(text: string): string {
    const keyId = envelopeKeyId(text);
    if (keyId === null) return text;
    const key = this.#keys.get(keyId);
    if (!key) throw new SecretKeyMissingError(keyId);
    return openText(text, keyId, key);
  }
}
