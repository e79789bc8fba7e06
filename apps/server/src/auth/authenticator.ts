import { timingSafeEqual } from 'node:crypto';
import { TempoError } from '@tempo/contracts';
import { credentialKeyHash, hashPassword, hashSecret, verifyPassword } from '@tempo/core/auth';
import type { Repositories } from '@tempo/core/store';
import type { AuditRecorder } from '../audit/audit-recorder.ts';
import { auditedSignIn } from '../audit/sign-in-audit.ts';
import type { AuthAttemptListener } from '../telemetry/server-telemetry.ts';
import type { LoginLimiter } from './login-throttle.ts';
import { type AuthenticationResult, type AuthMethod, anonymous, type Principal } from './principal.ts';
import type { TokenCodec } from './token-codec.ts';

/** The request headers authentication reads (lower-case names). */
export type AuthHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** Dependencies of the authenticator. */
export interface AuthenticatorDependencies {
  readonly repositories: Repositories;
  readonly tokens: TokenCodec;
  /** `auth.adminApiKey`; empty disables `x-api-key`. */
  readonly adminApiKey: string;
  /** `auth.credentialHashKey`: the HMAC key credential access keys are stored under. */
  readonly credentialHashKey: string;
  /** Failed sign-ins per client address and per account, shared by every way a password is sent. */
  readonly signIns: LoginLimiter;
  /** Where sign-ins by the `x-email`/`x-password` headers are recorded. */
  readonly audit: AuditRecorder;
}

const header = (headers: AuthHeaders, name: string): string | undefined => {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() ? text.trim() : undefined;
};

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(hashSecret(a), 'hex');
  const right = Buffer.from(hashSecret(b), 'hex');
  return timingSafeEqual(left, right);
};

/** The way a request's headers try to authenticate, or null when they carry no credentials. */
const credentialMethodOf = (headers: AuthHeaders): AuthMethod | null => {
  if (headers.authorization !== undefined || headers['x-token'] !== undefined) return 'token';
  if (headers['x-api-key'] !== undefined) return 'apiKey';
  if (headers['x-access-key'] !== undefined) return 'accessKey';
  if (headers['x-email'] !== undefined) return 'password';
  return null;
};

/** Tells the listener how an attempt ended: its result, or `Throttled` when it was refused with 429. */
const observed = async (
  listener: AuthAttemptListener,
  method: AuthMethod,
  attempt: Promise<Principal>,
): Promise<Principal> => {
  try {
    const principal = await attempt;
    if (principal.kind === 'anonymous') listener(method, principal.result ?? 'Invalid');
    // A bearer value may be an access key: the method that succeeded is the principal's.
    else listener(principal.method, 'Success');
    return principal;
  } catch (error) {
    if (error instanceof TempoError && error.statusCode === 429) listener(method, 'Throttled');
    else if (error instanceof TempoError) listener(method, 'Invalid');
    throw error;
  }
};

/** A failed attempt: the caller stays anonymous, with the reason. */
const failed = (result: AuthenticationResult): Principal => anonymous(result);

/**
 * Resolves the caller of a request from its headers, in the spec's order: bearer token (or a
 * credential access key sent as bearer), `x-token`, `x-api-key`, `x-access-key`, then
 * `x-email`/`x-password`. `x-secret-key` is refused outright (400 `UnsupportedAuthHeader`).
 */
export class Authenticator {
  readonly #deps: AuthenticatorDependencies;
  /**
   * A hash no password matches, checked when no password of an account was, so an unknown email
   * costs the same time as a wrong password (made once, on first need).
   */
  #decoyHash: Promise<string> | undefined;
  /** Told of every attempt (telemetry's `tempo.auth.attempts`); null when nobody listens. */
  #onAttempt: AuthAttemptListener | null = null;

  constructor(deps: AuthenticatorDependencies) {
    this.#deps = deps;
  }

  /** Sets who is told of each authentication attempt and how it went; null stops telling. */
  onAttempt(listener: AuthAttemptListener | null): void {
    this.#onAttempt = listener;
  }

  /**
   * The principal of a request; anonymous (with a reason) when credentials are missing or wrong.
   * `clientAddress` is the address password attempts are throttled under.
   */
  authenticate(headers: AuthHeaders, clientAddress: string): Promise<Principal> {
    const listener = this.#onAttempt;
    const method = listener ? credentialMethodOf(headers) : null;
    // A request without credentials is no attempt; with telemetry off nothing is looked at.
    if (!listener || !method) return this.#authenticate(headers, clientAddress);
    return observed(listener, method, this.#authenticate(headers, clientAddress));
  }

  async #authenticate(headers: AuthHeaders, clientAddress: string): Promise<Principal> {
    if (headers['x-secret-key'] !== undefined) {
      throw new TempoError(
        'UnsupportedAuthHeader',
        400,
        'x-secret-key is not supported: authenticate with x-access-key, a bearer token, x-api-key or x-email/x-password.',
      );
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(header(headers, 'authorization') ?? '')?.[1]?.trim();
    if (bearer) {
      const byToken = await this.fromToken(bearer);
      if (byToken.kind !== 'anonymous' || byToken.result !== 'Invalid') return byToken;
      const byKey = await this.#fromAccessKey(bearer);
      // Neither a token nor a known key: the bearer value itself is invalid.
      return byKey.kind === 'anonymous' && byKey.result === 'NotFound' ? failed('Invalid') : byKey;
    }
    const token = header(headers, 'x-token');
    if (token) return this.fromToken(token);
    const apiKey = header(headers, 'x-api-key');
    if (apiKey) {
      const configured = this.#deps.adminApiKey;
      return configured !== '' && sameSecret(apiKey, configured)
        ? { kind: 'administrator', administratorId: null, email: null, method: 'apiKey', tokenVersion: 0 }
        : failed('Invalid');
    }
    const accessKey = header(headers, 'x-access-key');
    if (accessKey) return this.#fromAccessKey(accessKey);
    const email = header(headers, 'x-email');
    const password = header(headers, 'x-password');
    if (email && password)
      return auditedSignIn(this.#deps.audit, { email, clientAddress, via: 'headers' }, () =>
        this.#signIn(email, password, header(headers, 'x-tenant-id'), clientAddress),
      );
    return anonymous();
  }

  /**
   * The principal of a bearer token this server issued; `Invalid` once the token was revoked (its
   * version is no longer the principal's).
   */
  async fromToken(token: string): Promise<Principal> {
    const payload = this.#deps.tokens.read(token);
    if (!payload) return failed('Invalid');
    const { repositories } = this.#deps;
    if (payload.kind === 'administrator') {
      const admin = await repositories.administrators.get(payload.sub);
      if (!admin) return failed('NotFound');
      if (admin.tokenVersion !== payload.ver) return failed('Invalid');
      if (!admin.active) return failed('Inactive');
      return {
        kind: 'administrator',
        administratorId: admin.id,
        email: admin.email,
        method: 'token',
        tokenVersion: admin.tokenVersion,
      };
    }
    return this.#userPrincipal(payload.tenantId ?? '', payload.sub, 'token', null, payload.ver);
  }

  /**
   * Checks an email and password through the sign-in throttle, whichever way they came (the
   * token route or the `x-email`/`x-password` headers), so neither is a way around it: 429 when
   * the address or the account has failed too often.
   */
  signIn(
    email: string,
    password: string,
    tenantId: string | undefined,
    clientAddress: string,
  ): Promise<Principal> {
    const signedIn = this.#signIn(email, password, tenantId, clientAddress);
    return this.#onAttempt ? observed(this.#onAttempt, 'password', signedIn) : signedIn;
  }

  async #signIn(
    email: string,
    password: string,
    tenantId: string | undefined,
    clientAddress: string,
  ): Promise<Principal> {
    const account = email.trim().toLowerCase();
    const throttle = this.#deps.signIns.forAddress(clientAddress);
    await throttle.admit(account);
    const principal = await this.#withPassword(email, password, tenantId, 'password');
    // A failure was counted when the attempt was admitted; only a success changes anything.
    if (principal.kind !== 'anonymous') throttle.succeed(account);
    return principal;
  }

  /**
   * Checks an email and password (plain or SHA-256) against administrators first, then users;
   * `tenantId` picks among users of several tenants with the same email. An unknown email and a
   * wrong password give the same answer (`Invalid`) after the same work, so the answer does not
   * tell which emails have accounts.
   */
  async #withPassword(
    email: string,
    password: string,
    tenantId: string | undefined,
    method: AuthMethod,
  ): Promise<Principal> {
    const { repositories } = this.#deps;
    const normalised = email.trim().toLowerCase();
    const admin = await repositories.administrators.findOne({ email: normalised });
    if (admin && (!tenantId || tenantId === '')) {
      if (!(await verifyPassword(password, admin.passwordHash))) return failed('Invalid');
      if (!admin.active) return failed('Inactive');
      return {
        kind: 'administrator',
        administratorId: admin.id,
        email: admin.email,
        method,
        tokenVersion: admin.tokenVersion,
      };
    }
    const candidates = await repositories.users.findAcrossTenants(
      tenantId ? { email: normalised, tenantId } : { email: normalised },
    );
    for (const user of candidates) {
      if (!(await verifyPassword(password, user.passwordHash))) continue;
      // The token must carry the version of the row whose password was checked: a password
      // change that lands while it is being hashed bumps the version, and that token must die.
      return this.#userPrincipal(user.tenantId, user.id, method, null, user.tokenVersion);
    }
    // No password was checked (no user, or an administrator's email with a tenant hint): the
    // same hashing work anyway, so the time does not tell which emails exist.
    if (candidates.length === 0) await verifyPassword(password, await this.#decoy());
    return failed('Invalid');
  }

  #decoy(): Promise<string> {
    this.#decoyHash ??= hashPassword(hashSecret(`decoy-${Date.now()}-${Math.random()}`));
    return this.#decoyHash;
  }

  async #fromAccessKey(accessKey: string): Promise<Principal> {
    const { credentials } = this.#deps.repositories;
    const keyed = credentialKeyHash(accessKey, this.#deps.credentialHashKey);
    let [credential] = await credentials.findAcrossTenants({ accessKeySha256: keyed }, 1);
    if (!credential) {
      // Credentials issued before keyed hashing hold a plain SHA-256: found that way once, their
      // stored hash is replaced by the keyed one, so the plain form stops matching after first use.
      [credential] = await credentials.findAcrossTenants({ accessKeySha256: hashSecret(accessKey) }, 1);
      if (credential)
        await credentials.inTenant(credential.tenantId).update(credential.id, { accessKeySha256: keyed });
    }
    if (!credential) return failed('NotFound');
    if (!credential.active) return failed('Inactive');
    return this.#userPrincipal(credential.tenantId, credential.userId, 'accessKey', credential.id);
  }

  async #userPrincipal(
    tenantId: string,
    userId: string,
    method: AuthMethod,
    credentialId: string | null,
    /** For a token: the version it was issued under, which must still be the user's. */
    tokenVersion?: number,
  ): Promise<Principal> {
    const { repositories } = this.#deps;
    if (!tenantId) return failed('Invalid');
    const [tenant, user] = await Promise.all([
      repositories.tenants.get(tenantId),
      repositories.users.inTenant(tenantId).get(userId),
    ]);
    if (!tenant || !user) return failed('NotFound');
    if (tokenVersion !== undefined && tokenVersion !== user.tokenVersion) return failed('Invalid');
    if (!tenant.active || !user.active) return failed('Inactive');
    return {
      kind: 'user',
      userId: user.id,
      tenantId,
      email: user.email,
      isAdmin: user.isAdmin,
      isTenantAdmin: user.isTenantAdmin,
      method,
      credentialId,
      tokenVersion: user.tokenVersion,
    };
  }
}
