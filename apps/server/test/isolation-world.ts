import type { TempoClient, TenantClient } from '@tempo/client';
import { waitForRunEnd } from './api-fixture.ts';
import { processManifest, zipOf } from './runtime-fixture.ts';

/** The built-in method every tenant can run: the matrices' flows need a step that always works. */
const SAMPLE_METHOD = 'tempo.sample.builtin.method';

/** Label of the version every subject artifact is uploaded with. */
export const SUBJECT_VERSION = '1.0.0';
/** Path of the file every subject artifact holds in its mutable tree. */
export const SUBJECT_FILE = 'notes.txt';

let sequence = 0;
/** A name no other subject of this process has, so fresh records never collide on unique keys. */
export const uniqueName = (what: string): string => {
  sequence += 1;
  return `${what}-${process.pid}-${sequence}`;
};

/** Memoises an async factory: the record is made on first use and shared afterwards. */
const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
};

/**
 * One record of each tenant resource, made by a global administrator on first use. A matrix cell
 * that changes or deletes its target gets a Subjects of its own; cells that only read share one.
 * Users are plain (no role, no admin flag), roles empty and permissions a narrow Step Read, so no
 * privilege guard refuses an allowed caller for reasons beyond its role.
 */
export class Subjects {
  readonly tenantId: string;
  readonly setup: TenantClient;

  constructor(admin: TempoClient, tenantId: string) {
    this.tenantId = tenantId;
    this.setup = admin.tenant(tenantId);
  }

  readonly step = once(async () =>
    this.setup.steps.create({
      executionKey: uniqueName('matrix.step'),
      name: 'matrix step',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: SAMPLE_METHOD },
    }),
  );

  /** A one-step flow that API callers must authenticate to invoke. */
  readonly flow = once(async () => {
    const key = (await this.step()).executionKey;
    return (
      await this.setup.flows.create({
        name: uniqueName('matrix flow'),
        startStepId: key,
        transitions: { [key]: {} },
        invocationAuthMode: 'ApiAuthenticated',
      })
    ).id;
  });

  readonly trigger = once(
    async () =>
      (
        await this.setup.triggers.create({
          name: uniqueName('matrix trigger'),
          dataFlowId: await this.flow(),
          configuration: '{"allowedMethods":["GET","POST"]}',
        })
      ).id,
  );

  /** A finished run, so that deleting it is not refused for being in flight. */
  readonly run = once(async () => {
    const run = await this.setup.flows.run(await this.flow(), { data: { matrix: true } });
    return (await waitForRunEnd(this.setup, run.id)).id;
  });

  /** An artifact with an uploaded version and one file in its mutable tree. */
  readonly artifact = once(async () => {
    const artifact = await this.setup.artifacts.create({ name: uniqueName('matrix artifact') });
    await this.setup.artifacts.uploadVersion(
      artifact.id,
      await zipOf([
        { path: 'tempo.step.json', content: processManifest('handler.sh') },
        { path: 'handler.sh', content: '#!/bin/sh\necho matrix\n', executable: true },
      ]),
      { version: SUBJECT_VERSION },
    );
    await this.setup.artifacts.saveFile(artifact.id, SUBJECT_FILE, { content: 'kept as it is' });
    return artifact.id;
  });

  readonly user = once(
    async () =>
      (
        await this.setup.users.create({
          email: `${uniqueName('matrix-user')}@isolation.test`,
          passwordSha256: 'matrix-password',
          firstName: 'Matrix',
        })
      ).id,
  );

  readonly credential = once(
    async () => (await this.setup.credentials.create({ userId: await this.user(), name: 'matrix key' })).id,
  );

  readonly role = once(async () => (await this.setup.roles.create({ name: uniqueName('matrix role') })).id);

  readonly permission = once(
    async () =>
      (
        await this.setup.permissions.create({
          name: uniqueName('matrix permission'),
          resourceTypes: ['Step'],
          operationTypes: ['Read'],
        })
      ).id,
  );

  readonly userRoleMap = once(
    async () =>
      (await this.setup.userRoleMaps.create({ userId: await this.user(), roleId: await this.role() })).id,
  );

  readonly rolePermissionMap = once(
    async () =>
      (
        await this.setup.rolePermissionMaps.create({
          roleId: await this.role(),
          permissionId: await this.permission(),
        })
      ).id,
  );

  /** Makes every subject now (the isolation matrix needs all of them before it attacks). */
  async all(): Promise<void> {
    await this.run();
    await this.trigger();
    await this.artifact();
    await this.credential();
    await this.userRoleMap();
    await this.rolePermissionMap();
  }
}

/** Records that live outside tenants, made once by a global administrator. */
export class GlobalSubjects {
  readonly #admin: TempoClient;

  constructor(admin: TempoClient) {
    this.#admin = admin;
  }

  readonly account = once(
    async () => (await this.#admin.accounts.create({ name: uniqueName('account') })).id,
  );

  readonly administrator = once(
    async () =>
      (
        await this.#admin.admins.create({
          email: `${uniqueName('matrix-admin')}@isolation.test`,
          passwordSha256: 'matrix-admin-password',
        })
      ).id,
  );

  /** A tenant of its own, for routes that change or delete a tenant. */
  readonly tenant = once(async () => (await this.#admin.tenants.create({ name: uniqueName('victim') })).id);
}

/** The collections a tenant snapshot lists, by their path under `/v1.0/tenants/{tenantId}`. */
const COLLECTIONS = [
  'users',
  'credentials',
  'roles',
  'permissions',
  'user-role-maps',
  'role-permission-maps',
  'steps',
  'flows',
  'triggers',
  'artifacts',
  'runs',
] as const;

/**
 * Everything an attacker could change in a tenant, as the global administrator reads it: the
 * tenant record, every collection in full, each artifact's versions and files with their content,
 * and the step runs of every run. Two equal snapshots mean nothing was created, changed or deleted.
 */
export const snapshotTenant = async (admin: TempoClient, tenantId: string): Promise<unknown> => {
  const base = `/v1.0/tenants/${tenantId}`;
  const read = async (path: string, query: Record<string, string> = {}): Promise<unknown> => {
    const answer = await admin.raw('GET', `${base}${path}`, { query });
    if (answer.status !== 200) throw new Error(`snapshot read ${path} answered ${answer.status}`);
    return answer.body;
  };
  const all = { pageSize: '1000' };
  const state: Record<string, unknown> = { tenant: (await admin.raw('GET', base)).body };
  for (const collection of COLLECTIONS) state[collection] = await read(`/${collection}`, all);
  const artifacts = (await admin.tenant(tenantId).artifacts.list({ pageSize: 1000 })).items;
  for (const artifact of artifacts) {
    const files = (await read(`/artifacts/${artifact.id}/files`)) as readonly { readonly path: string }[];
    state[`${artifact.id} versions`] = await read(`/artifacts/${artifact.id}/versions`, all);
    for (const file of files)
      state[`${artifact.id} ${file.path}`] = await read(`/artifacts/${artifact.id}/files/content`, {
        path: file.path,
      });
  }
  const runs = (await admin.tenant(tenantId).runs.list({ pageSize: 1000 })).items;
  for (const run of runs) state[`${run.id} steps`] = await read(`/runs/${run.id}/steps`);
  return state;
};

/** What lives outside tenants: tenants, administrators and accounts, as the global administrator lists them. */
export const snapshotGlobal = async (admin: TempoClient): Promise<unknown> => ({
  tenants: (await admin.tenants.list({ pageSize: 1000 })).items,
  admins: (await admin.admins.list({ pageSize: 1000 })).items,
  accounts: (await admin.accounts.list({ pageSize: 1000 })).items,
});

/** The first place two JSON values differ, as a path with both values, or null when they are equal. */
export const firstDifference = (before: unknown, after: unknown, at = '$'): string | null => {
  if (Object.is(before, after)) return null;
  const bothObjects =
    typeof before === 'object' && before !== null && typeof after === 'object' && after !== null;
  if (!bothObjects || Array.isArray(before) !== Array.isArray(after))
    return `${at}: ${JSON.stringify(before)?.slice(0, 200)} → ${JSON.stringify(after)?.slice(0, 200)}`;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const found = firstDifference(Reflect.get(before, key), Reflect.get(after, key), `${at}.${key}`);
    if (found) return found;
  }
  return null;
};
