import { CommonErrors, TempoError, type TokenRequest, type TokenResponse } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { Repositories } from '@tempo/core/store';
import { auditedSignIn } from '../audit/sign-in-audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { ServerContext } from '../server-context.ts';

/** Errors of signing in. */
export const SignInErrors = {
  /**
   * One answer for an unknown email and a wrong password, so the answer does not tell which
   * accounts exist; the code and status stay those of any missing credential.
   */
  invalidCredentials: () => new TempoError('Unauthorized', 401, 'Invalid email or password.'),
} as const;

/**
 * `POST /v1.0/token`: checks the email and password (administrators first, then users, the
 * tenant hint choosing among users) and issues an encrypted token valid for
 * `auth.tokenExpirationMinutes`, stamped with the principal's current token version.
 */
export const issueToken = async (
  context: ServerContext,
  clientAddress: string,
  body: TokenRequest,
): Promise<TokenResponse> => {
  const principal = await auditedSignIn(
    context.audit,
    { email: body.email, clientAddress, via: 'token' },
    () => context.authenticator.signIn(body.email, body.password, body.tenantId ?? undefined, clientAddress),
  );
  if (principal.kind === 'anonymous') throw SignInErrors.invalidCredentials();
  const lifetimeMs = context.settings.auth.tokenExpirationMinutes * 60_000;
  const nonce = newId('tokenNonce');
  if (principal.kind === 'administrator') {
    const { token, expiresUtc } = context.tokens.issue(
      {
        kind: 'administrator',
        sub: principal.administratorId ?? '',
        tenantId: null,
        ver: principal.tokenVersion,
      },
      lifetimeMs,
      nonce,
    );
    return { token, expiresUtc, tenantId: null, userId: null, administratorId: principal.administratorId };
  }
  const { token, expiresUtc } = context.tokens.issue(
    { kind: 'user', sub: principal.userId, tenantId: principal.tenantId, ver: principal.tokenVersion },
    lifetimeMs,
    nonce,
  );
  return { token, expiresUtc, tenantId: principal.tenantId, userId: principal.userId, administratorId: null };
};

/**
 * The token-version change an update of a user or administrator needs: a new password or a
 * deactivation raises the version, so every token issued before stops working (and stays dead
 * if the account is reactivated).
 */
export const tokenRevocation = (
  existing: { readonly tokenVersion: number; readonly active: boolean },
  change: { readonly passwordHash?: string; readonly active?: boolean },
): { tokenVersion?: number } =>
  change.passwordHash !== undefined || (existing.active && change.active === false)
    ? { tokenVersion: existing.tokenVersion + 1 }
    : {};

/**
 * Ends the tokens of every user of a tenant: each user's version moves past the highest one in
 * the tenant, so every token issued before carries a version that no longer matches.
 */
export const revokeTenantTokens = async (repositories: Repositories, tenantId: string): Promise<void> => {
  const users = repositories.users.inTenant(tenantId);
  const highest = Math.max(0, ...(await users.find()).map((user) => user.tokenVersion));
  await users.updateWhere({}, { tokenVersion: highest + 1 });
};

/**
 * `POST /v1.0/token/revoke`: makes every token of the caller's user or administrator invalid,
 * the one sent included. The admin API key and access keys are not tokens: an administrator
 * signed in by the API key has nothing to revoke.
 */
export const revokeTokens = async (context: ServerContext, principal: Principal): Promise<void> => {
  const { repositories } = context;
  switch (principal.kind) {
    case 'user': {
      const users = repositories.users.inTenant(principal.tenantId);
      const user = await users.get(principal.userId);
      if (user) await users.update(user.id, { tokenVersion: user.tokenVersion + 1 });
      return;
    }
    case 'administrator': {
      if (principal.administratorId === null)
        throw CommonErrors.badRequest('The admin API key has no tokens to revoke.');
      const admin = await repositories.administrators.get(principal.administratorId);
      if (admin) await repositories.administrators.update(admin.id, { tokenVersion: admin.tokenVersion + 1 });
      return;
    }
    case 'anonymous':
      throw CommonErrors.unauthorized();
  }
};
