import { TempoClient } from '@tempo/client';
import { RuntimeKey } from '@tempo/contracts';
import fc from 'fast-check';
import { createSampleSteps } from './api-fixture.ts';
import type { FuzzTargets } from './fuzz-requests.ts';
import type { SchemaHints } from './json-schema-arbitrary.ts';
import { TEST_ADMIN_API_KEY } from './server-process.ts';

/** Few enough that generated flows often name keys of their own transitions, and so pass validation. */
const EXECUTION_KEYS = ['fuzz.method', 'fuzz.rest', 'fuzz.other'];
/** Built-ins this process registers (sample-builtins.ts), and one it does not. */
const BUILTIN_IDENTIFIERS = [
  'tempo.sample.builtin.method',
  'tempo.sample.builtin.class',
  'tempo.builtin.echo',
  'nope',
];
/** Trigger configuration texts the spec reads leniently (§14: anything odd means POST only). */
const TRIGGER_CONFIGURATIONS = [
  '{"allowedMethods":["GET","POST"]}',
  '{"allowedMethods":"POST"}',
  '{"ALLOWEDMETHODS":["get"]}',
  '{"allowedMethods":[1,null,{}]}',
  '[]',
  'null',
  '{}',
  '{"bodySchema":{"type":5}}',
];
/** Step input and output schemas, with some no JSON Schema compiler accepts. */
const SCHEMA_TEXTS = [
  '{"type":"object"}',
  '{"type":5}',
  '{"pattern":"("}',
  '{"$ref":"#/nope"}',
  '{"required":"x"}',
  'true',
  '[]',
  '{',
];

/** Records of every kind, so generated ids and bodies also reach the handlers behind the lookups. */
export const createFuzzTargets = async (baseUrl: string, accessKey: string): Promise<FuzzTargets> => {
  const admin = new TempoClient({ baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  const tenantA = (await admin.tenants.list()).items[0]?.id ?? '';
  const tenantB = (await admin.tenants.create({ name: 'Fuzz tenant B' })).id;
  const t = admin.tenant(tenantA);
  const seededUser = (await t.users.list()).items.find((user) => user.email === 'user@tempo.local');
  const seededCredential = (await t.credentials.list()).items.find((c) => c.userId === seededUser?.id);
  const user = await t.users.create({ email: 'fuzz@example.test', passwordSha256: 'fuzz-password' });
  const role = (await t.roles.list()).items[0];
  const permission = await t.permissions.create({ name: 'Fuzz permission' });
  const userRoleMap = role ? await t.userRoleMaps.create({ userId: user.id, roleId: role.id }) : undefined;
  const rolePermissionMap = role
    ? await t.rolePermissionMaps.create({ roleId: role.id, permissionId: permission.id })
    : undefined;
  const credential = await t.credentials.create({ userId: user.id, name: 'Fuzz key' });
  const account = await admin.accounts.create({ name: 'Fuzz account' });
  const administrator = await admin.admins.create({
    email: 'fuzz-admin@example.test',
    passwordSha256: 'fuzz-password',
  });
  const steps = await createSampleSteps(t, baseUrl, {
    method: 'fuzz.method',
    rest: 'fuzz.rest',
    restTimeoutMs: 2_000,
  });
  // Bounded in visits and time, and frozen below, so fired runs always end quickly.
  const flow = await t.flows.create({
    name: 'Fuzz flow',
    startStepId: 'fuzz.method',
    maxRuntimeMs: 2_000,
    invocationAuthMode: 'Public',
    transitions: {
      'fuzz.method': { onSuccess: 'fuzz.rest', maxTransitions: 1 },
      'fuzz.rest': { maxTransitions: 1 },
    },
  });
  const trigger = await t.triggers.create({
    name: 'Fuzz trigger',
    triggerType: 'Http',
    dataFlowId: flow.id,
    configuration: '{"allowedMethods":["GET","POST"]}',
  });
  const run = await t.flows.run(flow.id, { data: { fuzz: true } });
  const present = (...ids: (string | undefined)[]) => ids.filter((id): id is string => id !== undefined);
  return {
    adminApiKey: TEST_ADMIN_API_KEY,
    accessKey,
    emails: ['admin@tempo.local', 'user@tempo.local', 'fuzz@example.test'],
    ids: {
      tenants: [tenantA, tenantB],
      users: present(user.id, seededUser?.id),
      credentials: present(credential.id, seededCredential?.id),
      roles: present(role?.id),
      permissions: [permission.id],
      'user-role-maps': present(userRoleMap?.id),
      'role-permission-maps': present(rolePermissionMap?.id),
      accounts: [account.id],
      admins: [administrator.id],
      steps: steps.map((step) => step.id),
      flows: [flow.id],
      triggers: [trigger.id],
      runs: [run.id],
      runtimes: [...RuntimeKey.options],
    },
    frozen: new Set(present(tenantA, flow.id, trigger.id, seededUser?.id, seededCredential?.id)),
  };
};

/** Where generated bodies name ids, execution keys, URLs and JSON texts, what to put there. */
export const fuzzHints = (known: FuzzTargets, baseUrl: string): SchemaHints => {
  const executionKeys = fc.constantFrom(...EXECUTION_KEYS);
  const pool = (name: string) => fc.constantFrom(...(known.ids[name] ?? ['none']));
  const mutableIds = Object.values(known.ids)
    .flat()
    .filter((id) => !known.frozen.has(id));
  const byName: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
    tenantId: pool('tenants'),
    userId: pool('users'),
    roleId: pool('roles'),
    permissionId: pool('permissions'),
    dataFlowId: pool('flows'),
    triggerId: pool('triggers'),
    accountId: pool('accounts'),
    ids: fc.array(fc.oneof(fc.constantFrom(...mutableIds), fc.stringMatching(/^[a-z]{3}_[A-Z0-9]{8}$/)), {
      minLength: 1,
      maxLength: 5,
    }),
    executionKey: executionKeys,
    startStepId: executionKeys,
    onSuccess: fc.constantFrom(...EXECUTION_KEYS, null),
    onFailure: fc.constantFrom(...EXECUTION_KEYS, null),
    onException: fc.constantFrom(...EXECUTION_KEYS, null),
    identifier: fc.constantFrom(...BUILTIN_IDENTIFIERS),
    configuration: fc.constantFrom(...TRIGGER_CONFIGURATIONS),
    inputSchema: fc.constantFrom(...SCHEMA_TEXTS),
    outputSchema: fc.constantFrom(...SCHEMA_TEXTS),
    email: fc.oneof(fc.constantFrom(...known.emails), fc.emailAddress()),
  };
  return {
    // Fuzzed REST steps may run: every URL they can name is on this machine.
    uri: fc.constantFrom(
      `${baseUrl}/v1.0/samples/external-rest`,
      `${baseUrl}/v1.0/no-such-route`,
      'http://127.0.0.1:9/',
      'not a url',
      'ftp://127.0.0.1/x',
      'http://',
      'javascript:alert(1)',
    ),
    property: (name) => byName[name],
    mapKey: executionKeys,
  };
};
