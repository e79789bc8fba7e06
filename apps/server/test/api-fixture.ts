import { TempoClient, type TenantClient } from '@tempo/client';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** The roles a fixture user can hold: the four built-in ones, or none. */
export type FixtureRole = 'Administrator' | 'Editor' | 'Operator' | 'ReadOnly' | 'None';

/** A running server with an admin client, two tenants and one user per built-in role in tenant A. */
export interface ApiFixture {
  readonly server: ServerProcess;
  readonly admin: TempoClient;
  readonly anonymous: TempoClient;
  readonly tenantA: string;
  readonly tenantB: string;
  /** A client authenticated with an access key of a tenant-A user holding the role. */
  readonly as: Readonly<Record<FixtureRole, TempoClient>>;
  /** A client of tenant B's administrator-role user. */
  readonly tenantBUser: TempoClient;
  /** Every secret the fixture saw (keys, passwords), for the log checks. */
  readonly secrets: string[];
  stop(): Promise<void>;
}

const createUserWithRole = async (
  admin: TempoClient,
  tenantId: string,
  role: FixtureRole,
  secrets: string[],
): Promise<TempoClient> => {
  const t = admin.tenant(tenantId);
  const password = `pw-${role}-${Math.random().toString(36).slice(2)}`;
  secrets.push(password);
  const user = await t.users.create({
    email: `${role.toLowerCase()}-${tenantId.slice(-6).toLowerCase()}@example.test`,
    passwordSha256: password,
  });
  if (role !== 'None') {
    const roles = await t.roles.list({ pageSize: 100 });
    const match = roles.items.find((candidate) => candidate.name === role);
    if (!match) throw new Error(`role ${role} missing in ${tenantId}`);
    await t.userRoleMaps.create({ userId: user.id, roleId: match.id });
  }
  const credential = await t.credentials.create({ userId: user.id, name: `${role} key` });
  secrets.push(credential.accessKey, credential.secretKey);
  return admin.withCredentials({ accessKey: credential.accessKey });
};

/** Starts a server and builds the fixture. */
export const startApiFixture = async (): Promise<ApiFixture> => {
  const server = await startServerProcess();
  const secrets = [TEST_ADMIN_API_KEY, server.seededAccessKey];
  const anonymous = new TempoClient({ baseUrl: server.baseUrl });
  const admin = anonymous.withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  const tenants = await admin.tenants.list();
  const tenantA = tenants.items[0]?.id ?? '';
  const tenantB = (await admin.tenants.create({ name: 'Tenant B' })).id;
  const entries = await Promise.all(
    (['Administrator', 'Editor', 'Operator', 'ReadOnly', 'None'] as const).map(
      async (role) => [role, await createUserWithRole(admin, tenantA, role, secrets)] as const,
    ),
  );
  const tenantBUser = await createUserWithRole(admin, tenantB, 'Administrator', secrets);
  return {
    server,
    admin,
    anonymous,
    tenantA,
    tenantB,
    as: Object.fromEntries(entries) as Record<FixtureRole, TempoClient>,
    tenantBUser,
    secrets,
    stop: () => server.stop(),
  };
};

/**
 * Creates a built-in step running `tempo.sample.builtin.method` and an External.Rest step calling
 * the server's own sample route, under the given execution keys.
 */
export const createSampleSteps = async (
  tenant: TenantClient,
  baseUrl: string,
  keys: { readonly method: string; readonly rest: string; readonly restTimeoutMs?: number },
) => [
  await tenant.steps.create({
    executionKey: keys.method,
    name: `Sample method ${keys.method}`,
    runtimeKey: 'Builtin.Method',
    runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
  }),
  await tenant.steps.create({
    executionKey: keys.rest,
    name: `Sample REST ${keys.rest}`,
    runtimeKey: 'External.Rest',
    runtimeConfig: {
      runtimeKey: 'External.Rest',
      method: 'GET',
      url: `${baseUrl}/v1.0/samples/external-rest`,
      timeoutMs: keys.restTimeoutMs ?? 30_000,
    },
  }),
];

/** Polls a run until it leaves Queued/Running and answers it; throws after `timeoutMs`. */
export const waitForRunEnd = async (tenant: TenantClient, runId: string, timeoutMs = 10_000) => {
  for (let i = 0; i < timeoutMs / 50; i++) {
    const run = await tenant.runs.get(runId);
    if (run.state !== 'Queued' && run.state !== 'Running') return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${runId} did not end within ${timeoutMs} ms`);
};

/** Creates an `External.Rest` step that calls `url` with GET. */
export const createRestStep = (tenant: TenantClient, executionKey: string, url: string, timeoutMs = 60_000) =>
  tenant.steps.create({
    executionKey,
    name: executionKey,
    runtimeKey: 'External.Rest',
    runtimeConfig: { runtimeKey: 'External.Rest', method: 'GET', url, timeoutMs },
  });

/**
 * A built-in step `executionKey` running `identifier`, a one-step flow of it (with `flowFields`)
 * and a trigger of that flow.
 */
export const createBuiltinTrigger = async (
  tenant: TenantClient,
  executionKey: string,
  identifier = 'tempo.sample.builtin.method',
  flowFields: { readonly maxRuntimeMs?: number } = {},
) => {
  const step = await tenant.steps.create({
    executionKey,
    name: executionKey,
    runtimeKey: 'Builtin.Method',
    runtimeConfig: { runtimeKey: 'Builtin.Method', identifier },
  });
  const flow = await tenant.flows.create({
    name: executionKey,
    startStepId: executionKey,
    transitions: { [executionKey]: {} },
    ...flowFields,
  });
  const trigger = await tenant.triggers.create({ name: executionKey, dataFlowId: flow.id });
  return { step, flow, trigger };
};
