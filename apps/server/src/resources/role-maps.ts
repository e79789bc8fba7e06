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
import type { Tables } from '@tempo/core/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUTHENTICATED } from '../http/openapi.ts';
import type { ServerContext } from '../server-context.ts';
import { tenantAccess } from './access.ts';
import type { CrudResource } from './crud-routes.ts';

type T = typeof Tables;
const TENANT_PATH = '/v1.0/tenants/:tenantId';

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
  create: async ({ repository, context, tenantId }, body) => {
    const tenant = tenantId ?? '';
    if (!(await context.repositories.users.inTenant(tenant).get(body.userId)))
      throw CommonErrors.notFound('User', body.userId);
    if (!(await context.repositories.roles.inTenant(tenant).get(body.roleId)))
      throw CommonErrors.notFound('Role', body.roleId);
    const existing = await repository.findOne({ userId: body.userId, roleId: body.roleId });
    if (existing) throw CommonErrors.conflict('The user already has this role.', { id: existing.id });
    return repository.create({ ...body, id: newId('userRoleMap') });
  },
  updateBody: UpdateRoleMapRequest,
  update: async ({ repository }, existing, body) => (await repository.update(existing.id, body)) ?? existing,
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
  create: async ({ repository, context, tenantId }, body) => {
    const tenant = tenantId ?? '';
    if (!(await context.repositories.roles.inTenant(tenant).get(body.roleId)))
      throw CommonErrors.notFound('Role', body.roleId);
    if (!(await context.repositories.permissions.inTenant(tenant).get(body.permissionId))) {
      throw CommonErrors.notFound('Permission', body.permissionId);
    }
    const existing = await repository.findOne({ roleId: body.roleId, permissionId: body.permissionId });
    if (existing) throw CommonErrors.conflict('The role already has this permission.', { id: existing.id });
    return repository.create({ ...body, id: newId('rolePermissionMap') });
  },
  updateBody: UpdateRoleMapRequest,
  update: async ({ repository }, existing, body) => (await repository.update(existing.id, body)) ?? existing,
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
        security: AUTHENTICATED,
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
        security: AUTHENTICATED,
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
