import { CommonErrors, type OperationType, type ResourceType } from '@tempo/contracts';
import { op, type Repositories } from '@tempo/core/store';
import { canActOnTenant, isSystemAdmin, type Principal } from './principal.ts';
import { allows, type Holding, type PermissionGrant, pairsAllowed, pairsNamed } from './privileges.ts';

/** Who may call a route. */
export type AccessRule =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  /** Global administrators only. */
  | { readonly kind: 'admin' }
  /** Callers allowed on the tenant named by path parameter `tenantParam` (default `tenantId`), with RBAC. */
  | {
      readonly kind: 'tenant';
      readonly resource: ResourceType;
      readonly operation: OperationType;
      readonly tenantParam?: string;
    };

/**
 * Decides whether a principal may act: administrators everywhere, tenant admins in their own
 * tenant, everyone else through their roles' permissions, where an explicit `Deny` wins.
 */
export class Authorizer {
  readonly #repositories: Repositories;
  /** A user principal belongs to one tenant, so its permissions are keyed by the principal alone. */
  readonly #perRequest = new WeakMap<Principal, Promise<readonly PermissionGrant[]>>();

  constructor(repositories: Repositories) {
    this.#repositories = repositories;
  }

  /** Whether the principal holds a permission for `operation` on `resource` in the tenant. */
  async permits(
    principal: Principal,
    tenantId: string,
    resource: ResourceType,
    operation: OperationType,
  ): Promise<boolean> {
    if (isSystemAdmin(principal)) return true;
    if (principal.kind !== 'user' || principal.tenantId !== tenantId) return false;
    if (principal.isTenantAdmin) return true;
    return allows(await this.#callerPermissions(principal, tenantId), resource, operation);
  }

  /** What the principal holds in the tenant now (nothing, for a user of another tenant). */
  async holdingOf(principal: Principal, tenantId: string): Promise<Holding> {
    if (isSystemAdmin(principal)) return { kind: 'global' };
    if (principal.kind !== 'user' || principal.tenantId !== tenantId)
      return { kind: 'roles', pairs: new Set() };
    if (principal.isTenantAdmin) return { kind: 'tenantAdmin' };
    return {
      kind: 'roles',
      pairs: pairsAllowed(await this.#callerPermissions(principal, tenantId)),
    };
  }

  /**
   * What a user of the tenant could hold: every pair a Permit linked to it names, through links,
   * roles and permissions switched on or off, and with no Deny subtracted. Whoever takes over a
   * user gets whatever is later switched on for it, so acting for a user is measured by this.
   */
  async reachOf(
    tenantId: string,
    user: { readonly id: string; readonly isAdmin: boolean; readonly isTenantAdmin: boolean },
  ): Promise<Holding> {
    if (user.isAdmin) return { kind: 'global' };
    if (user.isTenantAdmin) return { kind: 'tenantAdmin' };
    const permits = (await this.#permissionsOf(tenantId, user.id, false)).filter(
      (permission) => permission.permissionType === 'Permit',
    );
    return { kind: 'roles', pairs: new Set(permits.flatMap(pairsNamed)) };
  }

  /**
   * The active permissions of a calling user, read once per request: a principal is made for one
   * request, and the route check and every identity guard of that request ask the same question.
   */
  #callerPermissions(
    principal: Principal & { readonly kind: 'user' },
    tenantId: string,
  ): Promise<readonly PermissionGrant[]> {
    let read = this.#perRequest.get(principal);
    if (!read) {
      read = this.#permissionsOf(tenantId, principal.userId, true);
      this.#perRequest.set(principal, read);
    }
    return read;
  }

  /** The permissions of the user's roles: only those switched on along the way, or all of them. */
  async #permissionsOf(
    tenantId: string,
    userId: string,
    activeOnly: boolean,
  ): Promise<readonly PermissionGrant[]> {
    const r = this.#repositories;
    const active = activeOnly ? { active: true } : {};
    const roleIds = (await r.userRoleMaps.inTenant(tenantId).find({ userId, ...active })).map(
      (m) => m.roleId,
    );
    if (roleIds.length === 0) return [];
    const roles = await r.roles.inTenant(tenantId).find({ id: op.in(roleIds), ...active });
    if (roles.length === 0) return [];
    const links = await r.rolePermissionMaps
      .inTenant(tenantId)
      .find({ roleId: op.in(roles.map((role) => role.id)), ...active });
    if (links.length === 0) return [];
    return r.permissions.inTenant(tenantId).find({ id: op.in(links.map((l) => l.permissionId)), ...active });
  }

  /**
   * Enforces a route's rule after authentication and validation: 403 when the caller may not act
   * on the tenant or lacks the permission (401 was decided before validation).
   */
  async enforce(
    rule: AccessRule,
    principal: Principal,
    params: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    switch (rule.kind) {
      case 'public':
      case 'authenticated':
        return;
      case 'admin':
        if (!isSystemAdmin(principal)) throw CommonErrors.forbidden();
        return;
      case 'tenant': {
        const tenantId = params[rule.tenantParam ?? 'tenantId'];
        if (typeof tenantId !== 'string' || tenantId === '')
          throw CommonErrors.badRequest('tenantId required.');
        if (!canActOnTenant(principal, tenantId)) throw CommonErrors.forbidden();
        if (!(await this.permits(principal, tenantId, rule.resource, rule.operation)))
          throw CommonErrors.forbidden();
        // Administrators may name any tenant: one that does not exist is a 404, never a place to write.
        if (!(await this.#repositories.tenants.get(tenantId)))
          throw CommonErrors.notFound('Tenant', tenantId);
        return;
      }
    }
  }
}
