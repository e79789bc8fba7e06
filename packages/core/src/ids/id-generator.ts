import { randomFillSync, randomInt } from 'node:crypto';
import { ID_MAX_LENGTH, type IdKind, IdPrefix } from '@tempo/contracts';

/** Crockford base32, as ULIDs use: no I, L, O, U, so ids read aloud safely. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const SEQUENCE_CHARS = 6;
const SEQUENCE_LIMIT = 32 ** SEQUENCE_CHARS;

const encode = (value: number, width: number): string => {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = BASE32[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
};

// Random bytes come from a pool refilled in bulk: asking the CSPRNG for a few bytes per id costs
// more than the rest of making the id.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

const randomBase32 = (length: number): string => {
  if (poolOffset + length > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32[(pool[poolOffset + i] ?? 0) & 31];
  poolOffset += length;
  return out;
};

/**
 * The sortable part: 10 characters of millisecond time and a 6-character sequence. The sequence
 * starts at a random point in the lower half each millisecond and counts up within it, so ids
 * made by one process sort in creation order even when many share a millisecond, and a clock
 * that steps back never makes an id sort before an earlier one.
 */
const sortable = (() => {
  let lastMs = 0;
  let sequence = 0;
  return (): string => {
    const now = Date.now();
    if (now > lastMs) {
      lastMs = now;
      sequence = randomInt(SEQUENCE_LIMIT / 2);
    } else if (++sequence >= SEQUENCE_LIMIT) {
      lastMs += 1;
      sequence = randomInt(SEQUENCE_LIMIT / 2);
    }
    return encode(lastMs, TIME_CHARS) + encode(sequence, SEQUENCE_CHARS);
  };
})();

/**
 * Creates an id with a prefix (ending in `_`): `{prefix}{time}{sequence}_{random}`, exactly 32
 * characters. The random tail keeps ids from different processes apart.
 */
export const newPrefixedId = (prefix: string): string => {
  const tail = ID_MAX_LENGTH - prefix.length - TIME_CHARS - SEQUENCE_CHARS - 1;
  if (tail < 8) throw new RangeError(`Id prefix "${prefix}" leaves too little room for a unique part.`);
  return `${prefix}${sortable()}_${randomBase32(tail)}`;
};

/** Creates an id for an entity kind, with the spec's prefix for that kind. */
export const newId = (kind: IdKind): string => newPrefixedId(IdPrefix[kind]);

/** The creation time (ms since epoch) an id carries, or null when it has none. */
export const idTimestampMs = (id: string): number | null => {
  const match = /^[a-z]+_([0-9A-HJKMNP-TV-Z]{10})[0-9A-HJKMNP-TV-Z]{6}_/.exec(id);
  if (!match?.[1]) return null;
  let ms = 0;
  for (const char of match[1]) ms = ms * 32 + BASE32.indexOf(char);
  return ms;
};
