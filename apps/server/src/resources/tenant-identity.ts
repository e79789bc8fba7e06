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
import { hashPassword, hashSecret } from '@tempo/core/auth';
import { newId } from '@tempo/core/ids';
import type { RowOf, Tables } from '@tempo/core/store';
import { isSystemAdmin, type Principal } from '../auth/principal.ts';
import { tenantAccess } from './access.ts';
import type { CrudResource } from './crud-routes.ts';
import { passwordPatch } from './password-patch.ts';

type T = typeof Tables;
const TENANT_PATH = '/v1.0/tenants/:tenantId';

const userRecord = ({ passwordHash: _hash, ...row }: RowOf<T['users']>): UserRecord => ({
  ...row,
  passwordSha256: REDACTED,
});

/** Only global administrators may make someone a global administrator. */
const guardAdminGrant = (principal: Principal, isAdmin: boolean | undefined): void => {
  if (isAdmin && !isSystemAdmin(principal)) throw CommonErrors.forbidden();
};

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
  create: async ({ repository, principal }, { passwordSha256, ...body }) => {
    guardAdminGrant(principal, body.isAdmin);
    return userRecord(
      await repository.create({
        ...body,
        id: newId('user'),
        passwordHash: await hashPassword(passwordSha256),
      }),
    );
  },
  updateBody: UpdateUserRequest,
  update: async ({ repository, principal }, existing, { passwordSha256, ...body }) => {
    if (body.isAdmin !== undefined && body.isAdmin !== existing.isAdmin) guardAdminGrant(principal, true);
    return (
      (await repository.update(existing.id, { ...body, ...(await passwordPatch(passwordSha256)) })) ??
      existing
    );
  },
  guardDelete: async ({ principal }, row) =>
    principal.kind === 'user' && principal.userId === row.id
      ? 'the caller (a user cannot delete itself)'
      : null,
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
  create: async ({ repository, principal, context, tenantId }, { userId, ...body }) => {
    const ownerId =
      userId ?? (principal.kind === 'user' && principal.tenantId === tenantId ? principal.userId : null);
    if (!ownerId) throw CommonErrors.badRequest('userId required.');
    if (!(await context.repositories.users.inTenant(tenantId ?? '').get(ownerId)))
      throw CommonErrors.notFound('User', ownerId);
    const accessKey = newId('accessKey');
    const secretKey = newId('secretKey');
    const row = await repository.create({
      ...body,
      id: newId('credential'),
      userId: ownerId,
      accessKeySha256: hashSecret(accessKey),
      accessKeyHint: accessKey.slice(0, 12),
      secretKeySha256: hashSecret(secretKey),
    });
    return { ...credentialRecord(row), accessKey, secretKey };
  },
  updateBody: UpdateCredentialRequest,
  update: async ({ repository }, existing, body) => (await repository.update(existing.id, body)) ?? existing,
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
  create: async ({ repository }, body) =>
    repository.create({ ...body, id: newId('role'), description: body.description ?? null }),
  updateBody: UpdateRoleRequest,
  update: async ({ repository }, existing, body) => (await repository.update(existing.id, body)) ?? existing,
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
  create: async ({ repository }, body) => repository.create({ ...body, id: newId('permission') }),
  updateBody: UpdatePermissionRequest,
  update: async ({ repository }, existing, body) => (await repository.update(existing.id, body)) ?? existing,
  cascade: async ({ context, tenantId }, row) => {
    await context.repositories.rolePermissionMaps
      .inTenant(tenantId ?? '')
      .deleteWhere({ permissionId: row.id });
  },
};
