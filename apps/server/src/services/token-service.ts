import { CommonErrors, type TokenRequest, type TokenResponse } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { ServerContext } from '../server-context.ts';

/**
 * `POST /v1.0/token`: checks the email and password (administrators first, then users, the
 * tenant hint choosing among users) and issues an encrypted token valid for
 * `auth.tokenExpirationMinutes`.
 */
export const issueToken = async (
  context: ServerContext,
  throttle: LoginThrottle,
  body: TokenRequest,
): Promise<TokenResponse> => {
  const account = body.email.trim().toLowerCase();
  await throttle.admit(account);
  const principal = await context.authenticator.withPassword(
    body.email,
    body.password,
    body.tenantId ?? undefined,
    'password',
  );
  if (principal.kind === 'anonymous') {
    throttle.fail(account);
    throw CommonErrors.unauthorized();
  }
  throttle.succeed(account);
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
