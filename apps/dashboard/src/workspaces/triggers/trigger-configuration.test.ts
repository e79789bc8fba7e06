import { describe, expect, it } from 'vitest';
import { configurationToForm, formToConfiguration } from './trigger-configuration.ts';

describe('trigger configuration form', () => {
  it('round-trips methods, header rules and the body schema', () => {
    const stored = JSON.stringify({
      allowedMethods: ['GET'],
      headers: { 'x-team': 'blue' },
      bodySchema: { type: 'object' },
    });
    const form = configurationToForm(stored);
    expect(form.allowedMethods).toEqual(['GET']);
    expect(JSON.parse(formToConfiguration(form))).toEqual(JSON.parse(stored));
  });
  it('writes empty header rules and no schema for blank fields', () => {
    expect(
      JSON.parse(formToConfiguration({ allowedMethods: ['POST'], headers: '', bodySchema: ' ' })),
    ).toEqual({
      allowedMethods: ['POST'],
      headers: {},
      bodySchema: null,
    });
  });
  it('reads a configuration that is not JSON as an empty one', () => {
    const form = configurationToForm('not json');
    expect(form.headers).toBe('{}');
    expect(form.bodySchema).toBe('');
  });
});
