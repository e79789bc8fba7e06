import {
  AccountRecord,
  AdministratorRecord,
  CreateAccountRequest,
  CreateAdministratorRequest,
  CreateTenantRequest,
  REDACTED,
  TenantRecord,
  UpdateAccountRequest,
  UpdateAdministratorRequest,
  UpdateTenantRequest,
} from '@tempo/contracts';
import { hashPassword } from '@tempo/core/auth';
import { newId } from '@tempo/core/ids';
import { ensureRbacDefaults } from '@tempo/core/seeding';
import type { RowOf, Tables } from '@tempo/core/store';
import { isSystemAdmin } from '../auth/principal.ts';
import { revokeTenantTokens, tokenRevocation } from '../services/token-service.ts';
import { adminAccess } from './access.ts';
import type { CrudResource } from './crud-routes.ts';
import { passwordPatch } from './password-patch.ts';
import { deleteTenantData } from './tenant-cascade.ts';

type T = typeof Tables;

/** Accounts: admin-only. */
export const accountResource: CrudResource<
  T['accounts'],
  never,
  AccountRecord,
  CreateAccountRequest,
  UpdateAccountRequest
> = {
  name: 'Account',
  tag: 'Accounts',
  path: '/v1.0/accounts',
  access: adminAccess,
  repository: (context) => context.repositories.accounts,
  record: AccountRecord,
  toRecord: (row) => row,
  createBody: CreateAccountRequest,
  create: async ({ repository }, body) =>
    repository.create({ ...body, id: newId('account'), additionalData: body.additionalData ?? null }),
  updateBody: UpdateAccountRequest,
  update: async ({ repository }, existing, body) => (await repository.update(existing.id, body)) ?? existing,
};

const administratorRecord = ({
  passwordHash: _hash,
  tokenVersion: _version,
  ...row
}: RowOf<T['administrators']>): AdministratorRecord => ({
  ...row,
  passwordSha256: REDACTED,
});

/** Administrators: admin-only; passwords are stored hashed and served as `****`. */
export const administratorResource: CrudResource<
  T['administrators'],
  never,
  AdministratorRecord,
  CreateAdministratorRequest,
  UpdateAdministratorRequest
> = {
  name: 'Administrator',
  tag: 'Administrators',
  path: '/v1.0/admins',
  access: adminAccess,
  repository: (context) => context.repositories.administrators,
  record: AdministratorRecord,
  toRecord: administratorRecord,
  createBody: CreateAdministratorRequest,
  create: async ({ repository }, { passwordSha256, ...body }) =>
    administratorRecord(
      await repository.create({
        ...body,
        id: newId('administrator'),
        accountId: body.accountId ?? null,
        telephone: body.telephone ?? null,
        passwordHash: await hashPassword(passwordSha256),
      }),
    ),
  updateBody: UpdateAdministratorRequest,
  update: async ({ repository }, existing, { passwordSha256, ...body }) => {
    const password = await passwordPatch(passwordSha256);
    const change = { ...body, ...password, ...tokenRevocation(existing, { ...body, ...password }) };
    return (await repository.update(existing.id, change)) ?? existing;
  },
  guardDelete: async ({ principal }, row) =>
    principal.kind === 'administrator' && principal.administratorId === row.id
      ? 'the caller (an administrator cannot delete itself)'
      : null,
};

/**
 * Tenants: administrators create, change and delete them; every caller may list (non-admins see
 * only their own) and read the tenant they may act on. A new tenant gets the built-in roles; a
 * deleted one takes everything it holds with it.
 */
export const tenantResource: CrudResource<
  T['tenants'],
  never,
  TenantRecord,
  CreateTenantRequest,
  UpdateTenantRequest
> = {
  name: 'Tenant',
  tag: 'Tenants',
  path: '/v1.0/tenants',
  access: (operation, target) => {
    if (operation !== 'Read') return adminAccess();
    return target === 'collection'
      ? { kind: 'authenticated' }
      : { kind: 'tenant', resource: 'Tenant', operation: 'Read', tenantParam: 'id' };
  },
  repository: (context) => context.repositories.tenants,
  record: TenantRecord,
  toRecord: (row) => row,
  listFilter: ({ principal }) =>
    isSystemAdmin(principal) || principal.kind !== 'user' ? {} : { id: principal.tenantId },
  createBody: CreateTenantRequest,
  create: async ({ repository, context }, body) => {
    const tenant = await repository.create({
      ...body,
      id: newId('tenant'),
      accountId: body.accountId ?? null,
      region: body.region ?? null,
    });
    await ensureRbacDefaults(context.repositories, tenant.id);
    return tenant;
  },
  updateBody: UpdateTenantRequest,
  update: async ({ repository, context }, existing, body) => {
    // Deactivating a tenant ends its users' tokens, as deactivating each user would: otherwise
    // they would work again when the tenant is switched back on.
    if (existing.active && body.active === false) await revokeTenantTokens(context.repositories, existing.id);
    return (await repository.update(existing.id, body)) ?? existing;
  },
  cascade: async ({ context }, row) => deleteTenantData(context, row.id),
};
