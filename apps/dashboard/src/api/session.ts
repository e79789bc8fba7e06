import { type ClientCredentials, TempoClient } from '@tempo/client';
import type { MeResponse } from '@tempo/contracts';
import { SESSION_API_KEY, STORAGE_KEYS } from './storage-keys.ts';

/** Who is signed in; `anonymous` never gets a session. */
export type Principal = Exclude<MeResponse, { type: 'anonymous' }>;

/** A signed-in session: where, as whom, and in which tenant. */
export interface Session {
  readonly serverUrl: string;
  readonly credentials: ClientCredentials;
  readonly principal: Principal;
  readonly tenantId: string;
}

/** What the login form sends. */
export type SignInRequest =
  | {
      readonly kind: 'password';
      readonly serverUrl: string;
      readonly email: string;
      readonly password: string;
      readonly tenantId: string;
    }
  | {
      readonly kind: 'apiKey';
      readonly serverUrl: string;
      readonly apiKey: string;
      readonly tenantId: string;
    };

/** A session that could not be opened with valid-looking input: the server said no. */
export class SignInRefused extends Error {
  constructor() {
    super('The server did not accept these credentials.');
    this.name = 'SignInRefused';
  }
}

/** The server URL without a trailing slash, the form every key and request uses. */
export const cleanServerUrl = (url: string): string => url.trim().replace(/\/+$/, '');

/** A client of `serverUrl` with `credentials`. */
export const clientFor = (serverUrl: string, credentials: ClientCredentials = {}): TempoClient =>
  new TempoClient({ baseUrl: serverUrl, credentials });

/**
 * The tenant to open: the user's own; for an administrator the one asked for, else the first
 * tenant the server lists.
 */
const tenantFor = async (client: TempoClient, principal: Principal, wanted: string): Promise<string> => {
  if (principal.type === 'user') return principal.tenantId;
  if (wanted !== '') return wanted;
  const tenants = await client.tenants.list({ pageSize: 1 });
  return tenants.items[0]?.id ?? '';
};

/** Opens a session with credentials already in hand: asks the server who they belong to. */
export const openSession = async (
  serverUrl: string,
  credentials: ClientCredentials,
  wantedTenantId: string,
): Promise<Session> => {
  const client = clientFor(serverUrl, credentials);
  const principal = await client.me();
  if (principal.type === 'anonymous') throw new SignInRefused();
  return { serverUrl, credentials, principal, tenantId: await tenantFor(client, principal, wantedTenantId) };
};

/** Signs in from the login form and keeps what a reload needs to resume. */
export const signIn = async (request: SignInRequest): Promise<Session> => {
  const serverUrl = cleanServerUrl(request.serverUrl);
  const tenantId = request.tenantId.trim();
  let credentials: ClientCredentials;
  if (request.kind === 'password') {
    const issued = await clientFor(serverUrl).token.issue({
      email: request.email,
      password: request.password,
      ...(tenantId === '' ? {} : { tenantId }),
    });
    credentials = { token: issued.token };
  } else {
    credentials = { apiKey: request.apiKey.trim() };
  }
  const session = await openSession(serverUrl, credentials, tenantId);
  window.localStorage.setItem(STORAGE_KEYS.serverUrl, serverUrl);
  if (credentials.token) window.localStorage.setItem(STORAGE_KEYS.token, credentials.token);
  if (credentials.apiKey) window.sessionStorage.setItem(SESSION_API_KEY, credentials.apiKey);
  return session;
};

/** The stored credentials of an earlier sign-in, or null when there are none. */
export const storedCredentials = (): { serverUrl: string; credentials: ClientCredentials } | null => {
  const serverUrl = window.localStorage.getItem(STORAGE_KEYS.serverUrl);
  const token = window.localStorage.getItem(STORAGE_KEYS.token);
  const apiKey = window.sessionStorage.getItem(SESSION_API_KEY);
  if (!serverUrl) return null;
  if (token) return { serverUrl, credentials: { token } };
  if (apiKey) return { serverUrl, credentials: { apiKey } };
  return null;
};

/** Forgets the session; the language and theme stay (spec §4.1). */
export const forgetSession = (): void => {
  window.localStorage.removeItem(STORAGE_KEYS.serverUrl);
  window.localStorage.removeItem(STORAGE_KEYS.token);
  window.sessionStorage.removeItem(SESSION_API_KEY);
};
