import type { TempoError } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { assertRunInputWithin } from './run-input-limit.ts';

const refusal = (call: () => void): TempoError | null => {
  try {
    call();
    return null;
  } catch (error) {
    return error as TempoError;
  }
};

describe('assertRunInputWithin', () => {
  it('admits an input of exactly the limit and refuses one byte more', () => {
    expect(refusal(() => assertRunInputWithin(1024, 'x'.repeat(1024), null))).toBeNull();
    expect(refusal(() => assertRunInputWithin(1024, 'x'.repeat(1025), null))?.toBody()).toEqual({
      error: 'PayloadTooLarge',
      message: expect.stringContaining('engine.maxRunInputBytes'),
      details: 'bytes: 1025; limitBytes: 1024',
      context: { bytes: 1025, limitBytes: 1024 },
    });
  });

  it('counts UTF-8 bytes, not characters, and the metadata with the data', () => {
    // 400 three-byte characters: 1200 bytes.
    expect(refusal(() => assertRunInputWithin(1024, '€'.repeat(400), null))?.statusCode).toBe(413);
    expect(refusal(() => assertRunInputWithin(1024, 'x'.repeat(600), 'y'.repeat(600)))?.statusCode).toBe(413);
    expect(refusal(() => assertRunInputWithin(1024, null, null))).toBeNull();
  });
});
