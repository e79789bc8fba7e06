import { describe, expect, it } from 'vitest';
import { redactedHeaders, redactedUrl } from './request-history-recorder.ts';

describe('redactedHeaders', () => {
  it('masks every credential header of the spec, cookies, and names that say they hold a secret', () => {
    const secret = 'the-value';
    const names = [
      'authorization',
      'proxy-authorization',
      'x-token',
      'x-api-key',
      'x-access-key',
      'x-secret-key',
      'x-password',
      'x-worker-token',
      'cookie',
      'set-cookie',
      'x-my-apikey',
      'x-session-id',
      'x-hub-signature-256',
    ];
    const stored = redactedHeaders(Object.fromEntries(names.map((name) => [name, secret])));
    expect(Object.values(stored)).toEqual(names.map(() => '****'));
  });

  it('keeps the other headers, joining repeated values, and drops undefined ones', () => {
    expect(
      redactedHeaders({
        'content-type': 'application/json',
        'x-tenant-id': 'ten_1',
        'access-control-expose-headers': 'x-run-id',
        'x-forwarded-for': ['10.0.0.1', '10.0.0.2'],
        'content-length': 12,
        'x-empty': undefined,
      }),
    ).toEqual({
      'content-type': 'application/json',
      'x-tenant-id': 'ten_1',
      'access-control-expose-headers': 'x-run-id',
      'x-forwarded-for': '10.0.0.1, 10.0.0.2',
      'content-length': '12',
    });
  });
});

describe('redactedUrl', () => {
  it('masks the values of query parameters named like secrets and keeps the rest as sent', () => {
    expect(redactedUrl('/v1.0/triggers/http/trg_1')).toBe('/v1.0/triggers/http/trg_1');
    expect(redactedUrl('/t?a=1&api_key=k&access%5Ftoken=t&note=x&password')).toBe(
      '/t?a=1&api_key=****&access%5Ftoken=****&note=x&password',
    );
    expect(redactedUrl('/t?%E0%A4%A=1&Secret=s')).toBe('/t?%E0%A4%A=1&Secret=****');
  });
});
