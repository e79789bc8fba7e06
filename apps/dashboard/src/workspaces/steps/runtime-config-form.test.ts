import { describe, expect, it } from 'vitest';
import { configToForm, fieldKindOf, formToConfig } from './runtime-config-form.ts';

const properties = [
  { name: 'url', type: 'string', required: true, description: null },
  { name: 'timeoutMs', type: 'number', required: false, description: null },
  { name: 'followRedirects', type: 'boolean', required: false, description: null },
  { name: 'method', type: 'GET|POST', required: false, description: null },
  { name: 'headers', type: 'object', required: false, description: null },
  { name: 'arguments', type: 'string[]', required: false, description: null },
];

describe('runtime config form', () => {
  it('picks an editor per catalog type', () => {
    expect(properties.map((property) => fieldKindOf(property.type))).toEqual([
      'text',
      'number',
      'boolean',
      'choice',
      'json',
      'json',
    ]);
  });
  it('turns the form back into a typed config, leaving empty fields out', () => {
    const values = {
      url: 'http://x',
      timeoutMs: '500',
      followRedirects: 'true',
      method: 'POST',
      headers: '{"a":"b"}',
      arguments: '',
    };
    expect(formToConfig('External.Rest', properties, values)).toEqual({
      runtimeKey: 'External.Rest',
      url: 'http://x',
      timeoutMs: 500,
      followRedirects: true,
      method: 'POST',
      headers: { a: 'b' },
    });
  });
  it('round-trips a stored config through the form', () => {
    const stored = { runtimeKey: 'External.Rest', url: 'http://x', headers: { a: 'b' }, arguments: ['-v'] };
    const form = configToForm(properties, stored);
    expect(form.headers).toBe('{\n  "a": "b"\n}');
    expect(form.timeoutMs).toBe('');
    expect(formToConfig('External.Rest', properties, form)).toEqual(stored);
  });
  it('refuses JSON that does not parse', () => {
    expect(() => formToConfig('External.Rest', properties, { headers: '{' })).toThrow(SyntaxError);
  });
});
