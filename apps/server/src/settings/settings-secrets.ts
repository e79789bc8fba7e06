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

/**
 * Where a URL's password lies (`http://user:PASSWORD@host/`): the text before it, the password and
 * the text after it, or null when the text is no URL with a password. Worked on the text itself,
 * not a parsed URL, so the masked form differs from the stored one in the password only and a
 * body that sends it back unchanged can be recognised.
 */
const urlPassword = (text: string): { before: string; password: string; after: string } | null => {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text);
  if (!scheme) return null;
  const start = scheme[0].length;
  const end = text.slice(start).search(/[/?#]/);
  const authority = end < 0 ? text.slice(start) : text.slice(start, start + end);
  const at = authority.lastIndexOf('@');
  const colon = authority.indexOf(':');
  if (at < 0 || colon < 0 || colon > at || colon + 1 === at) return null;
  return {
    before: text.slice(0, start + colon + 1),
    password: authority.slice(colon + 1, at),
    after: text.slice(start + at),
  };
};

/** A URL with its password as `****` (`http://user:****@host:port/...`); other text unchanged. */
export const maskUrlPassword = (text: string): string => {
  const parts = urlPassword(text);
  return parts === null ? text : `${parts.before}${REDACTED}${parts.after}`;
};

/** Every string in a JSON value replaced by `map(text, dottedPath)`, in place. */
const mapStrings = (value: unknown, map: (text: string, path: string) => string, path = ''): unknown => {
  if (typeof value === 'string') return map(value, path);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1)
      value[index] = mapStrings(value[index], map, `${path}.${index}`);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Json;
    for (const key of Object.keys(record))
      record[key] = mapStrings(record[key], map, path === '' ? key : `${path}.${key}`);
  }
  return value;
};

/** The value at a dotted path of a JSON value, or undefined. */
const valueAt = (root: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Json)[key] : undefined),
      root,
    );

/**
 * Settings that say where the database is: a kept (masked) password may go only to the server
 * it was stored for, so a save that changes one of them must send the password itself.
 */
const DATABASE_TARGET_FIELDS = ['type', 'server', 'port', 'databaseName', 'username'] as const;

/**
 * A copy of the settings with every secret replaced by `****`, and the password of every URL
 * (`http://user:pass@collector:4318`, a telemetry endpoint) replaced by `****` too.
 */
export const maskSecrets = (settings: object): Json => {
  const copy = mapStrings(structuredClone(settings), maskUrlPassword) as Json;
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
 * value behind it is refused: it would save the mask as the secret. A URL equal to the masked
 * form of the stored one is the stored one; any other URL is taken as sent. A kept database
 * password is refused when the same body changes where the database is, so a password is never
 * sent to a host the caller just chose without the caller knowing it.
 */
export const restoreSecrets = <T extends object>(sent: T, stored: object): T => {
  const copy = mapStrings(structuredClone(sent), (text, path) => {
    if (!text.includes(REDACTED)) return text;
    const kept = valueAt(stored, path);
    return typeof kept === 'string' && kept !== text && maskUrlPassword(kept) === text ? kept : text;
  }) as Json;
  const sentDatabase = copy.database as Json | undefined;
  const storedDatabase = (stored as Json).database as Json | undefined;
  if (sentDatabase?.password === REDACTED) {
    const moved = DATABASE_TARGET_FIELDS.filter(
      (field) => JSON.stringify(sentDatabase[field]) !== JSON.stringify(storedDatabase?.[field]),
    );
    if (moved.length > 0)
      throw CommonErrors.badRequest(
        `Invalid body.database.password: it is "${REDACTED}" while database.${moved.join(', database.')} changed; send the password itself so it only goes where you meant.`,
        { issues: [{ field: 'database.password', message: 'is a kept password for a changed database' }] },
      );
  }
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
