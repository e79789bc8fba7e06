import type { ColumnKind } from '../table-model.ts';

/** Conversion of one logical column kind between JS values and a driver's values. */
export interface Codec {
  toDriver(value: unknown): unknown;
  fromDriver(value: unknown): unknown;
}

/** What every character the databases cannot hold as text becomes. */
export const TEXT_REPLACEMENT = '\uFFFD';

const NUL = '\u0000';
const SURROGATE = /[\uD800-\uDFFF]/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as every dialect can store it: U+0000 and unpaired surrogates become U+FFFD. PostgreSQL
 * refuses NUL in text outright, and UTF-8 has no encoding of a lone surrogate; one rule for all
 * three dialects keeps them storing the same characters for the same input.
 */
export const storableText = (text: string): string => {
  const withoutNul = text.includes(NUL) ? text.replaceAll(NUL, TEXT_REPLACEMENT) : text;
  return SURROGATE.test(withoutNul) ? withoutNul.replace(UNPAIRED_SURROGATE, TEXT_REPLACEMENT) : withoutNul;
};

// In `JSON.stringify` output a backslash only starts an escape: `\\` is a literal backslash and
// must be stepped over, so that text which merely spells "\u0000" is left alone.
const ESCAPED_NUL = /\\(?:\\|u0000)/g;

/**
 * A value as JSON text whose strings and keys hold no NUL: `JSON.stringify` writes NUL as the
 * escape `\u0000`, which PostgreSQL's JSON functions refuse and which would read back as NUL,
 * so it becomes U+FFFD like NUL in plain text. Lone surrogates stay escaped, which is valid JSON.
 */
export const storableJson = (value: unknown): string | undefined => {
  // `JSON.stringify` gives undefined for undefined or a function: passed on as before.
  const json: string | undefined = JSON.stringify(value);
  if (json === undefined) return json;
  return json.includes('\\u0000')
    ? json.replace(ESCAPED_NUL, (match) => (match === '\\\\' ? match : TEXT_REPLACEMENT))
    : json;
};

const identity: Codec = { toDriver: (value) => value, fromDriver: (value) => value };

/** Text kinds pass through {@link storableText}; anything else (a number in a text filter) as is. */
const text: Codec = {
  toDriver: (value) => (typeof value === 'string' ? storableText(value) : value),
  fromDriver: (value) => value,
};

/** `Date.prototype.toISOString` output for years 0000–9999: already in the stored form. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Timestamps are ISO 8601 UTC text with milliseconds, so text order is time order. Text already
 * in that form (every timestamp Tempo writes) is kept as it is: parsing and formatting it again
 * cost a few percent of the trigger path.
 */
const toIsoUtc = (value: unknown): string =>
  typeof value === 'string' && CANONICAL_UTC.test(value)
    ? value
    : new Date(value as string | number | Date).toISOString();

// The one place where values meet the drivers: every dialect's columns, inserts, updates and
// filter parameters go through these codecs, so text is made storable here and nowhere else.
const DEFAULTS: Record<ColumnKind, Codec> = {
  id: text,
  text,
  longText: text,
  json: {
    toDriver: storableJson,
    fromDriver: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  },
  bool: identity,
  int: identity,
  // pg returns BIGINT as text to keep precision; Tempo's bigints are durations and sizes.
  bigint: { toDriver: (value) => value, fromDriver: (value) => Number(value) },
  double: { toDriver: (value) => value, fromDriver: (value) => Number(value) },
  timestamp: { toDriver: toIsoUtc, fromDriver: toIsoUtc },
};

/** The codec of a column kind, with a dialect's own codecs taking precedence. */
export const codecFor = (kind: ColumnKind, overrides: Partial<Record<ColumnKind, Codec>> = {}): Codec =>
  overrides[kind] ?? DEFAULTS[kind];
