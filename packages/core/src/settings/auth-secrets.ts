import { randomBytes } from 'node:crypto';
import type { TempoSettings } from '@tempo/contracts';
import { envNameOf } from './env-overrides.ts';
import { SettingsError } from './settings-error.ts';

/**
 * The signing key early Tempo builds wrote as the default. It is printed in the source, so a
 * server holding it would accept tokens anyone can forge; start-up refuses it.
 */
export const PUBLISHED_DEVELOPMENT_SIGNING_KEY = 'tempo-development-key-override-for-production-use';

/**
 * The administrator API key early `./tempo up` builds wrote into every settings file. It is in the
 * documentation of those builds, and handler code reaches the API on loopback, so a server holding
 * it would make any step author an administrator; start-up refuses it.
 */
export const PUBLISHED_LOCAL_ADMIN_API_KEY = 'tempo-local-admin-api-key';

/** The `auth` fields that hold server secrets and are generated when absent. */
export const AUTH_SECRET_FIELDS = ['signingKey', 'credentialHashKey'] as const;
/** One of {@link AUTH_SECRET_FIELDS}. */
export type AuthSecretField = (typeof AUTH_SECRET_FIELDS)[number];

/** Random bytes in a generated secret: 256 bits, the AES-256 key size of the token codec. */
const SECRET_BYTES = 32;

/** A fresh random secret: 32 bytes from the CSPRNG, base64url (43 characters). */
export const generateAuthSecret = (): string => randomBytes(SECRET_BYTES).toString('base64url');

/**
 * Random values for the auth secrets that are blank and not set by an environment variable
 * (a variable set to blank is the operator's choice and is refused later, not overwritten).
 * @param sources dotted settings path → the variable that set it.
 */
export const missingAuthSecrets = (
  auth: TempoSettings['auth'],
  sources: ReadonlyMap<string, string>,
): Partial<Record<AuthSecretField, string>> => {
  const generated: Partial<Record<AuthSecretField, string>> = {};
  for (const field of AUTH_SECRET_FIELDS) {
    if (auth[field] === '' && !sources.has(`auth.${field}`)) generated[field] = generateAuthSecret();
  }
  return generated;
};

/**
 * Refuses auth secrets a server must not run with: a blank one, the published development
 * signing key, or the published local administrator key. The message says where the value came from and how to set a good one.
 * @param sourceOf where a field's value came from (settings file or variable), for the message.
 * @throws SettingsError naming the field.
 */
export const assertUsableAuthSecrets = (
  auth: TempoSettings['auth'],
  sourceOf: (field: AuthSecretField | 'adminApiKey') => string,
): void => {
  for (const field of AUTH_SECRET_FIELDS) {
    const source = sourceOf(field);
    const howToSet =
      `delete auth.${field} from the settings file to have a random one generated at the next start, ` +
      `or set it (or ${envNameOf(['auth', field])}) to a random value of at least 32 characters, ` +
      'e.g. the output of "openssl rand -base64 32".';
    if (auth[field] === '') {
      throw new SettingsError(`${source}: auth.${field} is empty: ${howToSet}`, `auth.${field}`, source);
    }
    if (field === 'signingKey' && auth.signingKey === PUBLISHED_DEVELOPMENT_SIGNING_KEY) {
      throw new SettingsError(
        `${source}: auth.signingKey is the development key published in Tempo's source, so anyone could forge tokens with it: ${howToSet}`,
        'auth.signingKey',
        source,
      );
    }
  }
  if (auth.adminApiKey.trim() === PUBLISHED_LOCAL_ADMIN_API_KEY) {
    const adminKeySource = sourceOf('adminApiKey');
    throw new SettingsError(
      `${adminKeySource}: auth.adminApiKey is the key published in Tempo's documentation, so anyone could act as administrator with it: set it to a random value (e.g. the output of "openssl rand -base64 32"), or empty to turn x-api-key off.`,
      'auth.adminApiKey',
      adminKeySource,
    );
  }
};
