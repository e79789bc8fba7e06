import { describe, expect, it } from 'vitest';
import { isSecretName, redactedHeaders, redactedJsonText, redactedUrl } from './request-history-recorder.ts';

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

describe('secret names', () => {
  it('matches names spelled with "_" like their "-" forms, and the added words', () => {
    const names = [
      'x-api_key',
      'x-access_key',
      'x-pass',
      'x-pwd',
      'x-private-id',
      'x-jwt',
      'x-bearer',
      'x-sig',
      'x-signature',
      'key',
      'x-key',
      'api_key',
      'x_key_id',
    ];
    const stored = redactedHeaders(Object.fromEntries(names.map((name) => [name, 'the-value'])));
    expect(Object.values(stored)).toEqual(names.map(() => '****'));
    for (const name of ['apiKey', 'signingKey', 'privateKey', 'userPwd'])
      expect(isSecretName(name), name).toBe(true);
    for (const name of ['monkey', 'keyboard', 'design', 'x-request-id', 'content-type', 'code'])
      expect(isSecretName(name), name).toBe(false);
  });

  it('masks query parameters named with the added words, and `code` in the query only', () => {
    expect(redactedUrl('/t?code=c&pwd=p&sig=s&x_api_key=k&keyboard=q&page=2')).toBe(
      '/t?code=****&pwd=****&sig=****&x_api_key=****&keyboard=q&page=2',
    );
  });
});

describe('redactedJsonText', () => {
  it('masks the values of secret-named fields at any depth and keeps the rest', () => {
    const text = JSON.stringify({
      user: 'ann',
      password: 'p1',
      nested: { apiKey: 'k1', list: [{ access_token: 't1', note: 'n' }] },
      credentials: { a: 1 },
    });
    expect(JSON.parse(redactedJsonText(text))).toEqual({
      user: 'ann',
      password: '****',
      nested: { apiKey: '****', list: [{ access_token: '****', note: 'n' }] },
      credentials: '****',
    });
  });

  it('leaves a body without a suspicious word, a non-JSON body and a cut body as they are', () => {
    const plain = '{"hello":"history","count":3}';
    expect(redactedJsonText(plain)).toBe(plain);
    expect(redactedJsonText('password=p1')).toBe('password=p1');
    expect(redactedJsonText('{"password":"p1", "x')).toBe('{"password":"p1", "x');
  });
});
