import { col } from '../table-model.ts';

/** The current instant as the ISO 8601 text every timestamp column holds. */
export const nowUtc = (): string => new Date().toISOString();

/** `created_utc` and `last_update_utc`, both defaulting to now. */
export const timestamps = {
  createdUtc: col.timestamp().default(nowUtc),
  lastUpdateUtc: col.timestamp().default(nowUtc),
};

/** `active` (default true), `is_protected` (default false) and the two timestamps. */
export const audited = {
  active: col.bool().default(true),
  isProtected: col.bool().default(false),
  ...timestamps,
};
