import type { StepResult } from '../runtimes/step-protocol.ts';

/**
 * Turning step data into the JSON text the engine passes on, stores and answers with. Data from
 * in-process steps is any JavaScript value, so serialising it can fail or silently lose parts;
 * both become a clear problem here instead of a throw in the engine.
 */

/** Largest copy of a step's input or output kept on its step-run record, in UTF-8 bytes. */
export const STEP_DATA_LIMIT_BYTES = 65_536;

/** Default largest final output of a run, in UTF-8 bytes (`engine.maxRunOutputBytes`). */
export const DEFAULT_MAX_RUN_OUTPUT_BYTES = 4 * 1024 * 1024;

/** Step data as JSON text (null for no data), or why it has no faithful JSON form. */
export type SerialisedStepData =
  | { readonly ok: true; readonly text: string | null }
  | { readonly ok: false; readonly problem: string };

/** Thrown inside the replacer to stop at the first value JSON would drop or refuse. */
class UnstorableValue extends Error {}

const placeOf = (holder: unknown, key: string): string => {
  if (key === '' && !Array.isArray(holder)) return 'as the whole value';
  return Array.isArray(holder) ? `at index ${key}` : `at key "${key}"`;
};

/**
 * Serialises step data to JSON text. Values JSON cannot carry faithfully (functions, symbols,
 * BigInt, `undefined` in an array, cycles, nesting too deep for the stack) give a problem in
 * words rather than a throw or a silently changed value. An object property that is
 * `undefined` is left out, as JSON always does.
 */
export const serialiseStepData = (value: unknown): SerialisedStepData => {
  if (value === undefined || value === null) return { ok: true, text: null };
  let text: string | undefined;
  try {
    text = JSON.stringify(value, function replacer(this: unknown, key: string, item: unknown) {
      const kind = typeof item;
      if (kind === 'function' || kind === 'symbol' || kind === 'bigint')
        throw new UnstorableValue(`${kind === 'bigint' ? 'a BigInt' : `a ${kind}`} ${placeOf(this, key)}`);
      if (item === undefined && Array.isArray(this))
        throw new UnstorableValue(`undefined ${placeOf(this, key)}`);
      return item;
    });
  } catch (error) {
    if (error instanceof UnstorableValue) return { ok: false, problem: `it holds ${error.message}` };
    if (error instanceof RangeError) return { ok: false, problem: 'it is nested too deeply' };
    if (error instanceof TypeError && /circular/i.test(error.message))
      return { ok: false, problem: 'it refers to itself (a cycle)' };
    return {
      ok: false,
      problem: `serialising it failed (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  // A toJSON that answers undefined leaves nothing to store.
  if (text === undefined) return { ok: false, problem: 'it has no JSON form' };
  return { ok: true, text };
};

/**
 * A step's result with its data serialised once; `key` names the step in the message. Data or
 * metadata with no faithful JSON form (possible only from in-process steps) turns the step into
 * an `Exception` that says why, so nothing downstream has to cope with it.
 */
export const serialiseStepResult = (
  key: string,
  result: StepResult,
): { result: StepResult; text: string | null } => {
  const unserialisable = (part: 'data' | 'metadata', problem: string) => ({
    result: {
      result: 'Exception' as const,
      errorMessage: `Step "${key}" returned ${part} that cannot be serialised as JSON: ${problem}.`,
    },
    text: null,
  });
  const data = serialiseStepData(result.data);
  if (!data.ok) return unserialisable('data', data.problem);
  const metadata = serialiseStepData(result.metadata);
  if (!metadata.ok) return unserialisable('metadata', metadata.problem);
  return { result, text: data.text };
};

/**
 * The longest prefix of `text` that fits in `maxBytes` UTF-8 bytes without splitting a
 * character (a surrogate pair counts as one character).
 */
export const utf8Prefix = (text: string, maxBytes: number): string => {
  if (maxBytes <= 0) return '';
  // Each UTF-16 unit is at most 3 bytes, so short strings need no encoding at all.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that was cut.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.toString('utf8', 0, end);
};

/**
 * The copy of a step's JSON data kept on its step-run record: the text itself when it fits in
 * `limitBytes`, else a small JSON object that says it was truncated, with the original size and
 * the start of the text as a string, so a cut copy is never broken JSON passed off as data.
 */
export const storedStepData = (text: string | null, limitBytes = STEP_DATA_LIMIT_BYTES): string | null => {
  if (text === null) return null;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= limitBytes) return text;
  // Escaping JSON text as a string at most doubles it (only `"` and `\` need escaping in text
  // that JSON.stringify wrote), so half the limit less room for the other fields always fits.
  const prefix = utf8Prefix(text, Math.max(0, Math.floor((limitBytes - 128) / 2)));
  return JSON.stringify({ truncated: true, originalBytes: bytes, prefix });
};
