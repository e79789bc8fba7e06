import { describe, expect, it } from 'vitest';
import {
  accessTokenAccepted,
  bearerToken,
  offeredProtocols,
  webSocketProtocolToken,
} from './access-token.ts';

describe('accessTokenAccepted', () => {
  it('accepts anything when no token is configured', () => {
    expect(accessTokenAccepted(null, null)).toBe(true);
    expect(accessTokenAccepted(null, 'whatever')).toBe(true);
  });

  it('accepts the configured token only', () => {
    expect(accessTokenAccepted('s3cret', 's3cret')).toBe(true);
    for (const presented of [null, undefined, '', 's3cre', 's3cretX', 'S3CRET', ' s3cret'])
      expect(accessTokenAccepted('s3cret', presented)).toBe(false);
  });
});

describe('bearerToken', () => {
  it('reads Authorization: Bearer <token>, case-insensitively on the scheme', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'abc'])
      expect(bearerToken(header)).toBeNull();
  });
});

describe('webSocketProtocolToken', () => {
  it('finds the tempo-token.<token> entry among the offered subprotocols', () => {
    expect(webSocketProtocolToken(offeredProtocols('mcp, tempo-token.abc'))).toBe('abc');
    expect(webSocketProtocolToken(offeredProtocols('mcp'))).toBeNull();
    expect(webSocketProtocolToken(offeredProtocols(undefined))).toBeNull();
  });
});
