import { type AuditAction, REDACTED } from '@tempo/contracts';
import type { Repositories } from '@tempo/core/store';

/** What the audit hook knows of an answered request, for the detail of its event. */
export interface AuditedRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** The validated request body (never stored as such: details pick named, non-secret fields). */
  readonly body: unknown;
  /** The answer's JSON body, when the route's entry reads it; otherwise undefined. */
  readonly answer: unknown;
  /** What {@link AuditedRoute.before} loaded before the handler ran; undefined when nothing. */
  readonly before: Readonly<Record<string, unknown>> | undefined;
}

/** How one mutating route is audited. */
export interface AuditedRoute {
  readonly action: AuditAction;
  readonly targetType: string;
  /**
   * Where the target's id is: `path` (the `id` path parameter, or `targetParam`), `created`
   * (the `id` of the record in the answer), `caller` (the actor itself) or `none`.
   */
  readonly target: 'path' | 'created' | 'caller' | 'none';
  readonly targetParam?: string;
  /** The target is a tenant: the event belongs to that tenant. */
  readonly targetIsTenant?: boolean;
  /** Whether the answer's JSON body is needed (created ids, details taken from the record). */
  readonly readsAnswer?: boolean;
  /** Loads the state the detail compares with, before the handler changes it (one read). */
  readonly before?: (
    repositories: Repositories,
    params: Readonly<Record<string, string | undefined>>,
  ) => Promise<Record<string, unknown> | null>;
  /** A few facts about the change; never a password, key, token or body copied whole. */
  readonly detail?: (request: AuditedRequest) => Record<string, unknown>;
}

type Fields = Readonly<Record<string, unknown>>;

const asFields = (value: unknown): Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)
    ? (value as Fields)
    : {};

/** Picks named fields of a record; only fields that are no secret are ever named here. */
const pick = (value: unknown, names: readonly string[]): Record<string, unknown> => {
  const fields = asFields(value);
  return Object.fromEntries(names.filter((name) => name in fields).map((name) => [name, fields[name]]));
};

/**
 * The names of the fields a body sent (never their values), sorted, a password named as
 * `password` only when it changes one: `****`, as served, keeps it.
 */
const fieldsSent = (body: unknown): Record<string, unknown> => {
  const fields = asFields(body);
  const names = Object.keys(fields).filter(
    (name) => fields[name] !== undefined && !(name === 'passwordSha256' && fields[name] === REDACTED),
  );
  return { fields: names.map((name) => (name === 'passwordSha256' ? 'password' : name)).sort() };
};

/** Flags whose change is a change of privilege or access. */
const ACCESS_FLAGS = ['isAdmin', 'isTenantAdmin', 'active'] as const;

/** The access flags that differ between the state before and the record answered after. */
const changedFlags = (request: AuditedRequest): Record<string, unknown> => {
  const before = request.before ?? {};
  const after = asFields(request.answer);
  const changed: Record<string, unknown> = {};
  for (const flag of ACCESS_FLAGS)
    if (flag in before && flag in after && before[flag] !== after[flag])
      changed[flag] = { from: before[flag], to: after[flag] };
  return Object.keys(changed).length === 0 ? {} : { changed };
};

const updateDetail = (request: AuditedRequest) => ({ ...fieldsSent(request.body), ...changedFlags(request) });

const bulkDetail = (request: AuditedRequest) => ({
  ids: asFields(request.body).ids,
  ...pick(request.answer, ['deletedCount', 'skippedProtected', 'skippedInUse']),
});

const userFlags = async (repositories: Repositories, params: Fields) => {
  const user = await repositories.users.inTenant(String(params.tenantId ?? '')).get(String(params.id ?? ''));
  return user ? pick(user, ['email', ...ACCESS_FLAGS]) : null;
};

/** The links a delete removes, read before they are gone, so the event says what was revoked. */
const linkOf =
  (table: 'userRoleMaps' | 'rolePermissionMaps' | 'credentials', names: readonly string[]) =>
  async (repositories: Repositories, params: Fields) => {
    const row = await repositories[table]
      .inTenant(String(params.tenantId ?? ''))
      .get(String(params.id ?? ''));
    return row ? pick(row, names) : null;
  };

const T = '/v1.0/tenants/:tenantId';

/** An update: the names of the fields sent, never their values. */
const updated = (action: AuditAction, targetType: string): AuditedRoute => ({
  action,
  targetType,
  target: 'path',
  detail: (request) => fieldsSent(request.body),
});

/** Standard audit entries of a resource's create, update and delete routes. */
const crud = (
  path: string,
  targetType: string,
  actions: { readonly create: AuditAction; readonly update: AuditAction; readonly delete: AuditAction },
  details: Partial<Record<'create' | 'update' | 'delete', Partial<AuditedRoute>>> = {},
): Record<string, AuditedRoute> => ({
  [`POST ${path}`]: {
    action: actions.create,
    targetType,
    target: 'created',
    readsAnswer: true,
    ...details.create,
  },
  [`PUT ${path}/:id`]: { ...updated(actions.update, targetType), ...details.update },
  [`DELETE ${path}/:id`]: { action: actions.delete, targetType, target: 'path', ...details.delete },
});

const deleted = (action: AuditAction, targetType: string): AuditedRoute => ({
  action,
  targetType,
  target: 'path',
});

const bulkDeleted = (action: AuditAction, targetType: string): AuditedRoute => ({
  action,
  targetType,
  target: 'none',
  readsAnswer: true,
  detail: bulkDetail,
});

const permissionFields = ['name', 'permissionType', 'resourceTypes', 'operationTypes', 'active'];

/**
 * The audited routes, by `METHOD url` as Fastify registers them. Only what changes who may do
 * what, what code runs, or what is deleted: reads, trigger calls and run starts are not here
 * (the trigger path must stay as fast as it is), nor sign-ins, which the sign-in code records.
 */
export const AUDITED_ROUTES: Readonly<Record<string, AuditedRoute>> = {
  'POST /v1.0/token/revoke': { action: 'TokenRevoked', targetType: 'Principal', target: 'caller' },

  ...crud('/v1.0/accounts', 'Account', {
    create: 'AccountCreated',
    update: 'AccountUpdated',
    delete: 'AccountDeleted',
  }),
  ...crud(
    '/v1.0/admins',
    'Administrator',
    { create: 'AdministratorCreated', update: 'AdministratorUpdated', delete: 'AdministratorDeleted' },
    {
      create: { detail: (request) => pick(request.answer, ['email', 'active']) },
      update: {
        readsAnswer: true,
        before: async (repositories, params) => {
          const admin = await repositories.administrators.get(String(params.id ?? ''));
          return admin ? pick(admin, ['email', 'active']) : null;
        },
        detail: updateDetail,
      },
    },
  ),
  ...crud(
    '/v1.0/tenants',
    'Tenant',
    { create: 'TenantCreated', update: 'TenantUpdated', delete: 'TenantDeleted' },
    {
      create: { targetIsTenant: true, detail: (request) => pick(request.answer, ['name']) },
      update: { targetIsTenant: true },
      delete: { targetIsTenant: true },
    },
  ),
  ...crud(
    `${T}/users`,
    'User',
    { create: 'UserCreated', update: 'UserUpdated', delete: 'UserDeleted' },
    {
      create: { detail: (request) => pick(request.answer, ['email', ...ACCESS_FLAGS]) },
      update: { readsAnswer: true, before: userFlags, detail: updateDetail },
      delete: { before: userFlags, detail: (request) => pick(request.before, ['email']) },
    },
  ),
  ...crud(
    `${T}/credentials`,
    'Credential',
    { create: 'CredentialCreated', update: 'CredentialUpdated', delete: 'CredentialDeleted' },
    {
      // The answer holds both keys in full: only the owner and the name are taken from it.
      create: { detail: (request) => pick(request.answer, ['userId', 'name']) },
      delete: {
        before: linkOf('credentials', ['userId', 'name']),
        detail: (request) => pick(request.before, ['userId', 'name']),
      },
    },
  ),
  ...crud(
    `${T}/roles`,
    'Role',
    { create: 'RoleCreated', update: 'RoleChanged', delete: 'RoleDeleted' },
    { create: { detail: (request) => pick(request.answer, ['name']) } },
  ),
  ...crud(
    `${T}/permissions`,
    'Permission',
    { create: 'PermissionCreated', update: 'PermissionChanged', delete: 'PermissionDeleted' },
    {
      create: { detail: (request) => pick(request.answer, permissionFields) },
      update: {
        readsAnswer: true,
        detail: (request) => ({ ...fieldsSent(request.body), now: pick(request.answer, permissionFields) }),
      },
    },
  ),
  ...crud(
    `${T}/user-role-maps`,
    'UserRoleMap',
    { create: 'UserRoleGranted', update: 'UserRoleChanged', delete: 'UserRoleRevoked' },
    {
      create: { detail: (request) => pick(request.answer, ['userId', 'roleId']) },
      update: {
        readsAnswer: true,
        detail: (request) => ({ ...fieldsSent(request.body), ...pick(request.answer, ['userId', 'roleId']) }),
      },
      delete: {
        before: linkOf('userRoleMaps', ['userId', 'roleId']),
        detail: (request) => pick(request.before, ['userId', 'roleId']),
      },
    },
  ),
  ...crud(
    `${T}/role-permission-maps`,
    'RolePermissionMap',
    { create: 'RolePermissionGranted', update: 'RolePermissionChanged', delete: 'RolePermissionRevoked' },
    {
      create: { detail: (request) => pick(request.answer, ['roleId', 'permissionId']) },
      update: {
        readsAnswer: true,
        detail: (request) => ({
          ...fieldsSent(request.body),
          ...pick(request.answer, ['roleId', 'permissionId']),
        }),
      },
      delete: {
        before: linkOf('rolePermissionMaps', ['roleId', 'permissionId']),
        detail: (request) => pick(request.before, ['roleId', 'permissionId']),
      },
    },
  ),

  [`POST ${T}/steps/source`]: {
    action: 'SourceStepCreated',
    targetType: 'Step',
    target: 'none',
    readsAnswer: true,
    detail: (request) => {
      const answer = asFields(request.answer);
      return {
        stepId: asFields(answer.step).id,
        artifactId: asFields(answer.artifact).id,
        ...pick(request.body, ['language']),
      };
    },
  },
  [`POST ${T}/artifacts/:id/versions`]: {
    action: 'ArtifactVersionCreated',
    targetType: 'Artifact',
    target: 'path',
    detail: (request) => pick(request.query, ['version']),
  },
  [`DELETE ${T}/artifacts/:id/versions/:version`]: {
    action: 'ArtifactVersionDeleted',
    targetType: 'Artifact',
    target: 'path',
    detail: (request) => pick(request.params, ['version']),
  },
  [`PUT ${T}/artifacts/:id/files/content`]: {
    action: 'ArtifactFileChanged',
    targetType: 'Artifact',
    target: 'path',
    detail: (request) => pick(request.query, ['path']),
  },
  [`DELETE ${T}/artifacts/:id/files/content`]: {
    action: 'ArtifactFileDeleted',
    targetType: 'Artifact',
    target: 'path',
    detail: (request) => pick(request.query, ['path']),
  },
  [`DELETE ${T}/artifacts/:id`]: deleted('ArtifactDeleted', 'Artifact'),
  // What a step or flow calls, and with which stored credentials, changes through these.
  [`PUT ${T}/steps/:id`]: updated('StepUpdated', 'Step'),
  [`PUT ${T}/flows/:id`]: updated('FlowUpdated', 'DataFlow'),
  [`DELETE ${T}/steps/:id`]: deleted('StepDeleted', 'Step'),
  [`POST ${T}/steps/bulk-delete`]: bulkDeleted('StepDeleted', 'Step'),
  [`DELETE ${T}/flows/:id`]: deleted('FlowDeleted', 'DataFlow'),
  [`POST ${T}/flows/bulk-delete`]: bulkDeleted('FlowDeleted', 'DataFlow'),
  [`DELETE ${T}/triggers/:id`]: deleted('TriggerDeleted', 'Trigger'),
  [`POST ${T}/triggers/bulk-delete`]: bulkDeleted('TriggerDeleted', 'Trigger'),
  [`DELETE ${T}/runs/:id`]: deleted('RunDeleted', 'FlowRun'),
  [`POST ${T}/runs/bulk-delete`]: bulkDeleted('RunDeleted', 'FlowRun'),
  'POST /v1.0/migrations/inline-rest': {
    action: 'InlineRestMigrated',
    targetType: 'DataFlow',
    target: 'none',
    readsAnswer: true,
    detail: (request) => ({
      ...pick(request.body, ['tenantId', 'flowId']),
      ...pick(request.answer, ['flowsUpdated', 'stepsCreated']),
    }),
  },
  // The names of the settings that changed and the warnings, never a value (secrets are settings).
  'PUT /v1.0/settings': {
    action: 'SettingsUpdated',
    targetType: 'Settings',
    target: 'none',
    readsAnswer: true,
    detail: (request) => pick(request.answer, ['changedFields', 'rebootRequired', 'warnings']),
  },
  'DELETE /v1.0/logs/files/content': {
    action: 'LogFileDeleted',
    targetType: 'LogFile',
    target: 'none',
    readsAnswer: true,
    detail: (request) => pick(request.answer, ['sourceKind', 'sourceId', 'path', 'deleteMode']),
  },
};
