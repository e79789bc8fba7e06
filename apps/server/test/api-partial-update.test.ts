import type { TempoClient } from '@tempo/client';
import {
  UpdateAccountRequest,
  UpdateAdministratorRequest,
  UpdateArtifactRequest,
  UpdateCredentialRequest,
  UpdateDataFlowRequest,
  UpdatePermissionRequest,
  UpdateRoleMapRequest,
  UpdateRoleRequest,
  UpdateStepRequest,
  UpdateTenantRequest,
  UpdateTriggerRequest,
  UpdateUserRequest,
} from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import { firstDifference, Subjects, uniqueName } from './isolation-world.ts';
import { registeredRoutes } from './route-table.ts';

/** What a partial-update case works with. */
interface Context {
  readonly admin: TempoClient;
  readonly baseUrl: string;
  /** A fresh tenant for this case, so changes of one case cannot show up in another. */
  readonly tenantId: string;
  readonly subjects: Subjects;
}

/**
 * One PUT route: how to make a record whose every field differs from its default, the update
 * body whose fields must all be exercised, and single-field changes. A change may carry two
 * fields only where the contract ties them (a step's runtimeKey travels with its runtimeConfig).
 */
interface PartialCase {
  readonly body: z.ZodObject;
  /** Creates the record; answers its item path (GET and PUT both use it). */
  readonly create: (c: Context) => Promise<string>;
  readonly changes: (c: Context) => Promise<readonly Record<string, unknown>[]>;
  /** Fields the server derives from others, which may follow a change (besides lastUpdateUtc). */
  readonly derived?: readonly string[];
}

/** Fields the record never shows as sent. */
const WRITE_ONLY = new Set(['passwordSha256']);

const t = (c: Context) => `/v1.0/tenants/${c.tenantId}`;
const created = async (c: Context, path: string, body: unknown): Promise<string> => {
  const answer = await c.admin.raw('POST', path, { body });
  if (answer.status !== 201)
    throw new Error(`POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return `${path}/${(answer.body as { id: string }).id}`;
};
const flags = [{ active: false }, { isProtected: true }];
const account = async (c: Context) =>
  (await created(c, '/v1.0/accounts', { name: uniqueName('account') })).split('/').pop() ?? '';

const restConfig = (c: Context, timeoutMs: number) => ({
  runtimeKey: 'External.Rest',
  method: 'GET',
  url: `${c.baseUrl}/v1.0/samples/external-rest`,
  timeoutMs,
});

/** Every PUT route that updates a record. */
const CASES: Readonly<Record<string, PartialCase | { readonly notARecord: string }>> = {
  'PUT /v1.0/accounts/{id}': {
    body: UpdateAccountRequest,
    create: (c) =>
      created(c, '/v1.0/accounts', { name: uniqueName('account'), additionalData: '{"tier":"gold"}' }),
    changes: async () => [{ name: 'renamed account' }, { additionalData: '{"tier":"silver"}' }, ...flags],
  },
  'PUT /v1.0/admins/{id}': {
    body: UpdateAdministratorRequest,
    create: async (c) =>
      created(c, '/v1.0/admins', {
        accountId: await account(c),
        firstName: 'Ada',
        lastName: 'Admin',
        email: `${uniqueName('admin')}@partial.test`,
        passwordSha256: 'admin-password',
        telephone: '+100',
      }),
    changes: async (c) => [
      { lastName: 'Smith' },
      { firstName: 'Grace' },
      { email: `${uniqueName('moved')}@partial.test` },
      { passwordSha256: 'new-admin-password' },
      { telephone: '+200' },
      { accountId: await account(c) },
      ...flags,
    ],
  },
  'PUT /v1.0/tenants/{id}': {
    body: UpdateTenantRequest,
    create: async (c) =>
      created(c, '/v1.0/tenants', {
        name: uniqueName('tenant'),
        region: 'us-east-1',
        accountId: await account(c),
      }),
    changes: async (c) => [
      { region: 'eu' },
      { name: 'renamed tenant' },
      { accountId: await account(c) },
      ...flags,
    ],
  },
  'PUT /v1.0/tenants/{tenantId}/users/{id}': {
    body: UpdateUserRequest,
    create: (c) =>
      created(c, `${t(c)}/users`, {
        firstName: 'Ann',
        lastName: 'Jones',
        email: `${uniqueName('user')}@partial.test`,
        passwordSha256: 'user-password',
        isAdmin: true,
        isTenantAdmin: true,
      }),
    changes: async () => [
      { lastName: 'Smith' },
      { firstName: 'Beth' },
      { email: `${uniqueName('moved')}@partial.test` },
      { passwordSha256: 'new-user-password' },
      { isAdmin: false },
      { isTenantAdmin: false },
      ...flags,
    ],
  },
  'PUT /v1.0/tenants/{tenantId}/credentials/{id}': {
    body: UpdateCredentialRequest,
    create: async (c) =>
      created(c, `${t(c)}/credentials`, { userId: await c.subjects.user(), name: 'first key' }),
    changes: async () => [{ name: 'second key' }, ...flags],
  },
  'PUT /v1.0/tenants/{tenantId}/roles/{id}': {
    body: UpdateRoleRequest,
    create: (c) => created(c, `${t(c)}/roles`, { name: uniqueName('role'), description: 'kept' }),
    changes: async () => [{ name: uniqueName('renamed role') }, { description: 'changed' }, ...flags],
  },
  'PUT /v1.0/tenants/{tenantId}/permissions/{id}': {
    body: UpdatePermissionRequest,
    create: (c) =>
      created(c, `${t(c)}/permissions`, {
        name: 'narrow deny',
        resourceTypes: ['Step', 'Trigger'],
        operationTypes: ['Delete'],
        permissionType: 'Deny',
      }),
    changes: async () => [
      { name: 'renamed deny' },
      { resourceTypes: ['Step'] },
      { operationTypes: ['Update', 'Delete'] },
      { permissionType: 'Permit' },
      ...flags,
    ],
  },
  'PUT /v1.0/tenants/{tenantId}/user-role-maps/{id}': {
    body: UpdateRoleMapRequest,
    create: async (c) => {
      const fresh = new Subjects(c.admin, c.tenantId);
      return created(c, `${t(c)}/user-role-maps`, { userId: await fresh.user(), roleId: await fresh.role() });
    },
    changes: async () => flags,
  },
  'PUT /v1.0/tenants/{tenantId}/role-permission-maps/{id}': {
    body: UpdateRoleMapRequest,
    create: async (c) => {
      const fresh = new Subjects(c.admin, c.tenantId);
      return created(c, `${t(c)}/role-permission-maps`, {
        roleId: await fresh.role(),
        permissionId: await fresh.permission(),
      });
    },
    changes: async () => flags,
  },
  'PUT /v1.0/tenants/{tenantId}/steps/{id}': {
    body: UpdateStepRequest.out,
    create: (c) =>
      created(c, `${t(c)}/steps`, {
        executionKey: uniqueName('partial.step'),
        name: 'REST step',
        description: 'kept',
        runtimeKey: 'External.Rest',
        runtimeConfig: restConfig(c, 5000),
        contractType: 'Schema',
        inputSchema: '{"type":"object"}',
        outputSchema: '{"type":"object"}',
        validateInput: true,
        validateOutput: true,
        maxRuntimeMs: 9000,
      }),
    changes: async (c) => [
      { name: 'renamed step' },
      { description: 'changed' },
      { executionKey: uniqueName('moved.step') },
      { runtimeConfig: restConfig(c, 7000) },
      {
        runtimeKey: 'Builtin.Method',
        runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
      },
      { contractType: 'Loose' },
      { inputSchema: '{"type":"array"}' },
      { outputSchema: '{"type":"array"}' },
      { validateInput: false },
      { validateOutput: false },
      { maxRuntimeMs: 1000 },
      ...flags,
    ],
    derived: [
      'runtimeBindingState',
      'packagingType',
      'stepType',
      'restConfig',
      'artifactId',
      'artifactVersion',
    ],
  },
  'PUT /v1.0/tenants/{tenantId}/flows/{id}': {
    body: UpdateDataFlowRequest,
    create: async (c) => {
      const key = (await c.subjects.step()).executionKey;
      return created(c, `${t(c)}/flows`, {
        name: 'two-node flow',
        description: 'kept',
        triggerId: null,
        startStepId: key,
        maxRuntimeMs: 20000,
        transitions: { [key]: { name: 'first', onSuccess: 'second' }, second: { name: 'second' } },
        routingHintLabel: 'gpu',
        invocationAuthMode: 'ApiAuthenticated',
      });
    },
    changes: async (c) => {
      const key = (await c.subjects.step()).executionKey;
      return [
        { name: 'renamed flow' },
        { description: 'changed' },
        { triggerId: await c.subjects.trigger() },
        { startStepId: 'second' },
        { transitions: { [key]: { name: 'only' } } },
        { maxRuntimeMs: 1000 },
        { routingHintLabel: 'cpu' },
        { invocationAuthMode: 'Public' },
        ...flags,
      ];
    },
  },
  'PUT /v1.0/tenants/{tenantId}/triggers/{id}': {
    body: UpdateTriggerRequest,
    create: async (c) =>
      created(c, `${t(c)}/triggers`, {
        name: 'hook',
        description: 'kept',
        triggerType: 'Http',
        dataFlowId: await c.subjects.flow(),
        configuration: '{"allowedMethods":["GET"]}',
      }),
    changes: async (c) => {
      const other = await new Subjects(c.admin, c.tenantId).flow();
      return [
        { name: 'renamed hook' },
        { description: 'changed' },
        { triggerType: 'Native' },
        { dataFlowId: other },
        { configuration: '{"allowedMethods":["POST"]}' },
        ...flags,
      ];
    },
  },
  'PUT /v1.0/tenants/{tenantId}/artifacts/{id}': {
    body: UpdateArtifactRequest,
    create: (c) => created(c, `${t(c)}/artifacts`, { name: uniqueName('artifact'), description: 'kept' }),
    changes: async () => [
      { name: uniqueName('renamed artifact') },
      { description: 'changed' },
      { active: false },
    ],
  },
  'PUT /v1.0/tenants/{tenantId}/artifacts/{id}/files/content': {
    notARecord: 'it writes one whole file of the mutable tree; there is no record to update partially',
  },
  'PUT /v1.0/settings': {
    notARecord:
      'it replaces the whole settings file, as v0.3.0 does (GET /v1.0/settings answers the body to send back, secrets as ****)',
  },
};

/** Whether what was sent shows in the record: objects by the keys sent, the rest by value. */
const shows = (sent: unknown, got: unknown): boolean => {
  if (typeof sent === 'object' && sent !== null && !Array.isArray(sent))
    return (
      typeof got === 'object' &&
      got !== null &&
      Object.entries(sent).every(([key, value]) => shows(value, Reflect.get(got, key)))
    );
  return JSON.stringify(sent) === JSON.stringify(got);
};

let f: ApiFixture;
let putRoutes: string[];

beforeAll(async () => {
  f = await startApiFixture();
  putRoutes = (await registeredRoutes()).filter((route) => route.startsWith('PUT '));
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

describe('partial PUT over every resource', () => {
  it('has a case for every PUT route, exercising every field of its body', async () => {
    expect(putRoutes.length).toBeGreaterThanOrEqual(13);
    const problems: string[] = [];
    for (const route of putRoutes) {
      const entry = CASES[route];
      if (!entry) {
        problems.push(`${route} has no partial-update case: add one to CASES in ${import.meta.filename}`);
        continue;
      }
      if ('notARecord' in entry) continue;
      const tenantId = (await f.admin.tenants.create({ name: uniqueName('coverage') })).id;
      const context = {
        admin: f.admin,
        baseUrl: f.server.baseUrl,
        tenantId,
        subjects: new Subjects(f.admin, tenantId),
      };
      const sent = new Set((await entry.changes(context)).flatMap((change) => Object.keys(change)));
      for (const field of Object.keys(entry.body.shape))
        if (!sent.has(field)) problems.push(`${route}: no change sends ${field}`);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('changes only the field sent and keeps every other field', async () => {
    const failures: string[] = [];
    for (const [route, entry] of Object.entries(CASES)) {
      if ('notARecord' in entry) continue;
      const tenantId = (await f.admin.tenants.create({ name: uniqueName('partial') })).id;
      const context: Context = {
        admin: f.admin,
        baseUrl: f.server.baseUrl,
        tenantId,
        subjects: new Subjects(f.admin, tenantId),
      };
      for (const change of await entry.changes(context)) {
        // A record per change, so each change is measured against the record as created.
        const path = await entry.create(context);
        const before = (await f.admin.raw('GET', path)).body as Record<string, unknown>;
        const answer = await f.admin.raw('PUT', path, { body: change });
        const cell = `${route} ${JSON.stringify(change)}`;
        if (answer.status !== 200) {
          failures.push(`${cell}: answered ${answer.status} ${JSON.stringify(answer.body)}`);
          continue;
        }
        const after = (await f.admin.raw('GET', path)).body as Record<string, unknown>;
        for (const [field, value] of Object.entries(change))
          if (!WRITE_ONLY.has(field) && !shows(value, after[field]))
            failures.push(`${cell}: ${field} is ${JSON.stringify(after[field])}`);
        const ignored = new Set(['lastUpdateUtc', ...Object.keys(change), ...(entry.derived ?? [])]);
        const keep = (record: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(record).filter(([key]) => !ignored.has(key)));
        const changed = firstDifference(keep(before), keep(after));
        if (changed) failures.push(`${cell}: another field changed: ${changed}`);
      }
    }
    expect(failures).toEqual([]);
  }, 150_000);
});
