/** Result names of an authentication attempt, as `GET /v1.0/token` reports them. */
export type AuthenticationResult = 'Success' | 'NotFound' | 'Inactive' | 'Invalid';

/** How the caller proved who it is. */
export type AuthMethod = 'token' | 'apiKey' | 'accessKey' | 'password';

/** Who is calling. Administrators and users with `isAdmin` act on every tenant. */
export type Principal =
  | { readonly kind: 'anonymous'; readonly result: AuthenticationResult | null }
  | {
      readonly kind: 'administrator';
      /** Null when authenticated by the admin API key, which belongs to no administrator row. */
      readonly administratorId: string | null;
      readonly email: string | null;
      readonly method: AuthMethod;
      /** The administrator's token version, written into tokens issued to it; 0 for the API key. */
      readonly tokenVersion: number;
    }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly tenantId: string;
      readonly email: string;
      readonly isAdmin: boolean;
      readonly isTenantAdmin: boolean;
      readonly method: AuthMethod;
      /** The credential used, for access-key calls. */
      readonly credentialId: string | null;
      /** The user's token version, written into tokens issued to it. */
      readonly tokenVersion: number;
    };

/** The anonymous caller, with why authentication failed when credentials were sent. */
export const anonymous = (result: AuthenticationResult | null = null): Principal => ({
  kind: 'anonymous',
  result,
});

/** Whether the caller may act as a global administrator. */
export const isSystemAdmin = (principal: Principal): boolean =>
  principal.kind === 'administrator' || (principal.kind === 'user' && principal.isAdmin);

/** Whether the caller may act on a tenant at all (spec: CanActOnTenant). */
export const canActOnTenant = (principal: Principal, tenantId: string): boolean =>
  isSystemAdmin(principal) || (principal.kind === 'user' && principal.tenantId === tenantId);

/** A display name for logs and request history. */
export const principalName = (principal: Principal): string | null => {
  switch (principal.kind) {
    case 'anonymous':
      return null;
    case 'administrator':
      return principal.email ?? 'admin-api-key';
    case 'user':
      return principal.email;
  }
};
