import { TempoError } from '@tempo/contracts';
import type { Principal } from '../auth/principal.ts';
import { type AuditRecorder, actorOf } from './audit-recorder.ts';

/** One password sign-in attempt, whichever way it came. */
export interface SignInAttempt {
  /** The email as sent; recorded (lower-cased, trimmed) as the actor name of a failure. */
  readonly email: string;
  /** The client address the sign-in throttle counts the attempt under. */
  readonly clientAddress: string;
  /** `token`: `POST /v1.0/token`; `headers`: `x-email`/`x-password` on any request. */
  readonly via: 'token' | 'headers';
}

/**
 * A header sign-in happens on every request that carries the headers: one `SignIn` per account
 * and address in this window says what the rest would, and keeps such callers (an HTTP trigger
 * called that way included) from writing a row per call.
 */
const HEADER_SIGN_IN_WINDOW_MS = 10 * 60_000;
/** A throttled attempt costs the caller nothing, so it is recorded once per account and address here. */
const THROTTLED_WINDOW_MS = 60_000;

const accountOf = (email: string): string => email.trim().toLowerCase();

/**
 * Runs a password sign-in and records it: `SignIn` with the principal, `SignInFailed` with the
 * email tried (a wrong password and an unknown email alike, as the answer is alike), or
 * `SignInThrottled` when the throttle refused it (429, rethrown). The password is never recorded.
 * A failure names no tenant: the caller proved no tenant, so it is a global administrator's to see.
 */
export const auditedSignIn = async (
  audit: AuditRecorder,
  attempt: SignInAttempt,
  signIn: () => Promise<Principal>,
): Promise<Principal> => {
  const account = accountOf(attempt.email);
  const detail = { via: attempt.via };
  const anonymousActor = { kind: 'Anonymous', id: null, name: account, authMethod: null } as const;
  let principal: Principal;
  try {
    principal = await signIn();
  } catch (error) {
    if (error instanceof TempoError && error.statusCode === 429)
      audit.recordOnce(`throttled|${account}|${attempt.clientAddress}`, THROTTLED_WINDOW_MS, {
        tenantId: null,
        actor: anonymousActor,
        sourceIp: attempt.clientAddress,
        action: 'SignInThrottled',
        targetType: 'Account',
        targetId: null,
        outcome: 'Throttled',
        statusCode: 429,
        detail,
      });
    throw error;
  }
  if (principal.kind === 'anonymous') {
    audit.record({
      tenantId: null,
      actor: anonymousActor,
      sourceIp: attempt.clientAddress,
      action: 'SignInFailed',
      targetType: 'Account',
      targetId: null,
      outcome: 'Failed',
      statusCode: attempt.via === 'token' ? 401 : 0,
      detail: { ...detail, reason: principal.result ?? 'Invalid' },
    });
    return principal;
  }
  const actor = actorOf(principal);
  const entry = {
    tenantId: principal.kind === 'user' ? principal.tenantId : null,
    actor,
    sourceIp: attempt.clientAddress,
    action: 'SignIn',
    targetType: principal.kind === 'user' ? 'User' : 'Administrator',
    targetId: actor.id,
    outcome: 'Succeeded',
    // A header sign-in is answered by whatever route it came with.
    statusCode: attempt.via === 'token' ? 200 : 0,
    detail,
  } as const;
  if (attempt.via === 'headers')
    audit.recordOnce(`headers|${account}|${attempt.clientAddress}`, HEADER_SIGN_IN_WINDOW_MS, entry);
  else audit.record(entry);
  return principal;
};
