import { CommonErrors, type OperationType, type ResourceType } from '@tempo/contracts';
import { op, type Repositories } from '@tempo/core/store';
import { canActOnTenant, isSystemAdmin, type Principal } from './principal.ts';

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

const covers = <T extends string>(granted: readonly T[], wanted: T): boolean =>
  granted.includes('All' as T) || granted.includes(wanted);

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
    const r = this.#repositories;
    const roleIds = (
      await r.userRoleMaps.inTenant(tenantId).find({ userId: principal.userId, active: true })
    ).map((m) => m.roleId);
    if (roleIds.length === 0) return false;
    const roles = await r.roles.inTenant(tenantId).find({ id: op.in(roleIds), active: true });
    if (roles.length === 0) return false;
    const links = await r.rolePermissionMaps
      .inTenant(tenantId)
      .find({ roleId: op.in(roles.map((role) => role.id)), active: true });
    if (links.length === 0) return false;
    const permissions = await r.permissions
      .inTenant(tenantId)
      .find({ id: op.in(links.map((l) => l.permissionId)), active: true });
    const matching = permissions.filter(
      (p) => covers(p.resourceTypes, resource) && covers(p.operationTypes, operation),
    );
    return matching.length > 0 && matching.every((p) => p.permissionType === 'Permit');
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
