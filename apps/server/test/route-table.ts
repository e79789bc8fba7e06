import { buildOpenApiDocument } from '../src/index.ts';
import {
  type GlobalSubjects,
  SUBJECT_FILE,
  SUBJECT_VERSION,
  type Subjects,
  uniqueName,
} from './isolation-world.ts';
import { operationKey, toOpenApiPath } from './openapi-shape.ts';
import { captureRoutes } from './route-capture.ts';
import { processManifest, zipOf } from './runtime-fixture.ts';

/** The operations of the spec's permissions (`OperationTypeEnum` without `All`). */
export type SpecOperation = 'Create' | 'Read' | 'Update' | 'Delete' | 'Execute';

/** The four built-in roles of every tenant. */
export const BUILT_IN_ROLES = ['Administrator', 'Editor', 'Operator', 'ReadOnly'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/**
 * The spec's grant table (data-model §11, "Built-in roles"): each role holds one Permit on every
 * resource (`[All]`), so what a role may do on a tenant route depends on the operation alone.
 */
export const ROLE_GRANTS: Readonly<Record<BuiltInRole, readonly SpecOperation[]>> = {
  Administrator: ['Create', 'Read', 'Update', 'Delete', 'Execute'],
  Editor: ['Create', 'Read', 'Update', 'Execute'],
  Operator: ['Read', 'Execute'],
  ReadOnly: ['Read'],
};

/** One concrete request: values for the path's `{placeholders}`, a query and a body. */
export interface RouteCall {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly rawBody?: Uint8Array;
  readonly contentType?: string;
}

/** What a caller of another tenant may get from a route that names its own tenant and our ids. */
export type ForeignIdsRule =
  /** 404 (the id is unknown where the caller may look) or 403. */
  | { readonly kind: 'refused' }
  /** A reference checked as input: 400, the answer an id that exists nowhere gets too. */
  | { readonly kind: 'invalid' }
  /** The spec's answer for unknown ids is a 2xx that must show and change nothing. */
  | { readonly kind: 'blind'; readonly check: (body: unknown) => string | null };

/**
 * How the spec classifies a route:
 * - `public`: anyone, and it takes no id of a tenant's record;
 * - `authenticated`: any signed-in caller, and it takes no tenant id;
 * - `global`: global administrators only (rest-api §3 "Admin-only");
 * - `tenant`: a tenant's record, guarded by tenant access and the role's permission for
 *   `operation`. `tenantParam` names the path parameter holding the tenant (`null`: the tenant is
 *   the one of the record the path names, as for HTTP triggers).
 */
export type RouteSpec =
  | { readonly scope: 'public' }
  | { readonly scope: 'authenticated'; readonly call?: () => Promise<RouteCall> }
  | {
      readonly scope: 'global';
      readonly call?: (global: GlobalSubjects, victim: Subjects) => Promise<RouteCall>;
    }
  | {
      readonly scope: 'tenant';
      readonly operation: SpecOperation;
      readonly tenantParam?: string | null;
      /** The request, on records of `subjects` (made on demand). */
      readonly call?: (subjects: Subjects) => Promise<RouteCall>;
      /** Whether the body names records, so a call from another tenant's own path must not reach ours. */
      readonly bodyRefs?: boolean;
      /** The answer a caller of another tenant gets naming our ids under its own tenant (default refused). */
      readonly foreignIds?: ForeignIdsRule;
    };

const T = '/v1.0/tenants/{tenantId}';

const read = (call?: (s: Subjects) => Promise<RouteCall>): RouteSpec => ({
  scope: 'tenant',
  operation: 'Read',
  ...(call ? { call } : {}),
});
const withId =
  (pick: (s: Subjects) => Promise<string>, extra: Omit<RouteCall, 'params'> = {}) =>
  async (s: Subjects): Promise<RouteCall> => ({ params: { id: await pick(s) }, ...extra });
const user = (s: Subjects) => s.user();
const credential = (s: Subjects) => s.credential();
const role = (s: Subjects) => s.role();
const permission = (s: Subjects) => s.permission();
const userRoleMap = (s: Subjects) => s.userRoleMap();
const rolePermissionMap = (s: Subjects) => s.rolePermissionMap();
const stepId = async (s: Subjects) => (await s.step()).id;
const flow = (s: Subjects) => s.flow();
const trigger = (s: Subjects) => s.trigger();
const run = (s: Subjects) => s.run();
const artifact = (s: Subjects) => s.artifact();
const fileQuery = { query: { path: SUBJECT_FILE } };
const version = async (s: Subjects): Promise<RouteCall> => ({
  params: { id: await s.artifact(), version: SUBJECT_VERSION },
});

/** A request-history route aimed at the subjects' tenant through its `tenantId` query. */
const historyCall = (operation: SpecOperation): RouteSpec => ({
  scope: 'tenant',
  operation,
  tenantParam: null,
  call: async (s) => ({ query: { tenantId: s.tenantId } }),
});
/** A request-history entry route; the id names no entry the caller may see. */
const historyItem = (operation: SpecOperation): RouteSpec => ({
  scope: 'tenant',
  operation,
  tenantParam: null,
  call: async () => ({ params: { id: 'req_01J0000000000000000000000Z' } }),
});

/** A worker id no worker has: the admin routes' guard must answer before it is looked up. */
const workerCall: RouteCall = { params: { id: 'wrk_matrix_probe' } };

/** A bulk delete naming a record: unknown ids are ignored (rest-api §2.5), so another tenant's delete nothing. */
const bulkDelete = (pick: (s: Subjects) => Promise<string>): RouteSpec => ({
  scope: 'tenant',
  operation: 'Delete',
  bodyRefs: true,
  call: async (s) => ({ body: { ids: [await pick(s)] } }),
  foreignIds: {
    kind: 'blind',
    check: (body) => {
      const deleted = (body as { deletedCount?: unknown } | null)?.deletedCount;
      return deleted === 0 ? null : `deletedCount ${String(deleted)}`;
    },
  },
});

/** The standard five routes of a tenant collection (rest-api §2.4). */
const crud = (
  collection: string,
  pick: (s: Subjects) => Promise<string>,
  create: (s: Subjects) => Promise<unknown>,
  update: unknown,
  createRefs: false | true | ForeignIdsRule = false,
): Record<string, RouteSpec> => ({
  [`GET ${T}/${collection}`]: read(),
  [`GET ${T}/${collection}/{id}`]: read(withId(pick)),
  [`POST ${T}/${collection}`]: {
    scope: 'tenant',
    operation: 'Create',
    bodyRefs: createRefs !== false,
    ...(typeof createRefs === 'object' ? { foreignIds: createRefs } : {}),
    call: async (s) => ({ body: await create(s) }),
  },
  [`PUT ${T}/${collection}/{id}`]: {
    scope: 'tenant',
    operation: 'Update',
    call: withId(pick, { body: update }),
  },
  [`DELETE ${T}/${collection}/{id}`]: { scope: 'tenant', operation: 'Delete', call: withId(pick) },
});

const globalItem =
  (pick: (g: GlobalSubjects) => Promise<string>, body?: unknown) =>
  async (g: GlobalSubjects): Promise<RouteCall> => ({
    params: { id: await pick(g) },
    ...(body === undefined ? {} : { body }),
  });

/**
 * Every route of the server, classified by the spec (rest-api §1.2, §3, §4–§15 and the built-in
 * roles of data-model §11). Where the spec names no operation, the entry says which one it means
 * and why. A route missing here fails the matrices: classify it before it ships.
 */
export const ROUTE_TABLE: Readonly<Record<string, RouteSpec>> = {
  'GET /': { scope: 'public' },
  'GET /v1.0/api/health': { scope: 'public' },
  'POST /v1.0/token': { scope: 'public' },
  'GET /v1.0/token': { scope: 'public' },
  // The sample target of the seeded REST step holds no tenant data.
  'GET /v1.0/samples/external-rest': { scope: 'public' },
  // The answer is the caller's own principal or tokens; no tenant id or record id is taken.
  'POST /v1.0/token/revoke': { scope: 'authenticated' },
  'GET /v1.0/token/details': { scope: 'authenticated' },
  'GET /v1.0/me': { scope: 'authenticated' },
  // Non-administrators see only their own tenant here (rest-api §3); the matrix checks the list.
  'GET /v1.0/tenants': { scope: 'authenticated' },
  'GET /v1.0/steps/registered': { scope: 'authenticated' },
  'GET /v1.0/runtimes': { scope: 'authenticated' },
  'GET /v1.0/runtimes/{runtimeKey}': {
    scope: 'authenticated',
    call: async () => ({ params: { runtimeKey: 'Builtin.Method' } }),
  },
  // Server-wide execution capacity, across tenants: the spec names no audience, we keep it to
  // administrators like the other server-wide views (workers, logs).
  'GET /v1.0/runtimes/external-execution': { scope: 'global' },

  'GET /v1.0/accounts': { scope: 'global' },
  'GET /v1.0/accounts/{id}': { scope: 'global', call: globalItem((g) => g.account()) },
  'POST /v1.0/accounts': { scope: 'global', call: async () => ({ body: { name: uniqueName('account') } }) },
  'PUT /v1.0/accounts/{id}': { scope: 'global', call: globalItem((g) => g.account(), { name: 'taken' }) },
  'DELETE /v1.0/accounts/{id}': { scope: 'global', call: globalItem((g) => g.account()) },
  'GET /v1.0/admins': { scope: 'global' },
  'GET /v1.0/admins/{id}': { scope: 'global', call: globalItem((g) => g.administrator()) },
  'POST /v1.0/admins': {
    scope: 'global',
    call: async () => ({
      body: { email: `${uniqueName('intruder')}@isolation.test`, passwordSha256: 'intruder' },
    }),
  },
  'PUT /v1.0/admins/{id}': {
    scope: 'global',
    call: globalItem((g) => g.administrator(), { passwordSha256: 'taken-over' }),
  },
  'DELETE /v1.0/admins/{id}': { scope: 'global', call: globalItem((g) => g.administrator()) },
  'POST /v1.0/tenants': { scope: 'global', call: async () => ({ body: { name: uniqueName('intruder') } }) },
  // Aimed at the victim tenant itself: renaming or deleting it must be refused.
  'PUT /v1.0/tenants/{id}': {
    scope: 'global',
    call: async (_g, victim) => ({ params: { id: victim.tenantId }, body: { name: 'taken over' } }),
  },
  'DELETE /v1.0/tenants/{id}': {
    scope: 'global',
    call: async (_g, victim) => ({ params: { id: victim.tenantId } }),
  },
  'POST /v1.0/migrations/inline-rest': {
    scope: 'global',
    call: async (_g, victim) => ({ body: { tenantId: victim.tenantId } }),
  },
  'GET /v1.0/audit': { scope: 'global' },
  // Workers are server-wide and admin-only (rest-api §3, §17). The ids name no real worker: the
  // guard answers before any lookup, and a refused rotate-token must register nothing.
  'GET /v1.0/workers': { scope: 'global' },
  'GET /v1.0/workers/summary': { scope: 'global' },
  'GET /v1.0/workers/{id}': { scope: 'global', call: async () => workerCall },
  'GET /v1.0/workers/{id}/sessions': { scope: 'global', call: async () => workerCall },
  'GET /v1.0/workers/{id}/activity': { scope: 'global', call: async () => workerCall },
  'POST /v1.0/workers/{id}/drain': { scope: 'global', call: async () => workerCall },
  'POST /v1.0/workers/{id}/resume': { scope: 'global', call: async () => workerCall },
  'POST /v1.0/workers/{id}/block': { scope: 'global', call: async () => workerCall },
  'POST /v1.0/workers/{id}/unblock': { scope: 'global', call: async () => workerCall },
  'POST /v1.0/workers/{id}/rotate-token': { scope: 'global', call: async () => workerCall },
  // Workers authenticate this with their own token (x-worker-id, x-worker-token), never with user
  // credentials, so the user matrices see it as public; workers-artifacts.test.ts covers its checks.
  'GET /v1.0/workers/artifacts/{tenantId}/blobs/{sha256}/download': { scope: 'public' },
  // Service logs and the settings file are the server's, not a tenant's (rest-api §18, §20).
  'GET /v1.0/logs/sources': { scope: 'global' },
  'GET /v1.0/logs/files': {
    scope: 'global',
    call: async () => ({ query: { sourceKind: 'server', sourceId: 'server' } }),
  },
  'GET /v1.0/logs/files/content': {
    scope: 'global',
    call: async () => ({ query: { sourceKind: 'server', sourceId: 'server', path: 'tempo.1.log' } }),
  },
  'GET /v1.0/logs/files/download': {
    scope: 'global',
    call: async () => ({ query: { sourceKind: 'server', sourceId: 'server', path: 'tempo.1.log' } }),
  },
  'DELETE /v1.0/logs/files/content': {
    scope: 'global',
    call: async () => ({ query: { sourceKind: 'server', sourceId: 'server', path: 'tempo.1.log' } }),
  },
  'GET /v1.0/settings': { scope: 'global' },
  'GET /v1.0/settings/meta': { scope: 'global' },
  'PUT /v1.0/settings': {
    scope: 'global',
    call: async () => ({ body: { auth: { adminApiKey: 'taken-over-key' } } }),
  },
  // A tenant's audit log is for its tenant administrators and global administrators: no role
  // grants it (the Administrator role included), so every role holder and every caller of another
  // tenant is refused, exactly as on an admin-only route.
  'GET /v1.0/tenants/{tenantId}/audit': {
    scope: 'global',
    call: async (_g, victim) => ({ params: { tenantId: victim.tenantId } }),
  },

  'GET /v1.0/tenants/{id}': { scope: 'tenant', operation: 'Read', tenantParam: 'id' },

  ...crud(
    'users',
    user,
    async () => ({ email: `${uniqueName('made')}@isolation.test`, passwordSha256: 'made-password' }),
    { firstName: 'Changed' },
  ),
  ...crud(
    'credentials',
    credential,
    async (s) => ({ userId: await s.user(), name: uniqueName('key') }),
    { name: 'changed key' },
    true,
  ),
  ...crud('roles', role, async () => ({ name: uniqueName('role') }), { description: 'changed' }),
  ...crud(
    'permissions',
    permission,
    async () => ({ name: uniqueName('permission'), resourceTypes: ['Step'], operationTypes: ['Read'] }),
    { name: 'changed permission' },
  ),
  // Role maps are the RoleMap resource; switching a link off is its update.
  ...crud(
    'user-role-maps',
    userRoleMap,
    async (s) => ({ userId: await s.user(), roleId: await s.role() }),
    { active: false },
    true,
  ),
  ...crud(
    'role-permission-maps',
    rolePermissionMap,
    async (s) => ({ roleId: await s.role(), permissionId: await s.permission() }),
    { active: false },
    true,
  ),
  [`GET ${T}/users/{userId}/roles`]: read(async (s) => ({ params: { userId: await s.user() } })),
  [`GET ${T}/roles/{roleId}/permissions`]: read(async (s) => ({ params: { roleId: await s.role() } })),

  // A step of an artifact: the body names the artifact, so another tenant's id must not resolve.
  ...crud(
    'steps',
    stepId,
    async (s) => ({
      executionKey: uniqueName('made.step'),
      name: 'made step',
      runtimeKey: 'Artifact.Process',
      runtimeConfig: {
        runtimeKey: 'Artifact.Process',
        artifactId: await s.artifact(),
        artifactVersion: SUBJECT_VERSION,
      },
    }),
    { description: 'changed' },
    { kind: 'invalid' },
  ),
  [`POST ${T}/steps/bulk-delete`]: bulkDelete(stepId),
  [`POST ${T}/steps/source`]: {
    scope: 'tenant',
    operation: 'Create',
    call: async () => ({
      body: {
        name: uniqueName('source step'),
        language: 'Python',
        code: 'def run(context, data):\n    return data\n',
      },
    }),
  },
  ...crud(
    'flows',
    flow,
    async (s) => {
      const key = (await s.step()).executionKey;
      return { name: uniqueName('made flow'), startStepId: key, transitions: { [key]: {} } };
    },
    { description: 'changed' },
  ),
  [`POST ${T}/flows/bulk-delete`]: bulkDelete(flow),
  // It creates placeholder steps for the flow's keys: a Step Create (rest-api §13).
  [`POST ${T}/flows/{id}/ensure-steps`]: { scope: 'tenant', operation: 'Create', call: withId(flow) },
  // Reads the flow and the steps its keys name; changes nothing.
  [`POST ${T}/flows/{id}/validate`]: read(withId(flow)),
  // DataFlowExecute of the spec's request classes.
  [`POST ${T}/flows/{id}/runs`]: {
    scope: 'tenant',
    operation: 'Execute',
    call: withId(flow, { body: { data: { from: 'matrix' } } }),
  },
  ...crud(
    'triggers',
    trigger,
    async (s) => ({ name: uniqueName('made trigger'), dataFlowId: await s.flow() }),
    { description: 'changed' },
    true,
  ),
  [`POST ${T}/triggers/bulk-delete`]: bulkDelete(trigger),
  // TriggerExecute; an ApiAuthenticated flow needs a caller allowed on its tenant (rest-api §14.1).
  'GET /v1.0/triggers/http/{triggerId}': {
    scope: 'tenant',
    operation: 'Execute',
    tenantParam: null,
    call: async (s) => ({ params: { triggerId: await s.trigger() } }),
  },
  'POST /v1.0/triggers/http/{triggerId}': {
    scope: 'tenant',
    operation: 'Execute',
    tenantParam: null,
    call: async (s) => ({ params: { triggerId: await s.trigger() }, body: { from: 'matrix' } }),
  },

  ...crud('artifacts', artifact, async () => ({ name: uniqueName('made artifact') }), {
    description: 'changed',
  }),
  [`GET ${T}/artifacts/{id}/files`]: read(withId(artifact)),
  [`GET ${T}/artifacts/{id}/files/content`]: read(withId(artifact, fileQuery)),
  // Editing or removing a file changes the artifact's content: an Artifact Update.
  [`PUT ${T}/artifacts/{id}/files/content`]: {
    scope: 'tenant',
    operation: 'Update',
    call: withId(artifact, { ...fileQuery, body: { content: 'overwritten' } }),
  },
  [`DELETE ${T}/artifacts/{id}/files/content`]: {
    scope: 'tenant',
    operation: 'Update',
    call: withId(artifact, fileQuery),
  },
  [`POST ${T}/artifacts/{id}/versions`]: {
    scope: 'tenant',
    operation: 'Create',
    call: async (s) => ({
      params: { id: await s.artifact() },
      query: { version: uniqueName('2.0') },
      rawBody: await zipOf([
        { path: 'tempo.step.json', content: processManifest('handler.sh') },
        { path: 'handler.sh', content: '#!/bin/sh\necho intruder\n', executable: true },
      ]),
      contentType: 'application/zip',
    }),
  },
  [`GET ${T}/artifacts/{id}/versions`]: read(withId(artifact)),
  [`GET ${T}/artifacts/{id}/versions/{version}`]: read(version),
  [`GET ${T}/artifacts/{id}/versions/{version}/download`]: read(version),
  [`DELETE ${T}/artifacts/{id}/versions/{version}`]: { scope: 'tenant', operation: 'Delete', call: version },

  // A validation reads definitions and changes nothing: a Step Read. Asked from another tenant
  // about our artifact, it must not find it.
  [`POST ${T}/runtimes/validate`]: {
    scope: 'tenant',
    operation: 'Read',
    bodyRefs: true,
    call: async (s) => ({
      body: {
        runtimeKey: 'Artifact.Process',
        config: {
          runtimeKey: 'Artifact.Process',
          artifactId: await s.artifact(),
          artifactVersion: SUBJECT_VERSION,
        },
      },
    }),
    foreignIds: {
      kind: 'blind',
      check: (body) =>
        (body as { valid?: unknown } | null)?.valid === false ? null : 'the foreign artifact validated',
    },
  },
  [`GET ${T}/runtimes`]: read(),
  [`GET ${T}/runtimes/external-execution`]: read(),

  [`GET ${T}/runs`]: read(),
  [`GET ${T}/runs/{id}`]: read(withId(run)),
  [`GET ${T}/runs/{id}/steps`]: read(withId(run)),
  [`GET ${T}/runs/{id}/activity`]: read(withId(run)),
  // FlowRunCancel: stopping a run is part of executing it, which the Operator holds.
  [`POST ${T}/runs/{id}/cancel`]: { scope: 'tenant', operation: 'Execute', call: withId(run) },
  [`DELETE ${T}/runs/{id}`]: { scope: 'tenant', operation: 'Delete', call: withId(run) },
  [`POST ${T}/runs/bulk-delete`]: bulkDelete(run),
  [`GET ${T}/runs/{id}/logs`]: read(withId(run)),
  [`GET ${T}/runs/{id}/logs/content`]: read(withId(run, { query: { path: 'run.log' } })),
  [`GET ${T}/runs/{id}/logs/download`]: read(withId(run, { query: { path: 'run.log' } })),
  [`DELETE ${T}/runs/{id}/logs/content`]: {
    scope: 'tenant',
    operation: 'Delete',
    call: withId(run, { query: { path: 'run.log' } }),
  },
  [`DELETE ${T}/runs/{id}/logs`]: { scope: 'tenant', operation: 'Delete', call: withId(run) },

  // Request history takes its tenant from the query (rest-api §19): a caller of another tenant
  // naming it is refused (403), and an entry outside the caller's scope is unknown (404). Reading
  // needs RequestHistoryRead, deleting RequestHistoryDelete (rest-api §3), so the Delete operation.
  'GET /v1.0/api/request-history': historyCall('Read'),
  'GET /v1.0/api/request-history/summary': historyCall('Read'),
  'DELETE /v1.0/api/request-history': historyCall('Delete'),
  'GET /v1.0/api/request-history/{id}': historyItem('Read'),
  'DELETE /v1.0/api/request-history/{id}': historyItem('Delete'),
};

/** Routes no matrix calls: the document itself, its explorer, and methods Fastify and CORS add. */
const isHiddenRoute = (method: string, url: string): boolean =>
  method === 'HEAD' || method === 'OPTIONS' || url === '/openapi.json' || url.startsWith('/explorer');

/** Every route the server registers, as `METHOD /path/{param}`, read from the app as it is built. */
export const registeredRoutes = async (): Promise<string[]> => {
  const captured = await captureRoutes(buildOpenApiDocument);
  return [
    ...new Set(
      captured.routes
        .filter((route) => !isHiddenRoute(route.method, route.url))
        .map((route) => operationKey(route.method, toOpenApiPath(route.url))),
    ),
  ];
};

/** The classification of a registered route, or an error that says how to add one. */
export const specOf = (route: string): RouteSpec => {
  const spec = ROUTE_TABLE[route];
  if (spec) return spec;
  throw new Error(
    `${route} is not classified: add it to ROUTE_TABLE in apps/server/test/route-table.ts as public, ` +
      'authenticated, global (administrators only) or tenant (with the spec operation it needs and a ' +
      'call on Subjects that reaches a real record), so the isolation and role matrices cover it.',
  );
};

/** Fills a route's `{placeholders}`; a placeholder without a value is a mistake in the table. */
export const pathOf = (route: string, params: Readonly<Record<string, string>>): string =>
  (route.split(' ')[1] ?? '').replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
