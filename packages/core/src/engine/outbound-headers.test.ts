import { describe, expect, it } from 'vitest';
import { crossOriginHeaders, headerProblem, mergeRequestHeaders } from './outbound-headers.ts';

describe('mergeRequestHeaders', () => {
  it('never sends connection headers, configured or given', () => {
    const connection = {
      Connection: 'close',
      'Keep-Alive': 'timeout=5',
      'Content-Length': '1',
      'Transfer-Encoding': 'chunked',
      Host: 'elsewhere.example',
      Upgrade: 'websocket',
      TE: 'trailers',
      Trailer: 'x',
      'Proxy-Connection': 'keep-alive',
    };
    expect(mergeRequestHeaders(connection, connection)).toEqual({});
  });

  it('keeps response-only headers out of what the input may set, but lets the configuration set them', () => {
    const responseOnly = [
      'content-encoding',
      'proxy-authenticate',
      'proxy-authorization',
      'date',
      'set-cookie',
      'set-cookie2',
      'server',
      'location',
      'age',
      'etag',
      'last-modified',
      'expires',
      'vary',
      'via',
      'www-authenticate',
      'accept-ranges',
      'content-range',
      'alt-svc',
      'strict-transport-security',
    ];
    const given = Object.fromEntries(responseOnly.map((name) => [name, 'from input']));
    expect(mergeRequestHeaders({}, { ...given, 'x-kept': 'yes' })).toEqual({ 'x-kept': 'yes' });
    expect(mergeRequestHeaders({ 'Proxy-Authorization': 'Basic configured' }, {})).toEqual({
      'proxy-authorization': 'Basic configured',
    });
  });
});

describe('headerProblem', () => {
  it('accepts headers that can be sent', () => {
    expect(headerProblem({ 'x-a': 'value', accept: 'text/plain' })).toBeNull();
    expect(headerProblem({})).toBeNull();
  });

  it('names a bad header name, cut to 64 characters', () => {
    expect(headerProblem({ 'bad name': 'x' })).toBe('A request header name is not valid: "bad name".');
    const long = `${'n'.repeat(70)} x`;
    expect(headerProblem({ [long]: 'x' })).toBe(`A request header name is not valid: "${'n'.repeat(64)}".`);
  });

  it('names the header whose value cannot be sent, never the value', () => {
    expect(headerProblem({ 'x-ok': 'fine', 'x-token': 'secret\r\nvalue' })).toBe(
      'The value of request header "x-token" contains characters a header cannot carry.',
    );
  });
});

describe('crossOriginHeaders', () => {
  it('keeps only headers that cannot carry a credential', () => {
    expect(
      crossOriginHeaders({
        accept: 'a',
        'accept-language': 'b',
        'content-language': 'c',
        'content-type': 'd',
        'user-agent': 'e',
        authorization: 'Bearer x',
        cookie: 'c=1',
        'x-api-key': 'k',
      }),
    ).toEqual({
      accept: 'a',
      'accept-language': 'b',
      'content-language': 'c',
      'content-type': 'd',
      'user-agent': 'e',
    });
  });
});
