import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialKeyHash, sha256Hex, verifyPassword } from '../src/auth/index.ts';
import { newId } from '../src/ids/index.ts';
import {
  type HydrationOptions,
  type SampleStep,
  type SeedLogger,
  seedDatabase,
} from '../src/seeding/index.ts';
import type { TempoDatabase } from '../src/store/index.ts';
import { freshTestDatabase, testDatabaseType } from './test-database.ts';

/** The server's `auth.credentialHashKey` in these tests. */
const HASH_KEY = 'seeding-test-credential-hash-key';

const defaults: HydrationOptions = {
  seedDefaults: true,
  defaultTenantName: 'Default Tenant',
  defaultAdminEmail: 'Admin@Tempo.Local',
  defaultAdminPassword: 'password',
  defaultUserEmail: 'user@tempo.local',
  defaultUserPassword: 'password',
  hydrationFile: null,
};

const sample: SampleStep = {
  executionKey: 'tempo.sample.builtin.method',
  name: 'Sample built-in method',
  runtimeKey: 'Builtin.Method',
  runtimeConfig: {
    runtimeKey: 'Builtin.Method',
    identifier: 'tempo.sample.builtin.method',
    declaringType: null,
    methodName: null,
    assemblyName: null,
    assemblyVersion: null,
    signatureHash: null,
  },
  runtimeBindingState: 'Resolved',
  isProtected: true,
};

let db: TempoDatabase;
let warnings: { context: object; message: string }[];
const log: SeedLogger = {
  info: () => undefined,
  warn: (context, message) => warnings.push({ context, message }),
};

beforeEach(async () => {
  db = await freshTestDatabase();
  warnings = [];
});

afterEach(async () => {
  await db.close();
});

describe(`seeding on ${testDatabaseType()}`, () => {
  it('creates exactly the spec defaults on an empty database', async () => {
    const report = await seedDatabase(
      { repositories: db.repositories, credentialHashKey: HASH_KEY, log },
      defaults,
    );
    const r = db.repositories;
    const tenants = await r.tenants.find();
    expect(tenants).toHaveLength(1);
    expect(tenants[0]).toMatchObject({ name: 'Default Tenant', isProtected: true, active: true });
    const tenantId = tenants[0]?.id ?? '';
    expect(tenantId).toMatch(/^ten_/);
    expect(report).toMatchObject({ createdDefaults: true, defaultTenantId: tenantId });

    const [admin, ...moreAdmins] = await r.administrators.find();
    expect(moreAdmins).toEqual([]);
    expect(admin).toMatchObject({
      email: 'admin@tempo.local',
      firstName: 'System',
      lastName: 'Admin',
      isProtected: true,
    });
    expect(await verifyPassword('password', admin?.passwordHash ?? '')).toBe(true);
    expect(await verifyPassword(sha256Hex('password'), admin?.passwordHash ?? '')).toBe(true);

    const users = await r.users.inTenant(tenantId).find();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      email: 'user@tempo.local',
      firstName: 'Default',
      lastName: 'User',
      isTenantAdmin: true,
      isAdmin: false,
      isProtected: true,
    });

    const [credential, ...moreCredentials] = await r.credentials.inTenant(tenantId).find();
    expect(moreCredentials).toEqual([]);
    expect(credential).toMatchObject({ name: 'default', userId: users[0]?.id, isProtected: true });
    expect(report.seededAccessKey).toMatch(/^pub_.{28}$/);
    expect(credential?.accessKeySha256).toBe(credentialKeyHash(report.seededAccessKey ?? '', HASH_KEY));
    expect(credential?.accessKeySha256).not.toBe(sha256Hex(report.seededAccessKey ?? ''));

    const roles = await r.roles.inTenant(tenantId).find();
    expect(roles.map((role) => [role.name, role.description, role.isProtected])).toEqual([
      ['Administrator', 'Full access to all resources.', true],
      ['Editor', 'Create, read, update, and execute; cannot delete tenants, users, or credentials.', true],
      ['Operator', 'Read, execute, and view runs. Cannot modify definitions.', true],
      ['ReadOnly', 'Read-only access.', true],
    ]);
    const permissions = await r.permissions.inTenant(tenantId).find();
    expect(
      permissions.map((p) => [p.name, p.resourceTypes, p.operationTypes, p.permissionType, p.isProtected]),
    ).toEqual([
      ['permit all', ['All'], ['All'], 'Permit', true],
      [
        'editor - create/read/update/execute',
        ['All'],
        ['Create', 'Read', 'Update', 'Execute'],
        'Permit',
        true,
      ],
      ['operator - read/execute', ['All'], ['Read', 'Execute'], 'Permit', true],
      ['readonly - read', ['All'], ['Read'], 'Permit', true],
    ]);
    const links = await r.rolePermissionMaps.inTenant(tenantId).find();
    expect(links).toHaveLength(4);
    for (const [i, role] of roles.entries()) {
      expect(links.find((link) => link.roleId === role.id)?.permissionId).toBe(permissions[i]?.id);
    }
    const userRoles = await r.userRoleMaps.inTenant(tenantId).find();
    expect(userRoles).toHaveLength(1);
    expect(userRoles[0]).toMatchObject({ userId: users[0]?.id, roleId: roles[0]?.id, isProtected: true });
  });

  it('is idempotent: a second pass creates nothing and shows no key', async () => {
    await seedDatabase({ repositories: db.repositories, credentialHashKey: HASH_KEY, log }, defaults);
    const second = await seedDatabase(
      { repositories: db.repositories, credentialHashKey: HASH_KEY, log },
      defaults,
    );
    expect(second).toMatchObject({
      createdDefaults: false,
      seededAccessKey: null,
      rbacRepairedTenantIds: [],
    });
    const r = db.repositories;
    const [tenant] = await r.tenants.find();
    const tenantId = tenant?.id ?? '';
    expect(await r.tenants.count()).toBe(1);
    expect(await r.administrators.count()).toBe(1);
    expect(await r.users.inTenant(tenantId).count()).toBe(1);
    expect(await r.credentials.inTenant(tenantId).count()).toBe(1);
    expect(await r.roles.inTenant(tenantId).count()).toBe(4);
    expect(await r.permissions.inTenant(tenantId).count()).toBe(4);
    expect(await r.rolePermissionMaps.inTenant(tenantId).count()).toBe(4);
    expect(await r.userRoleMaps.inTenant(tenantId).count()).toBe(1);
  });

  it('seeds nothing on an empty database when seedDefaults is off', async () => {
    const report = await seedDatabase(
      { repositories: db.repositories, credentialHashKey: HASH_KEY, log },
      { ...defaults, seedDefaults: false },
    );
    expect(report.createdDefaults).toBe(false);
    expect(await db.repositories.tenants.count()).toBe(0);
    expect(await db.repositories.administrators.count()).toBe(0);
  });

  it('re-ensures the built-in roles of tenants that lack one, without user mappings', async () => {
    await seedDatabase({ repositories: db.repositories, credentialHashKey: HASH_KEY, log }, defaults);
    const bare = await db.repositories.tenants.create({ id: newId('tenant'), name: 'Bare' });
    const [seeded] = await db.repositories.tenants.find({ name: 'Default Tenant' });
    const seededId = seeded?.id ?? '';
    await db.repositories.roles.inTenant(seededId).deleteWhere({ name: 'Editor' });

    const report = await seedDatabase(
      { repositories: db.repositories, credentialHashKey: HASH_KEY, log },
      defaults,
    );
    expect([...report.rbacRepairedTenantIds].sort()).toEqual([seededId, bare.id].sort());
    expect((await db.repositories.roles.inTenant(bare.id).find()).map((role) => role.name)).toEqual([
      'Administrator',
      'Editor',
      'Operator',
      'ReadOnly',
    ]);
    expect(await db.repositories.userRoleMaps.inTenant(bare.id).count()).toBe(0);
    // The existing permission is matched by name: no duplicate is created.
    expect(await db.repositories.permissions.inTenant(seededId).count()).toBe(4);
    expect(await db.repositories.roles.inTenant(seededId).count()).toBe(4);
  });

  it("ensures sample steps: creates, overwrites protected ones, leaves a tenant's own step alone", async () => {
    await seedDatabase(
      { repositories: db.repositories, credentialHashKey: HASH_KEY, log, sampleSteps: [sample] },
      defaults,
    );
    const [tenant] = await db.repositories.tenants.find();
    const steps = db.repositories.steps.inTenant(tenant?.id ?? '');
    const created = await steps.findOne({ executionKey: sample.executionKey });
    expect(created).toMatchObject({
      name: 'Sample built-in method',
      isProtected: true,
      runtimeBindingState: 'Resolved',
    });

    await steps.update(created?.id ?? '', { name: 'edited' });
    await seedDatabase(
      { repositories: db.repositories, credentialHashKey: HASH_KEY, log, sampleSteps: [sample] },
      defaults,
    );
    const restored = await steps.findOne({ executionKey: sample.executionKey });
    expect(restored).toMatchObject({
      id: created?.id,
      createdUtc: created?.createdUtc,
      name: 'Sample built-in method',
    });

    await steps.update(created?.id ?? '', { isProtected: false, name: 'mine now' });
    await seedDatabase(
      { repositories: db.repositories, credentialHashKey: HASH_KEY, log, sampleSteps: [sample] },
      defaults,
    );
    expect((await steps.findOne({ executionKey: sample.executionKey }))?.name).toBe('mine now');
    expect(await steps.count()).toBe(1);
  });

  describe('hydration file', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tempo-hydration-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('loads PascalCase flows, steps and triggers into the default tenant, idempotently', async () => {
      const file = join(dir, 'hydration.json');
      writeFileSync(
        file,
        JSON.stringify({
          Steps: [
            {
              ExecutionKey: 'echo',
              Name: 'Echo',
              RuntimeKey: 'Builtin.Method',
              RuntimeConfig: { RuntimeKey: 'Builtin.Method', Identifier: 'echo' },
            },
          ],
          Flows: [
            {
              Id: 'flow_hydrated',
              Name: 'Hydrated',
              StartStepId: 'echo',
              Transitions: { echo: { OnSuccess: null, MaxTransitions: 1 } },
            },
          ],
          Triggers: [
            {
              Id: 'trg_hydrated',
              Name: 'Hook',
              DataFlowId: 'flow_hydrated',
              Configuration: { allowedMethods: ['GET'] },
            },
            { Name: '' },
          ],
        }),
      );
      const options = { ...defaults, hydrationFile: file };
      const report = await seedDatabase(
        { repositories: db.repositories, credentialHashKey: HASH_KEY, log },
        options,
      );
      const tenantId = report.defaultTenantId ?? '';
      const r = db.repositories;
      expect(await r.steps.inTenant(tenantId).findOne({ executionKey: 'echo' })).toMatchObject({
        name: 'Echo',
        runtimeBindingState: 'Resolved',
        runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'echo' },
      });
      expect(await r.dataFlows.inTenant(tenantId).get('flow_hydrated')).toMatchObject({
        startStepId: 'echo',
        transitions: { echo: { onSuccess: null, maxTransitions: 1 } },
        invocationAuthMode: 'Public',
      });
      expect((await r.triggers.inTenant(tenantId).get('trg_hydrated'))?.configuration).toBe(
        '{"allowedMethods":["GET"]}',
      );
      expect(warnings.map((w) => w.message)).toEqual(['hydration entry skipped']);

      // Flows and triggers whose id exists are left alone; steps are upserted.
      await r.dataFlows.inTenant(tenantId).update('flow_hydrated', { name: 'Edited' });
      await r.steps.inTenant(tenantId).updateWhere({ executionKey: 'echo' }, { name: 'Edited' });
      await seedDatabase({ repositories: db.repositories, credentialHashKey: HASH_KEY, log }, options);
      expect((await r.dataFlows.inTenant(tenantId).get('flow_hydrated'))?.name).toBe('Edited');
      expect((await r.steps.inTenant(tenantId).findOne({ executionKey: 'echo' }))?.name).toBe('Echo');
      expect(await r.steps.inTenant(tenantId).count()).toBe(1);
      expect(await r.triggers.inTenant(tenantId).count()).toBe(1);
    });

    it('logs a missing or malformed file and carries on', async () => {
      await seedDatabase(
        { repositories: db.repositories, credentialHashKey: HASH_KEY, log },
        { ...defaults, hydrationFile: join(dir, 'missing.json') },
      );
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{ not json');
      await seedDatabase(
        { repositories: db.repositories, credentialHashKey: HASH_KEY, log },
        { ...defaults, hydrationFile: broken },
      );
      expect(warnings.map((w) => w.message)).toEqual([
        'hydration file not loaded',
        'hydration file not loaded',
      ]);
      expect(await db.repositories.tenants.count()).toBe(1);
    });
  });
});
