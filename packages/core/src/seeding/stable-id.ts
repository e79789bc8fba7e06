import { createHash } from 'node:crypto';
import { type IdKind, IdPrefix } from '@tempo/contracts';

/** Crockford base32, the alphabet of every generated id. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Characters after the prefix, as many as a generated id has. */
const BODY_CHARS = 26;

/**
 * The id seeding gives a record it creates, derived from what identifies it (`parts`, e.g. the
 * tenant and a sample's key): the next start derives the same id and finds the record by it.
 * Clients cannot choose ids, so no record of theirs can take a seeded record's place, whatever
 * its name; and the result has the shape of a generated id of that kind.
 */
export const stableSeedId = (kind: IdKind, ...parts: readonly string[]): string => {
  const digest = createHash('sha256')
    .update(JSON.stringify([kind, ...parts]))
    .digest();
  let body = '';
  for (let i = 0; i < BODY_CHARS; i++) body += BASE32[(digest[i] ?? 0) & 31];
  return `${IdPrefix[kind]}${body}`;
};
