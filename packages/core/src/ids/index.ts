/** Id generation: prefix + time-ordered part + random part, at most 32 characters. */
export { idTimestampMs, newId, newPrefixedId } from './id-generator.ts';
