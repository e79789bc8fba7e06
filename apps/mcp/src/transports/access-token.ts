import { createHash, timingSafeEqual } from 'node:crypto';

/** The `Sec-WebSocket-Protocol` entry prefix that carries the token for clients that cannot set headers. */
export const WEBSOCKET_TOKEN_PROTOCOL_PREFIX = 'tempo-token.';

/** The method a TCP connection's first line must call when an access token is configured. */
export const TCP_AUTHENTICATE_METHOD = 'tempo/authenticate';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether `presented` is the configured access token, in time that does not depend on where they
 * differ (both are hashed first, so their lengths do not leak either). No token configured: true.
 */
export const accessTokenAccepted = (
  expected: string | null,
  presented: string | null | undefined,
): boolean => {
  if (expected === null) return true;
  if (typeof presented !== 'string') return false;
  return timingSafeEqual(digest(expected), digest(presented));
};

/** The token of an `Authorization: Bearer <token>` header, or null. */
export const bearerToken = (authorization: string | undefined): string | null => {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
};

/** The token offered as a `tempo-token.<token>` subprotocol, or null. */
export const webSocketProtocolToken = (offered: Iterable<string>): string | null => {
  for (const protocol of offered) {
    if (protocol.startsWith(WEBSOCKET_TOKEN_PROTOCOL_PREFIX))
      return protocol.slice(WEBSOCKET_TOKEN_PROTOCOL_PREFIX.length);
  }
  return null;
};

/** The protocols of a `Sec-WebSocket-Protocol` header. */
export const offeredProtocols = (header: string | undefined): string[] =>
  (header ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
