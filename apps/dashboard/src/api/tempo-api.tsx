import type { TempoClient } from '@tempo/client';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import {
  clientFor,
  forgetSession,
  openSession,
  type Principal,
  type Session,
  storedCredentials,
} from './session.ts';
import { UNAUTHORIZED_EVENT } from './unauthorized.ts';

/** What every signed-in page reads: the client, who is signed in and the tenant in view. */
export interface TempoApi {
  readonly client: TempoClient;
  readonly serverUrl: string;
  readonly principal: Principal;
  readonly tenantId: string;
  /** Global administrator (an administrator row, the admin API key or a user with `isAdmin`). */
  readonly isAdmin: boolean;
  /** Switches the tenant in view (administrators). */
  setTenantId(id: string): void;
  signOut(): void;
}

/** The session as the app shell sees it, signed in or not. */
export interface SessionState {
  /** `resuming` while a stored token is checked on load. */
  readonly status: 'resuming' | 'signedOut' | 'signedIn';
  readonly api: TempoApi | null;
  /** Adopts a session the login page opened. */
  start(session: Session): void;
  signOut(): void;
}

const SessionContext = createContext<SessionState | null>(null);

const isAdministrator = (principal: Principal): boolean =>
  principal.type === 'administrator' || principal.isAdmin;

/**
 * Holds the session: resumes a stored one on load (a token the server no longer accepts is
 * dropped), and signs out on `auth:unauthorized`.
 */
export const TempoApiProvider = ({ children }: { readonly children: ReactNode }) => {
  const [session, setSession] = useState<Session | null>(null);
  const [status, setStatus] = useState<SessionState['status']>(() =>
    storedCredentials() === null ? 'signedOut' : 'resuming',
  );

  const signOut = useCallback(() => {
    forgetSession();
    setSession(null);
    setStatus('signedOut');
  }, []);

  useEffect(() => {
    const stored = storedCredentials();
    if (stored === null) return;
    let current = true;
    openSession(stored.serverUrl, stored.credentials, '').then(
      (resumed) => {
        if (!current) return;
        setSession(resumed);
        setStatus('signedIn');
      },
      () => {
        if (current) signOut();
      },
    );
    return () => {
      current = false;
    };
  }, [signOut]);

  useEffect(() => {
    window.addEventListener(UNAUTHORIZED_EVENT, signOut);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, signOut);
  }, [signOut]);

  const api = useMemo<TempoApi | null>(() => {
    if (session === null) return null;
    return {
      client: clientFor(session.serverUrl, session.credentials),
      serverUrl: session.serverUrl,
      principal: session.principal,
      tenantId: session.tenantId,
      isAdmin: isAdministrator(session.principal),
      setTenantId: (id: string) =>
        setSession((previous) => (previous ? { ...previous, tenantId: id } : previous)),
      signOut,
    };
  }, [session, signOut]);

  const state = useMemo<SessionState>(
    () => ({
      status,
      api,
      start: (opened: Session) => {
        setSession(opened);
        setStatus('signedIn');
      },
      signOut,
    }),
    [status, api, signOut],
  );
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
};

/** The session state, for the router and the login page. */
export const useSession = (): SessionState => {
  const state = useContext(SessionContext);
  if (state === null) throw new Error('useSession needs a TempoApiProvider above it.');
  return state;
};

/** The API of the signed-in session; only pages inside the shell call it. */
export const useTempoApi = (): TempoApi => {
  const { api } = useSession();
  if (api === null) throw new Error('useTempoApi is only available while signed in.');
  return api;
};
