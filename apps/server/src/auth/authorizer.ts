import { CommonErrors, type OperationType, type ResourceType } from '@tempo/contracts';
import { op, type Repositories } from '@tempo/core/store';
import { canActOnTenant, isSystemAdmin, type Principal } from './principal.ts';
import { allows, type Holding, type PermissionGrant, pairsAllowed } from './privileges.ts';

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
    return allows(await this.#permissionsOf(tenantId, principal.userId), resource, operation);
  }

  /** What the principal holds in the tenant (nothing, for a user of another tenant). */
  async holdingOf(principal: Principal, tenantId: string): Promise<Holding> {
    if (isSystemAdmin(principal)) return { kind: 'global' };
    if (principal.kind !== 'user' || principal.tenantId !== tenantId)
      return { kind: 'roles', pairs: new Set() };
    return this.holdingOfUser(tenantId, principal);
  }

  /** What a user of the tenant holds, whoever is asking. */
  async holdingOfUser(
    tenantId: string,
    user: { readonly isAdmin: boolean; readonly isTenantAdmin: boolean } & (
      | { readonly userId: string }
      | { readonly id: string }
    ),
  ): Promise<Holding> {
    if (user.isAdmin) return { kind: 'global' };
    if (user.isTenantAdmin) return { kind: 'tenantAdmin' };
    const userId = 'userId' in user ? user.userId : user.id;
    return { kind: 'roles', pairs: pairsAllowed(await this.#permissionsOf(tenantId, userId)) };
  }

  /** The active permissions of the user's active roles. */
  async #permissionsOf(tenantId: string, userId: string): Promise<readonly PermissionGrant[]> {
    const r = this.#repositories;
    const roleIds = (await r.userRoleMaps.inTenant(tenantId).find({ userId, active: true })).map(
      (m) => m.roleId,
    );
    if (roleIds.length === 0) return [];
    const roles = await r.roles.inTenant(tenantId).find({ id: op.in(roleIds), active: true });
    if (roles.length === 0) return [];
    const links = await r.rolePermissionMaps
      .inTenant(tenantId)
      .find({ roleId: op.in(roles.map((role) => role.id)), active: true });
    if (links.length === 0) return [];
    return r.permissions
      .inTenant(tenantId)
      .find({ id: op.in(links.map((l) => l.permissionId)), active: true });
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
