import {
  CommonErrors,
  CreateRolePermissionMapRequest,
  CreateUserRoleMapRequest,
  EntityId,
  ErrorBody,
  RolePermissionMapRecord,
  UpdateRoleMapRequest,
  UserRoleMapRecord,
} from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { RowOf, Tables } from '@tempo/core/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PermissionGrant } from '../auth/privileges.ts';
import type { ServerContext } from '../server-context.ts';
import { tenantAccess } from './access.ts';
import type { CrudResource } from './crud-routes.ts';
import {
  type GuardScope,
  guardFlags,
  guardManageUser,
  guardPermission,
  guardProtectedEdit,
  guardRole,
  tenantUser,
} from './identity-guards.ts';

type T = typeof Tables;
const TENANT_PATH = '/v1.0/tenants/:tenantId';

/** Granting or revoking a role is acting for its holder and handing out what the role carries. */
const guardRoleAssignment = async (scope: GuardScope, user: RowOf<T['users']>, roleId: string) => {
  await guardManageUser(scope, user, { needsUserUpdate: false });
  await guardRole(scope, roleId);
};

/**
 * Attaching or detaching a permission changes the role (so a built-in role is a global
 * administrator's to change) and hands out, or takes back, the permission.
 */
const guardAttachment = async (scope: GuardScope, roleId: string, permission: PermissionGrant) => {
  guardProtectedEdit(
    scope,
    await scope.context.repositories.roles.inTenant(scope.tenantId ?? '').require(roleId, 'Role'),
  );
  await guardRole(scope, roleId);
  await guardPermission(scope, permission);
};

const permissionOf = ({ context, tenantId }: GuardScope, permissionId: string) =>
  context.repositories.permissions.inTenant(tenantId ?? '').require(permissionId, 'Permission');

/** Role assignments of users. */
export const userRoleMapResource: CrudResource<
  T['userRoleMaps'],
  'tenantId',
  UserRoleMapRecord,
  CreateUserRoleMapRequest,
  UpdateRoleMapRequest
> = {
  name: 'UserRoleMap',
  tag: 'Roles',
  path: `${TENANT_PATH}/user-role-maps`,
  access: tenantAccess('RoleMap'),
  repository: (context, tenantId) => context.repositories.userRoleMaps.inTenant(tenantId ?? ''),
  record: UserRoleMapRecord,
  toRecord: (row) => row,
  createBody: CreateUserRoleMapRequest,
  create: async (scope, body) => {
    const { repository, context, tenantId } = scope;
    const tenant = tenantId ?? '';
    const user = await tenantUser(scope, body.userId);
    await context.repositories.roles.inTenant(tenant).require(body.roleId, 'Role');
    await guardRoleAssignment(scope, user, body.roleId);
    guardFlags(scope, null, body);
    const existing = await repository.findOne({ userId: body.userId, roleId: body.roleId });
    if (existing) throw CommonErrors.conflict('The user already has this role.', { id: existing.id });
    return repository.create({ ...body, id: newId('userRoleMap') });
  },
  updateBody: UpdateRoleMapRequest,
  update: async (scope, existing, body) => {
    guardProtectedEdit(scope, existing);
    await guardRoleAssignment(scope, await tenantUser(scope, existing.userId), existing.roleId);
    guardFlags(scope, existing, body);
    return (await scope.repository.update(existing.id, body)) ?? existing;
  },
  guardDelete: async (scope, row) => {
    await guardRoleAssignment(scope, await tenantUser(scope, row.userId), row.roleId);
    return null;
  },
};

/** Permissions attached to roles. */
export const rolePermissionMapResource: CrudResource<
  T['rolePermissionMaps'],
  'tenantId',
  RolePermissionMapRecord,
  CreateRolePermissionMapRequest,
  UpdateRoleMapRequest
> = {
  name: 'RolePermissionMap',
  tag: 'Roles',
  path: `${TENANT_PATH}/role-permission-maps`,
  access: tenantAccess('RoleMap'),
  repository: (context, tenantId) => context.repositories.rolePermissionMaps.inTenant(tenantId ?? ''),
  record: RolePermissionMapRecord,
  toRecord: (row) => row,
  createBody: CreateRolePermissionMapRequest,
  create: async (scope, body) => {
    const { repository } = scope;
    await guardAttachment(scope, body.roleId, await permissionOf(scope, body.permissionId));
    guardFlags(scope, null, body);
    const existing = await repository.findOne({ roleId: body.roleId, permissionId: body.permissionId });
    if (existing) throw CommonErrors.conflict('The role already has this permission.', { id: existing.id });
    return repository.create({ ...body, id: newId('rolePermissionMap') });
  },
  updateBody: UpdateRoleMapRequest,
  update: async (scope, existing, body) => {
    guardProtectedEdit(scope, existing);
    await guardAttachment(scope, existing.roleId, await permissionOf(scope, existing.permissionId));
    guardFlags(scope, existing, body);
    return (await scope.repository.update(existing.id, body)) ?? existing;
  },
  guardDelete: async (scope, row) => {
    await guardAttachment(scope, row.roleId, await permissionOf(scope, row.permissionId));
    return null;
  },
};

/** `GET .../users/{userId}/roles` and `GET .../roles/{roleId}/permissions`: the links as bare arrays. */
export const registerRoleMapListings = (app: FastifyInstance, context: ServerContext): void => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const access = tenantAccess('RoleMap')('Read');
  r.get(
    `${TENANT_PATH}/users/:userId/roles`,
    {
      config: { access },
      schema: {
        tags: ['Roles'],
        summary: "A user's role assignments",
        params: z.object({ tenantId: EntityId, userId: EntityId }),
        response: { 200: z.array(UserRoleMapRecord), 404: ErrorBody },
      },
    },
    async (request) => {
      const { tenantId, userId } = request.params;
      if (!(await context.repositories.users.inTenant(tenantId).get(userId)))
        throw CommonErrors.notFound('User', userId);
      return context.repositories.userRoleMaps.inTenant(tenantId).find({ userId });
    },
  );
  r.get(
    `${TENANT_PATH}/roles/:roleId/permissions`,
    {
      config: { access },
      schema: {
        tags: ['Roles'],
        summary: "A role's permission links",
        params: z.object({ tenantId: EntityId, roleId: EntityId }),
        response: { 200: z.array(RolePermissionMapRecord), 404: ErrorBody },
      },
    },
    async (request) => {
      const { tenantId, roleId } = request.params;
      if (!(await context.repositories.roles.inTenant(tenantId).get(roleId)))
        throw CommonErrors.notFound('Role', roleId);
      return context.repositories.rolePermissionMaps.inTenant(tenantId).find({ roleId });
    },
  );
};
