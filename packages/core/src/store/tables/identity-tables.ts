import { type OperationType, PermissionType, type ResourceType } from '@tempo/contracts';
import { col, table } from '../table-model.ts';
import { audited } from './common-columns.ts';

/** `accounts`: optional grouping of tenants. */
export const accounts = table('accounts', {
  id: col.id(),
  name: col.text().default('default'),
  additionalData: col.longText().nullable(),
  ...audited,
});

/**
 * `administrators`: global system administrators. `passwordHash` is a salted scrypt hash of the
 * password's SHA-256 form (the spec's `password_sha256` is never stored as such). `tokenVersion`
 * is written into every token issued; raising it (password change, deactivation, revoke) makes
 * all earlier tokens invalid.
 */
export const administrators = table(
  'administrators',
  {
    id: col.id(),
    accountId: col.id().nullable(),
    firstName: col.text().default(''),
    lastName: col.text().default(''),
    email: col.text(),
    passwordHash: col.text(),
    tokenVersion: col.int().default(0),
    telephone: col.text().nullable(),
    ...audited,
  },
  { unique: [['email']] },
);

/** `tenants`. */
export const tenants = table('tenants', {
  id: col.id(),
  accountId: col.id().nullable(),
  name: col.text().default('default'),
  region: col.text().nullable(),
  ...audited,
});

/** `users`: people of one tenant; `passwordHash` and `tokenVersion` as for administrators. */
export const users = table(
  'users',
  {
    id: col.id(),
    tenantId: col.id(),
    firstName: col.text().default(''),
    lastName: col.text().default(''),
    email: col.text(),
    passwordHash: col.text(),
    tokenVersion: col.int().default(0),
    isAdmin: col.bool().default(false),
    isTenantAdmin: col.bool().default(false),
    ...audited,
  },
  { unique: [['tenantId', 'email']] },
);

/**
 * `credentials`: API key pairs. Keys are stored as SHA-256 hashes (looked up by hash) with a
 * short display hint; the full keys are shown once, when created.
 */
export const credentials = table(
  'credentials',
  {
    id: col.id(),
    tenantId: col.id(),
    userId: col.id(),
    name: col.text().default('default'),
    accessKeySha256: col.text(64),
    accessKeyHint: col.text(32),
    secretKeySha256: col.text(64),
    ...audited,
  },
  { unique: [['accessKeySha256']], indexes: [['tenantId', 'userId']] },
);

/** `roles`. */
export const roles = table(
  'roles',
  {
    id: col.id(),
    tenantId: col.id(),
    name: col.text(),
    description: col.text(1000).nullable(),
    ...audited,
  },
  { unique: [['tenantId', 'name']] },
);

/** `permissions`: resource and operation lists are JSON text. */
export const permissions = table(
  'permissions',
  {
    id: col.id(),
    tenantId: col.id(),
    name: col.text().default('permission'),
    resourceTypes: col.json<ResourceType[]>().default(() => ['All']),
    operationTypes: col.json<OperationType[]>().default(() => ['All']),
    permissionType: col.enumText(PermissionType.options).default('Permit'),
    ...audited,
  },
  { indexes: [['tenantId', 'name']] },
);

/** `user_role_maps`. */
export const userRoleMaps = table(
  'user_role_maps',
  { id: col.id(), tenantId: col.id(), userId: col.id(), roleId: col.id(), ...audited },
  {
    indexes: [
      ['tenantId', 'userId'],
      ['tenantId', 'roleId'],
    ],
  },
);

/** `role_permission_maps`. */
export const rolePermissionMaps = table(
  'role_permission_maps',
  { id: col.id(), tenantId: col.id(), roleId: col.id(), permissionId: col.id(), ...audited },
  {
    indexes: [
      ['tenantId', 'roleId'],
      ['tenantId', 'permissionId'],
    ],
  },
);
