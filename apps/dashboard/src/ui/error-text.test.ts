import { TempoApiError } from '@tempo/client';
import { errorBody } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { errorText } from './error-text.ts';

describe('errorText', () => {
  it('keeps the API code, message and details', () => {
    const error = new TempoApiError(404, errorBody('NotFound', 'No step "x".', null, 'tenant ten_1'));
    expect(errorText(error)).toEqual({ code: 'NotFound', message: 'No step "x".', details: 'tenant ten_1' });
  });
  it('shows a browser failure without a code', () => {
    expect(errorText(new TypeError('Failed to fetch'))).toEqual({
      code: null,
      message: 'Failed to fetch',
      details: null,
    });
    expect(errorText('plain')).toEqual({ code: null, message: 'plain', details: null });
  });
});
