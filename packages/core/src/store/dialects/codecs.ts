import type { ColumnKind } from '../table-model.ts';

/** Conversion of one logical column kind between JS values and a driver's values. */
export interface Codec {
  toDriver(value: unknown): unknown;
  fromDriver(value: unknown): unknown;
}

const identity: Codec = { toDriver: (value) => value, fromDriver: (value) => value };

/** Timestamps are ISO 8601 UTC text with milliseconds, so text order is time order. */
const toIsoUtc = (value: unknown): string => new Date(value as string | number | Date).toISOString();

const DEFAULTS: Record<ColumnKind, Codec> = {
  id: identity,
  text: identity,
  longText: identity,
  json: {
    toDriver: (value) => JSON.stringify(value),
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
