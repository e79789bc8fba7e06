import { describe, expect, it } from 'vitest';
import { envelopeOf, toolResultOf } from './tool-envelope.ts';

describe('envelopeOf', () => {
  it('keeps a JSON answer in body, whatever its status', () => {
    const envelope = envelopeOf({
      status: 403,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-request': 'r' },
      body: { error: 'Forbidden' },
      text: '{"error":"Forbidden"}',
    });
    expect(envelope).toEqual({
      statusCode: 403,
      success: false,
      contentType: 'application/json; charset=utf-8',
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-request': 'r' },
      body: { error: 'Forbidden' },
      text: null,
    });
  });

  it('keeps a text answer in text exactly as it came, even when it would parse as JSON', () => {
    const envelope = envelopeOf({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: { level: 30 },
      text: '{ "level": 30 }\n',
    });
    expect(envelope).toMatchObject({ success: true, body: null, text: '{ "level": 30 }\n' });
  });

  it('reads vendor JSON types as JSON and an empty answer as nothing', () => {
    expect(
      envelopeOf({
        status: 200,
        headers: { 'content-type': 'application/problem+json' },
        body: { a: 1 },
        text: '{"a":1}',
      }).body,
    ).toEqual({ a: 1 });
    expect(envelopeOf({ status: 204, headers: {}, body: null, text: '' })).toMatchObject({
      statusCode: 204,
      success: true,
      contentType: null,
      body: null,
      text: null,
    });
  });
});

describe('toolResultOf', () => {
  it('marks a non-2xx answer as a tool error and carries the envelope both ways', () => {
    const envelope = envelopeOf({ status: 404, headers: {}, body: null, text: 'gone' });
    const result = toolResultOf(envelope);
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBe(envelope);
    expect(JSON.parse(result.content[0]?.text ?? '')).toEqual(envelope);
  });
});
