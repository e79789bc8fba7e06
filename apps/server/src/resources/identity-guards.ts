import { CommonErrors } from '@tempo/contracts';
import { op, type RowOf, type Tables } from '@tempo/core/store';
import { isSystemAdmin, type Principal } from '../auth/principal.ts';
import { dominates, type PermissionGrant, permissionRefusal } from '../auth/privileges.ts';
import type { ServerContext } from '../server-context.ts';

type T = typeof Tables;
type UserRow = RowOf<T['users']>;

/** Who is asking, where: what the guards below read. */
export interface GuardScope {
  readonly principal: Principal;
  readonly tenantId: string | null;
  readonly context: ServerContext;
}

/** The flags of an identity record that only some callers may set. */
interface GuardedFlags {
  readonly isAdmin?: boolean | undefined;
  readonly isTenantAdmin?: boolean | undefined;
  readonly isProtected?: boolean | undefined;
}

/** A user of the scope's tenant, or a 404. */
export const tenantUser = ({ context, tenantId }: GuardScope, userId: string): Promise<UserRow> =>
  context.repositories.users.inTenant(tenantId ?? '').require(userId, 'User');

const ONLY_GLOBAL = 'Only a global administrator may change a global administrator.';
const PROTECTED_EDIT =
  'Built-in (protected) roles, permissions and links can be changed only by a global administrator.';

const isTenantAdminOf = (principal: Principal, tenantId: string): boolean =>
  principal.kind === 'user' && principal.tenantId === tenantId && principal.isTenantAdmin;

const administers = (principal: Principal, tenantId: string): boolean =>
  isSystemAdmin(principal) || isTenantAdminOf(principal, tenantId);

const changes = (wanted: boolean | undefined, current: boolean): boolean =>
  wanted !== undefined && wanted !== current;

/**
 * Refuses flags the caller may not set (on create, `existing` is null): `isAdmin` is for global
 * administrators, `isTenantAdmin` and `isProtected` for tenant administrators and above.
 */
export const guardFlags = (scope: GuardScope, existing: GuardedFlags | null, wanted: GuardedFlags): void => {
  const { principal } = scope;
  const tenantId = scope.tenantId ?? '';
  if (changes(wanted.isAdmin, existing?.isAdmin ?? false) && !isSystemAdmin(principal))
    throw CommonErrors.forbidden(
      'Only a global administrator may grant or remove global administrator rights.',
    );
  if (changes(wanted.isTenantAdmin, existing?.isTenantAdmin ?? false) && !administers(principal, tenantId))
    throw CommonErrors.forbidden(
      'Only a tenant administrator may grant or remove tenant administrator rights.',
    );
  if (changes(wanted.isProtected, existing?.isProtected ?? false) && !administers(principal, tenantId))
    throw CommonErrors.forbidden('Only a tenant administrator may protect a record or lift its protection.');
};

/**
 * Refuses acting for another user (changing its password, email or flags, deleting it, handling
 * its credentials or roles) unless the caller holds the right to manage users and at least every
 * permission the user holds. Global administrators are changed by global administrators only,
 * whoever asks, the user itself included.
 */
export const guardManageUser = async (
  scope: GuardScope,
  target: UserRow,
  { needsUserUpdate }: { readonly needsUserUpdate: boolean },
): Promise<void> => {
  const { principal, context } = scope;
  const tenantId = scope.tenantId ?? '';
  if (isSystemAdmin(principal)) return;
  if (target.isAdmin) throw CommonErrors.forbidden(ONLY_GLOBAL);
  if (principal.kind === 'user' && principal.userId === target.id) return;
  if (needsUserUpdate && !(await context.authorizer.permits(principal, tenantId, 'User', 'Update')))
    throw CommonErrors.forbidden('Acting for another user needs the User Update permission.');
  const caller = await context.authorizer.holdingOf(principal, tenantId);
  if (!dominates(caller, await context.authorizer.reachOf(tenantId, target))) {
    throw CommonErrors.forbidden(
      target.isTenantAdmin
        ? 'Only a tenant administrator may act for a tenant administrator.'
        : 'The user holds permissions you do not hold yourself.',
    );
  }
};

/** Refuses changing a protected record for anyone but a global administrator. */
export const guardProtectedEdit = (scope: GuardScope, row: { readonly isProtected: boolean }): void => {
  if (row.isProtected && !isSystemAdmin(scope.principal)) throw CommonErrors.forbidden(PROTECTED_EDIT);
};

/**
 * Refuses changing a protected record, or a permission linked to a protected (built-in) role,
 * for anyone but a global administrator: changing such a permission changes the role.
 */
export const guardProtectedPermission = async (
  scope: GuardScope,
  permission: { readonly id: string; readonly isProtected: boolean },
): Promise<void> => {
  guardProtectedEdit(scope, permission);
  if (isSystemAdmin(scope.principal)) return;
  const tenantId = scope.tenantId ?? '';
  const links = await scope.context.repositories.rolePermissionMaps
    .inTenant(tenantId)
    .find({ permissionId: permission.id });
  if (links.length === 0) return;
  const roles = await scope.context.repositories.roles
    .inTenant(tenantId)
    .find({ id: op.in(links.map((link) => link.roleId)), isProtected: true });
  if (roles.length > 0) throw CommonErrors.forbidden(PROTECTED_EDIT);
};

/** Refuses creating, changing, attaching or removing a permission that grants more than the caller holds. */
export const guardPermission = async (scope: GuardScope, permission: PermissionGrant): Promise<void> => {
  const refusal = permissionRefusal(
    await scope.context.authorizer.holdingOf(scope.principal, scope.tenantId ?? ''),
    permission,
  );
  if (refusal) throw CommonErrors.forbidden(refusal);
};

/**
 * Refuses changing, granting or revoking a role unless the caller may handle every permission
 * linked to it (active or not, since a link can be switched back on).
 */
export const guardRole = async (scope: GuardScope, roleId: string): Promise<void> => {
  if (isSystemAdmin(scope.principal)) return;
  const repositories = scope.context.repositories;
  const tenantId = scope.tenantId ?? '';
  const links = await repositories.rolePermissionMaps.inTenant(tenantId).find({ roleId });
  if (links.length === 0) return;
  const permissions = await repositories.permissions
    .inTenant(tenantId)
    .find({ id: op.in(links.map((link) => link.permissionId)) });
  const caller = await scope.context.authorizer.holdingOf(scope.principal, tenantId);
  for (const permission of permissions) {
    const refusal = permissionRefusal(caller, permission);
    if (refusal)
      throw CommonErrors.forbidden(`The role carries a permission you may not hand out. ${refusal}`);
  }
};
