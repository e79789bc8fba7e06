import { describe, expect, it } from 'vitest';
import { restRequestOf } from './rest-provider.ts';

const config = {
  method: 'post',
  url: 'http://127.0.0.1/items/{id}',
  headers: { 'x-app': 'tempo' },
  timeoutMs: 1000,
};

describe('restRequestOf', () => {
  it('maps Body, UrlParams and Headers from the input over the configured call', () => {
    expect(
      restRequestOf(config, {
        Body: '{"a":1}',
        UrlParams: { id: 'a b/c' },
        Headers: { 'content-type': 'application/json' },
      }),
    ).toEqual({
      url: 'http://127.0.0.1/items/a%20b%2Fc',
      method: 'POST',
      headers: { 'x-app': 'tempo', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
  });

  it("leaves out connection headers, such as a previous REST step's response headers", () => {
    const previousOutput = {
      StatusCode: 200,
      Headers: {
        Connection: 'keep-alive',
        'keep-alive': 'timeout=72',
        'content-length': '60',
        'x-trace': 't1',
      },
    };
    expect(restRequestOf(config, previousOutput).headers).toEqual({ 'x-app': 'tempo', 'x-trace': 't1' });
  });
});
