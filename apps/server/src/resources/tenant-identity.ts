import {
  CommonErrors,
  CreateCredentialRequest,
  CreatePermissionRequest,
  CreateRoleRequest,
  CreateUserRequest,
  CredentialRecord,
  PermissionRecord,
  REDACTED,
  RoleRecord,
  UpdateCredentialRequest,
  UpdatePermissionRequest,
  UpdateRoleRequest,
  UpdateUserRequest,
  UserRecord,
} from '@tempo/contracts';
import { hashPassword, issueCredentialKeys } from '@tempo/core/auth';
import { newId } from '@tempo/core/ids';
import type { RowOf, Tables } from '@tempo/core/store';
import { tokenRevocation } from '../services/token-service.ts';
import { tenantAccess } from './access.ts';
import type { CrudResource } from './crud-routes.ts';
import {
  guardFlags,
  guardManageUser,
  guardPermission,
  guardProtectedEdit,
  guardProtectedPermission,
  guardRole,
  tenantUser,
} from './identity-guards.ts';
import { passwordPatch } from './password-patch.ts';

type T = typeof Tables;
const TENANT_PATH = '/v1.0/tenants/:tenantId';

const userRecord = ({
  passwordHash: _hash,
  tokenVersion: _version,
  ...row
}: RowOf<T['users']>): UserRecord => ({
  ...row,
  passwordSha256: REDACTED,
});

/** Users of a tenant; passwords are stored hashed and served as `****`. */
export const userResource: CrudResource<
  T['users'],
  'tenantId',
  UserRecord,
  CreateUserRequest,
  UpdateUserRequest
> = {
  name: 'User',
  tag: 'Users',
  path: `${TENANT_PATH}/users`,
  access: tenantAccess('User'),
  repository: (context, tenantId) => context.repositories.users.inTenant(tenantId ?? ''),
  record: UserRecord,
  toRecord: userRecord,
  createBody: CreateUserRequest,
  create: async (scope, { passwordSha256, ...body }) => {
    guardFlags(scope, null, body);
    const { repository } = scope;
    return userRecord(
      await repository.create({
        ...body,
        id: newId('user'),
        passwordHash: await hashPassword(passwordSha256),
      }),
    );
  },
  updateBody: UpdateUserRequest,
  update: async (scope, existing, { passwordSha256, ...body }) => {
    // Any change to another user (its password or email above all) is acting for that user.
    await guardManageUser(scope, existing, { needsUserUpdate: true });
    guardFlags(scope, existing, body);
    const password = await passwordPatch(passwordSha256);
    const change = { ...body, ...password, ...tokenRevocation(existing, { ...body, ...password }) };
    return (await scope.repository.update(existing.id, change)) ?? existing;
  },
  guardDelete: async (scope, row) => {
    const { principal } = scope;
    if (principal.kind === 'user' && principal.userId === row.id)
      return 'the caller (a user cannot delete itself)';
    await guardManageUser(scope, row, { needsUserUpdate: false });
    return null;
  },
  cascade: async ({ context, tenantId }, row) => {
    await context.repositories.credentials.inTenant(tenantId ?? '').deleteWhere({ userId: row.id });
    await context.repositories.userRoleMaps.inTenant(tenantId ?? '').deleteWhere({ userId: row.id });
  },
};

/** A credential as served after creation: the access key's first characters only, no secret. */
const credentialRecord = ({
  accessKeySha256: _a,
  secretKeySha256: _s,
  accessKeyHint,
  ...row
}: RowOf<T['credentials']>): CredentialRecord => ({
  ...row,
  accessKey: `${accessKeyHint}${REDACTED}`,
  secretKey: REDACTED,
});

/** Credentials (access/secret key pairs); both keys are shown in full once, in the create answer. */
export const credentialResource: CrudResource<
  T['credentials'],
  'tenantId',
  CredentialRecord,
  CreateCredentialRequest,
  UpdateCredentialRequest
> = {
  name: 'Credential',
  tag: 'Credentials',
  path: `${TENANT_PATH}/credentials`,
  access: tenantAccess('Credential'),
  repository: (context, tenantId) => context.repositories.credentials.inTenant(tenantId ?? ''),
  record: CredentialRecord,
  toRecord: credentialRecord,
  createBody: CreateCredentialRequest,
  create: async (scope, { userId, ...body }) => {
    const { repository, principal, tenantId, context } = scope;
    const ownerId =
      userId ?? (principal.kind === 'user' && principal.tenantId === tenantId ? principal.userId : null);
    if (!ownerId) throw CommonErrors.badRequest('userId required.');
    // A credential signs in as its owner: creating one for someone else is acting for them.
    await guardManageUser(scope, await tenantUser(scope, ownerId), { needsUserUpdate: true });
    guardFlags(scope, null, body);
    const { accessKey, secretKey, ...stored } = issueCredentialKeys(context.settings.auth.credentialHashKey);
    const row = await repository.create({
      ...body,
      id: newId('credential'),
      userId: ownerId,
      ...stored,
    });
    return { ...credentialRecord(row), accessKey, secretKey };
  },
  updateBody: UpdateCredentialRequest,
  update: async (scope, existing, body) => {
    await guardManageUser(scope, await tenantUser(scope, existing.userId), { needsUserUpdate: true });
    guardFlags(scope, existing, body);
    return (await scope.repository.update(existing.id, body)) ?? existing;
  },
  guardDelete: async (scope, row) => {
    await guardManageUser(scope, await tenantUser(scope, row.userId), { needsUserUpdate: true });
    return null;
  },
};

/** Roles of a tenant; deleting one removes its links. */
export const roleResource: CrudResource<
  T['roles'],
  'tenantId',
  RoleRecord,
  CreateRoleRequest,
  UpdateRoleRequest
> = {
  name: 'Role',
  tag: 'Roles',
  path: `${TENANT_PATH}/roles`,
  access: tenantAccess('Role'),
  repository: (context, tenantId) => context.repositories.roles.inTenant(tenantId ?? ''),
  record: RoleRecord,
  toRecord: (row) => row,
  createBody: CreateRoleRequest,
  create: async (scope, body) => {
    guardFlags(scope, null, body);
    return scope.repository.create({ ...body, id: newId('role'), description: body.description ?? null });
  },
  updateBody: UpdateRoleRequest,
  update: async (scope, existing, body) => {
    guardProtectedEdit(scope, existing);
    // Switching a role off or on changes what its holders may do, like editing its permissions.
    await guardRole(scope, existing.id);
    guardFlags(scope, existing, body);
    return (await scope.repository.update(existing.id, body)) ?? existing;
  },
  guardDelete: async (scope, row) => {
    await guardRole(scope, row.id);
    return null;
  },
  cascade: async ({ context, tenantId }, row) => {
    await context.repositories.userRoleMaps.inTenant(tenantId ?? '').deleteWhere({ roleId: row.id });
    await context.repositories.rolePermissionMaps.inTenant(tenantId ?? '').deleteWhere({ roleId: row.id });
  },
};

/** Permissions of a tenant; deleting one removes its links. */
export const permissionResource: CrudResource<
  T['permissions'],
  'tenantId',
  PermissionRecord,
  CreatePermissionRequest,
  UpdatePermissionRequest
> = {
  name: 'Permission',
  tag: 'Permissions',
  path: `${TENANT_PATH}/permissions`,
  access: tenantAccess('Permission'),
  repository: (context, tenantId) => context.repositories.permissions.inTenant(tenantId ?? ''),
  record: PermissionRecord,
  toRecord: (row) => row,
  createBody: CreatePermissionRequest,
  create: async (scope, body) => {
    await guardPermission(scope, body);
    guardFlags(scope, null, body);
    return scope.repository.create({ ...body, id: newId('permission') });
  },
  updateBody: UpdatePermissionRequest,
  update: async (scope, existing, body) => {
    await guardProtectedPermission(scope, existing);
    // Both what the permission grants now and what it will grant must be within the caller's reach.
    await guardPermission(scope, existing);
    await guardPermission(scope, { ...existing, ...body });
    guardFlags(scope, existing, body);
    return (await scope.repository.update(existing.id, body)) ?? existing;
  },
  guardDelete: async (scope, row) => {
    await guardProtectedPermission(scope, row);
    await guardPermission(scope, row);
    return null;
  },
  cascade: async ({ context, tenantId }, row) => {
    await context.repositories.rolePermissionMaps
      .inTenant(tenantId ?? '')
      .deleteWhere({ permissionId: row.id });
  },
};
