import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a bearer token carries, encrypted: who it is for and until when. */
export const TokenPayload = z.object({
  /** Payload format version; 2 added `ver`, so tokens of version 1 are no longer accepted. */
  v: z.literal(2),
  /** Issuer from `auth.issuer`. */
  iss: z.string(),
  kind: z.enum(['user', 'administrator']),
  /** User or administrator id. */
  sub: z.string(),
  /** Tenant of a user token; null for administrators. */
  tenantId: z.string().nullable(),
  /** Expiry, ms since the epoch. */
  exp: z.number().int(),
  /**
   * The principal's token version when issued; a token whose version no longer matches the
   * stored one was revoked.
   */
  ver: z.number().int().nonnegative(),
  /** Random nonce, so two tokens are never equal. */
  nonce: z.string(),
});
export type TokenPayload = z.infer<typeof TokenPayload>;

/** The AES-256 key of a signing key: its UTF-8 bytes when exactly 32, else their SHA-256. */
export const tokenKeyOf = (signingKey: string): Buffer => {
  const bytes = Buffer.from(signingKey, 'utf8');
  return bytes.length === 32 ? bytes : createHash('sha256').update(bytes).digest();
};

/**
 * Encrypts and decrypts bearer tokens with AES-256-GCM: opaque to clients, tamper-evident, and
 * readable only with the server's signing key, so no token table is needed.
 */
export class TokenCodec {
  readonly #key: Buffer;
  readonly #issuer: string;

  constructor(signingKey: string, issuer: string) {
    this.#key = tokenKeyOf(signingKey);
    this.#issuer = issuer;
  }

  /** Issues a token for a principal, valid for `lifetimeMs`. */
  issue(
    subject: Pick<TokenPayload, 'kind' | 'sub' | 'tenantId' | 'ver'>,
    lifetimeMs: number,
    nonce: string,
  ): { token: string; expiresUtc: string } {
    const exp = Date.now() + lifetimeMs;
    const payload: TokenPayload = { v: 2, iss: this.#issuer, ...subject, exp, nonce };
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    const token = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    return { token, expiresUtc: new Date(exp).toISOString() };
  }

  /**
   * The payload of a token this server issued and that has not expired, or null. Only the exact
   * text issued is accepted: the base64url decoder would also take padding, `+` and `/`, stray
   * characters and other spellings of the same bytes, so the text must be the bytes' one encoding.
   */
  read(token: string, nowMs = Date.now()): TokenPayload | null {
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES || bytes.toString('base64url') !== token) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const text = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      const payload = TokenPayload.safeParse(JSON.parse(text));
      if (!payload.success || payload.data.iss !== this.#issuer || payload.data.exp <= nowMs) return null;
      return payload.data;
    } catch {
      return null;
    }
  }
}
