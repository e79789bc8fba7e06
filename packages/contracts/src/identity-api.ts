import { z } from 'zod';
import { EntityId, updateOf } from './common.ts';
import { OperationType, PermissionType, ResourceType } from './enums.ts';

// Create and update bodies. Unknown fields are dropped, not refused: Tempo clients send whole
// records back on PUT, server fields (id, createdUtc, ...) included.

const name = z.string().trim().min(1, 'must not be blank').max(255);
const optionalText = (max: number) => z.string().max(max).nullish();
const email = z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(255));
/** A password as clients send it: plain, or its SHA-256 hex (any 64-hex value is taken as one). */
const password = z.string().min(1, 'must not be empty').max(1024);
const flags = { active: z.boolean().optional(), isProtected: z.boolean().optional() };

/** `POST /v1.0/accounts`. */
export const CreateAccountRequest = z.object({
  name: name.default('default'),
  additionalData: optionalText(65_536),
  ...flags,
});
export type CreateAccountRequest = z.infer<typeof CreateAccountRequest>;
/** `PUT /v1.0/accounts/{id}`: omitted fields keep their value. */
export const UpdateAccountRequest = updateOf(CreateAccountRequest);
export type UpdateAccountRequest = z.infer<typeof UpdateAccountRequest>;

/** `POST /v1.0/admins`; `passwordSha256` may be the plain password. */
export const CreateAdministratorRequest = z.object({
  accountId: EntityId.nullish(),
  firstName: z.string().max(255).default(''),
  lastName: z.string().max(255).default(''),
  email,
  passwordSha256: password,
  telephone: optionalText(64),
  ...flags,
});
export type CreateAdministratorRequest = z.infer<typeof CreateAdministratorRequest>;
/** `PUT /v1.0/admins/{id}`; a `passwordSha256` of `****` (as served) keeps the password. */
export const UpdateAdministratorRequest = updateOf(CreateAdministratorRequest);
export type UpdateAdministratorRequest = z.infer<typeof UpdateAdministratorRequest>;

/** `POST /v1.0/tenants`. */
export const CreateTenantRequest = z.object({
  accountId: EntityId.nullish(),
  name: name.default('default'),
  region: optionalText(128),
  ...flags,
});
export type CreateTenantRequest = z.infer<typeof CreateTenantRequest>;
/** `PUT /v1.0/tenants/{id}`. */
export const UpdateTenantRequest = updateOf(CreateTenantRequest);
export type UpdateTenantRequest = z.infer<typeof UpdateTenantRequest>;

/** `POST /v1.0/tenants/{tenantId}/users`; `passwordSha256` may be the plain password. */
export const CreateUserRequest = z.object({
  firstName: z.string().max(255).default(''),
  lastName: z.string().max(255).default(''),
  email,
  passwordSha256: password,
  /** Global administrator rights; only administrators may grant them. */
  isAdmin: z.boolean().default(false),
  isTenantAdmin: z.boolean().default(false),
  ...flags,
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;
/** `PUT /v1.0/tenants/{tenantId}/users/{id}`; a `passwordSha256` of `****` keeps the password. */
export const UpdateUserRequest = updateOf(CreateUserRequest);
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

/** `POST .../credentials`: keys are generated; `userId` defaults to the caller. */
export const CreateCredentialRequest = z.object({
  userId: EntityId.nullish(),
  name: name.default('default'),
  ...flags,
});
export type CreateCredentialRequest = z.infer<typeof CreateCredentialRequest>;
/** `PUT .../credentials/{id}`: keys never change. */
export const UpdateCredentialRequest = z.object({ name: name.optional(), ...flags });
export type UpdateCredentialRequest = z.infer<typeof UpdateCredentialRequest>;
/** `POST .../roles`. */
export const CreateRoleRequest = z.object({ name, description: optionalText(1000), ...flags });
export type CreateRoleRequest = z.infer<typeof CreateRoleRequest>;
/** `PUT .../roles/{id}`. */
export const UpdateRoleRequest = updateOf(CreateRoleRequest);
export type UpdateRoleRequest = z.infer<typeof UpdateRoleRequest>;

/** `POST .../permissions`. */
export const CreatePermissionRequest = z.object({
  name: name.default('permission'),
  resourceTypes: z.array(ResourceType).min(1).default(['All']),
  operationTypes: z.array(OperationType).min(1).default(['All']),
  permissionType: PermissionType.default('Permit'),
  ...flags,
});
export type CreatePermissionRequest = z.infer<typeof CreatePermissionRequest>;
/** `PUT .../permissions/{id}`. */
export const UpdatePermissionRequest = updateOf(CreatePermissionRequest);
export type UpdatePermissionRequest = z.infer<typeof UpdatePermissionRequest>;

/** `POST .../user-role-maps`. */
export const CreateUserRoleMapRequest = z.object({ userId: EntityId, roleId: EntityId, ...flags });
export type CreateUserRoleMapRequest = z.infer<typeof CreateUserRoleMapRequest>;

/** `POST .../role-permission-maps`. */
export const CreateRolePermissionMapRequest = z.object({
  roleId: EntityId,
  permissionId: EntityId,
  ...flags,
});
export type CreateRolePermissionMapRequest = z.infer<typeof CreateRolePermissionMapRequest>;

/** `PUT .../user-role-maps/{id}` and `PUT .../role-permission-maps/{id}`. */
export const UpdateRoleMapRequest = z.object(flags);
export type UpdateRoleMapRequest = z.infer<typeof UpdateRoleMapRequest>;

/** The value served in place of every stored secret. */
export const REDACTED = '****';
