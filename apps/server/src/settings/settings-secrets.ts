import { CommonErrors, REDACTED } from '@tempo/contracts';

/**
 * Settings that hold secrets, as dotted paths: never answered in clear. A string is masked
 * whole, a list element by element. An empty value stays empty, so "not set" (an admin API key
 * turned off) is still visible.
 */
export const SECRET_SETTING_PATHS: readonly string[] = [
  'auth.signingKey',
  'auth.credentialHashKey',
  'auth.adminApiKey',
  'secrets.key',
  'secrets.previousKeys',
  'database.password',
  'hydration.defaultAdminPassword',
  'hydration.defaultUserPassword',
];

type Json = Record<string, unknown>;

const sectionOf = (settings: Json, path: string): { section: Json; key: string } | null => {
  const [sectionName, key] = path.split('.');
  const section = sectionName === undefined ? undefined : settings[sectionName];
  if (key === undefined || typeof section !== 'object' || section === null) return null;
  return { section: section as Json, key };
};

const isSet = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** A copy of the settings with every secret replaced by `****`. */
export const maskSecrets = (settings: object): Json => {
  const copy = structuredClone(settings) as Json;
  for (const path of SECRET_SETTING_PATHS) {
    const at = sectionOf(copy, path);
    if (!at) continue;
    const value = at.section[at.key];
    if (Array.isArray(value)) at.section[at.key] = value.map((item) => (isSet(item) ? REDACTED : item));
    else if (isSet(value)) at.section[at.key] = REDACTED;
  }
  return copy;
};

/**
 * Puts the stored secrets back where a body sent `****` (as `GET /v1.0/settings` serves them),
 * so a read, edit and save never overwrites a secret with its mask. A `****` with no stored
 * value behind it is refused: it would save the mask as the secret.
 */
export const restoreSecrets = <T extends object>(sent: T, stored: object): T => {
  const copy = structuredClone(sent) as Json;
  for (const path of SECRET_SETTING_PATHS) {
    const at = sectionOf(copy, path);
    const from = sectionOf(structuredClone(stored) as Json, path);
    if (!at) continue;
    const value = at.section[at.key];
    const kept = from?.section[from.key];
    const refuse = (field: string) =>
      CommonErrors.badRequest(
        `Invalid body.${field}: it is "${REDACTED}" but no value is stored there to keep; send the value itself.`,
        { issues: [{ field, message: 'is the mask of a secret that is not stored' }] },
      );
    if (Array.isArray(value)) {
      const keptList = Array.isArray(kept) ? kept : [];
      at.section[at.key] = value.map((item, index) => {
        if (item !== REDACTED) return item;
        if (!isSet(keptList[index])) throw refuse(`${path}.${index}`);
        return keptList[index];
      });
    } else if (value === REDACTED) {
      if (!isSet(kept)) throw refuse(path);
      at.section[at.key] = kept;
    }
  }
  return copy as T;
};

/** Dotted paths of the leaves that differ (lists compared whole), in document order. */
export const changedFields = (before: unknown, after: unknown, path = ''): string[] => {
  const isObject = (value: unknown): value is Json =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
    return keys.flatMap((key) => changedFields(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
};
