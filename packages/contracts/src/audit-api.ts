import { z } from 'zod';
import { EntityId, UtcTimestamp } from './common.ts';
import { PageQuery } from './paging.ts';

/**
 * What an audit event records. The codes are stable: tools filter on them, so a code is never
 * renamed; a new kind of event gets a new code.
 */
export const AuditAction = z.enum([
  // Signing in, by `POST /v1.0/token` or the `x-email`/`x-password` headers, and signing out.
  'SignIn',
  'SignInFailed',
  'SignInThrottled',
  'TokenRevoked',
  // Identities: accounts, administrators, tenants, users and their credentials (access keys).
  'AccountCreated',
  'AccountUpdated',
  'AccountDeleted',
  'AdministratorCreated',
  'AdministratorUpdated',
  'AdministratorDeleted',
  'TenantCreated',
  'TenantUpdated',
  'TenantDeleted',
  'UserCreated',
  'UserUpdated',
  'UserDeleted',
  'CredentialCreated',
  'CredentialUpdated',
  'CredentialDeleted',
  // Roles, permissions and the links that hand them out.
  'RoleCreated',
  'RoleChanged',
  'RoleDeleted',
  'PermissionCreated',
  'PermissionChanged',
  'PermissionDeleted',
  'UserRoleGranted',
  'UserRoleChanged',
  'UserRoleRevoked',
  'RolePermissionGranted',
  'RolePermissionChanged',
  'RolePermissionRevoked',
  // Code that runs, and deletes of definitions and history.
  'SourceStepCreated',
  'ArtifactVersionCreated',
  'ArtifactVersionDeleted',
  'ArtifactFileChanged',
  'ArtifactFileDeleted',
  'ArtifactDeleted',
  'StepUpdated',
  'FlowUpdated',
  'StepDeleted',
  'FlowDeleted',
  'TriggerDeleted',
  'RunDeleted',
  'InlineRestMigrated',
  // Server administration: the settings file and the service logs.
  'SettingsUpdated',
  'LogFileDeleted',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** Who acted: a tenant's user, a global administrator (the admin API key included), or nobody known. */
export const AuditActorKind = z.enum(['User', 'Administrator', 'Anonymous']);
export type AuditActorKind = z.infer<typeof AuditActorKind>;

/**
 * How it ended: `Succeeded` (a 2xx answer), `Denied` (403: the caller may not), `Failed` (a wrong
 * email or password), `Throttled` (a sign-in refused with 429 before any password was checked).
 */
export const AuditOutcome = z.enum(['Succeeded', 'Denied', 'Failed', 'Throttled']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** One audit event. It never holds a password, token, access key or secret. */
export const AuditEventRecord = z.object({
  id: EntityId,
  /** The tenant the event belongs to; null for events of no tenant (accounts, administrators, failed sign-ins). */
  tenantId: z.string().nullable(),
  /** When it happened. */
  occurredUtc: UtcTimestamp,
  actorKind: AuditActorKind,
  /** The user's or administrator's id; null for the admin API key and anonymous callers. */
  actorId: z.string().nullable(),
  /** The actor's email, `admin-api-key`, or for a failed sign-in the email that was tried. */
  actorName: z.string().nullable(),
  /** How the actor authenticated: `token`, `apiKey`, `accessKey` or `password`; null when anonymous. */
  authMethod: z.string().nullable(),
  /** The client address, as `rest.trustedProxies` lets the server see it. */
  sourceIp: z.string().nullable(),
  /** One of {@link AuditAction}'s codes (a newer server may write codes an older one does not know). */
  action: z.string(),
  /** Kind of the record acted on (`User`, `Credential`, ...), or null. */
  targetType: z.string().nullable(),
  /** Id of the record acted on, or null (bulk deletes name theirs in `detail`). */
  targetId: z.string().nullable(),
  outcome: AuditOutcome,
  /** The HTTP status the request was answered with (0 when none applies). */
  statusCode: z.number().int(),
  /** A few facts about the change (flags changed, fields sent, counts), at most 2 KiB as JSON. */
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEventRecord = z.infer<typeof AuditEventRecord>;

/** Filters every audit list takes, with paging; newest events first. */
const auditFilters = {
  action: AuditAction.optional(),
  outcome: AuditOutcome.optional(),
  /** Events of this actor id (a user or administrator). */
  actorId: EntityId.optional(),
  /** Events whose actor name is this email (any case). */
  actorName: z.string().trim().min(1).max(320).optional(),
  /** Events about this record. */
  targetId: EntityId.optional(),
  /** Events at or after this instant. */
  fromUtc: UtcTimestamp.optional(),
  /** Events before this instant. */
  toUtc: UtcTimestamp.optional(),
};

/** `GET /v1.0/tenants/{tenantId}/audit` query. */
export const TenantAuditListQuery = PageQuery.omit({ includeInactive: true }).extend(auditFilters);
export type TenantAuditListQuery = z.infer<typeof TenantAuditListQuery>;

/** `GET /v1.0/audit` query: the tenant filter as well (omitted: every tenant and the global events). */
export const AuditListQuery = TenantAuditListQuery.extend({ tenantId: EntityId.optional() });
export type AuditListQuery = z.infer<typeof AuditListQuery>;
