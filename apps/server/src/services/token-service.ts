import { CommonErrors, type TokenRequest, type TokenResponse } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { ServerContext } from '../server-context.ts';

/**
 * `POST /v1.0/token`: checks the email and password (administrators first, then users, the
 * tenant hint choosing among users) and issues an encrypted token valid for
 * `auth.tokenExpirationMinutes`.
 */
export const issueToken = async (
  context: ServerContext,
  clientAddress: string,
  body: TokenRequest,
): Promise<TokenResponse> => {
  const principal = await context.authenticator.signIn(
    body.email,
    body.password,
    body.tenantId ?? undefined,
    clientAddress,
  );
  if (principal.kind === 'anonymous') throw CommonErrors.unauthorized();
  const lifetimeMs = context.settings.auth.tokenExpirationMinutes * 60_000;
  const nonce = newId('tokenNonce');
  if (principal.kind === 'administrator') {
    const { token, expiresUtc } = context.tokens.issue(
      { kind: 'administrator', sub: principal.administratorId ?? '', tenantId: null },
      lifetimeMs,
      nonce,
    );
    return { token, expiresUtc, tenantId: null, userId: null, administratorId: principal.administratorId };
  }
  const { token, expiresUtc } = context.tokens.issue(
    { kind: 'user', sub: principal.userId, tenantId: principal.tenantId },
    lifetimeMs,
    nonce,
  );
  return { token, expiresUtc, tenantId: principal.tenantId, userId: principal.userId, administratorId: null };
};
