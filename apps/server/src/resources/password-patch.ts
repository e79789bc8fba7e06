import { REDACTED } from '@tempo/contracts';
import { hashPassword } from '@tempo/core/auth';

/**
 * The stored-hash change a `passwordSha256` field of an update asks for: none when it is absent
 * or the `****` the record was served with (clients send whole records back), else a new hash.
 */
export const passwordPatch = async (
  passwordSha256: string | undefined,
): Promise<{ passwordHash?: string }> =>
  passwordSha256 && passwordSha256 !== REDACTED ? { passwordHash: await hashPassword(passwordSha256) } : {};
