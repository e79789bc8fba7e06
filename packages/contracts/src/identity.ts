import { z } from 'zod';
import { auditedFields, EntityId } from './common.ts';
import { OperationType, PermissionType, ResourceType } from './enums.ts';

/** An optional grouping of tenants. Admin-only. */
export const AccountRecord = z.object({
  id: EntityId,
  /** Display name; default `default`. */
  name: z.string(),
  /** Opaque JSON text kept for the caller. */
  additionalData: z.string().nullable(),
  ...auditedFields,
});
export type AccountRecord = z.infer<typeof AccountRecord>;

/** A global system administrator. `passwordSha256` is never served: responses carry `****`. */
export const AdministratorRecord = z.object({
  id: EntityId,
  accountId: z.string().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  /** Globally unique, stored lower-cased. */
  email: z.string(),
  passwordSha256: z.string(),
  telephone: z.string().nullable(),
  ...auditedFields,
});
export type AdministratorRecord = z.infer<typeof AdministratorRecord>;

/** An isolated space of users, definitions and runs. */
export const TenantRecord = z.object({
  id: EntityId,
  accountId: z.string().nullable(),
  name: z.string(),
  /** Free-form region tag such as `us-east-1`. */
  region: z.string().nullable(),
  ...auditedFields,
});
export type TenantRecord = z.infer<typeof TenantRecord>;

/** A person who signs in to one tenant. `passwordSha256` is served as `****`. */
export const UserRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  firstName: z.string(),
  lastName: z.string(),
  /** Unique within the tenant. */
  email: z.string(),
  passwordSha256: z.string(),
  /** Global system administrator rights. */
  isAdmin: z.boolean(),
  /** Full access inside the own tenant; role checks are skipped. */
  isTenantAdmin: z.boolean(),
  ...auditedFields,
});
export type UserRecord = z.infer<typeof UserRecord>;

/**
 * An API key pair bound to a user. The access key authenticates on its own; both keys are shown
 * in full only in the response that creates them, and served as `****` afterwards.
 */
export const CredentialRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  userId: EntityId,
  name: z.string(),
  accessKey: z.string(),
  secretKey: z.string(),
  ...auditedFields,
});
export type CredentialRecord = z.infer<typeof CredentialRecord>;

/** A named set of permissions inside a tenant. */
export const RoleRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  /** Unique within the tenant. */
  name: z.string(),
  description: z.string().nullable(),
  ...auditedFields,
});
export type RoleRecord = z.infer<typeof RoleRecord>;

/** A grant (or explicit denial) of operations on resource types. */
export const PermissionRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  name: z.string(),
  /** Resource types covered; default `["All"]`. */
  resourceTypes: z.array(ResourceType),
  /** Operations covered; default `["All"]`. */
  operationTypes: z.array(OperationType),
  /** `Permit` or `Deny`; default `Permit`. */
  permissionType: PermissionType,
  ...auditedFields,
});
export type PermissionRecord = z.infer<typeof PermissionRecord>;

/** Assignment of a role to a user. */
export const UserRoleMapRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  userId: EntityId,
  roleId: EntityId,
  ...auditedFields,
});
export type UserRoleMapRecord = z.infer<typeof UserRoleMapRecord>;

/** Attachment of a permission to a role. */
export const RolePermissionMapRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  roleId: EntityId,
  permissionId: EntityId,
  ...auditedFields,
});
export type RolePermissionMapRecord = z.infer<typeof RolePermissionMapRecord>;
