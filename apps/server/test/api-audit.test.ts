import type { TempoClient } from '@tempo/client';
import type { AuditAction, AuditEventRecord } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';

let f: ApiFixture;
/** Tenant A's tenant administrator (access key) and its user id and sign-in. */
let tenantAdmin: TempoClient;
let tenantAdminId: string;
const TENANT_ADMIN_EMAIL = 'audit-tenant-admin@tenant-a.test';
const TENANT_ADMIN_PASSWORD = 'audit-admin-password-7f3c';
/** Tenant B's tenant administrator. */
let tenantBAdmin: TempoClient;
/** Secrets this file hands to the server; none may show in any audit event. */
const secrets: string[] = [];

const LOOPBACK = '127.0.0.1';

/** A tenant administrator of the tenant, and a client of it by access key. */
const tenantAdminOf = async (tenantId: string, email: string, password: string) => {
  const tenant = f.admin.tenant(tenantId);
  const user = await tenant.users.create({ email, passwordSha256: password, isTenantAdmin: true });
  const key = await tenant.credentials.create({ userId: user.id, name: `${email} key` });
  secrets.push(password, key.accessKey, key.secretKey);
  return { id: user.id, client: f.admin.withCredentials({ accessKey: key.accessKey }) };
};

beforeAll(async () => {
  f = await startApiFixture();
  const a = await tenantAdminOf(f.tenantA, TENANT_ADMIN_EMAIL, TENANT_ADMIN_PASSWORD);
  tenantAdminId = a.id;
  tenantAdmin = a.client;
  tenantBAdmin = (await tenantAdminOf(f.tenantB, 'audit-tenant-admin@tenant-b.test', 'tenant-b-admin-pw'))
    .client;
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

/** Events are written after the answer: reads are retried until `found` holds or time runs out. */
const eventually = async (
  read: () => Promise<readonly AuditEventRecord[]>,
  found: (events: readonly AuditEventRecord[]) => boolean,
): Promise<readonly AuditEventRecord[]> => {
  let events: readonly AuditEventRecord[] = [];
  for (let attempt = 0; attempt < 100; attempt++) {
    events = await read();
    if (found(events)) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return events;
};

const tenantLog = (action: AuditAction) => async () =>
  (await tenantAdmin.tenant(f.tenantA).audit.list({ action, pageSize: 100 })).items;
const globalLog = (action: AuditAction) => async () =>
  (await f.admin.audit.list({ action, pageSize: 1000 })).items;

/** The one event of `action` about `targetId` in tenant A's log. */
const eventOf = async (action: AuditAction, targetId: string): Promise<AuditEventRecord> => {
  const events = await eventually(tenantLog(action), (list) => list.some((e) => e.targetId === targetId));
  const event = events.find((e) => e.targetId === targetId);
  if (!event) throw new Error(`no ${action} event about ${targetId}: ${JSON.stringify(events)}`);
  return event;
};

/** Expects the event to name tenant A's tenant administrator, from loopback, as a success. */
const byTenantAdmin = (event: AuditEventRecord) => {
  expect(event).toMatchObject({
    tenantId: f.tenantA,
    actorKind: 'User',
    actorId: tenantAdminId,
    actorName: TENANT_ADMIN_EMAIL,
    authMethod: 'accessKey',
    sourceIp: LOOPBACK,
    outcome: 'Succeeded',
  });
};

describe('audit log', () => {
  it('records sign-ins and failed sign-ins by the token route and by the x-email/x-password headers, and sign-outs', async () => {
    const signIn = { email: TENANT_ADMIN_EMAIL, password: TENANT_ADMIN_PASSWORD, tenantId: f.tenantA };
    const { token } = await f.anonymous.token.issue(signIn);
    secrets.push(token);
    await f.anonymous.withCredentials({ token }).token.revoke();
    const wrong = await f.anonymous.raw('POST', '/v1.0/token', {
      body: { email: TENANT_ADMIN_EMAIL, password: 'not-the-password-1' },
    });
    expect(wrong.status).toBe(401);
    const byHeaders = f.anonymous.withCredentials({
      email: TENANT_ADMIN_EMAIL,
      password: TENANT_ADMIN_PASSWORD,
      tenantId: f.tenantA,
    });
    expect((await byHeaders.me()).type).toBe('user');
    const badHeaders = await f.anonymous.raw('GET', '/v1.0/me', {
      headers: { 'x-email': 'nobody-here@tenant-a.test', 'x-password': 'not-the-password-2' },
    });
    expect(badHeaders.status).toBe(200);
    secrets.push('not-the-password-1', 'not-the-password-2');

    const signIns = await eventually(tenantLog('SignIn'), (list) => list.length >= 2);
    for (const via of ['token', 'headers']) {
      const event = signIns.find((e) => e.detail.via === via);
      expect(event, `SignIn via ${via}`).toMatchObject({
        tenantId: f.tenantA,
        actorKind: 'User',
        actorId: tenantAdminId,
        actorName: TENANT_ADMIN_EMAIL,
        sourceIp: LOOPBACK,
        targetType: 'User',
        targetId: tenantAdminId,
        outcome: 'Succeeded',
      });
    }
    const revoked = await eventually(tenantLog('TokenRevoked'), (list) => list.length > 0);
    expect(revoked[0]).toMatchObject({
      tenantId: f.tenantA,
      actorId: tenantAdminId,
      authMethod: 'token',
      sourceIp: LOOPBACK,
      targetId: tenantAdminId,
      statusCode: 204,
    });
    const failures = await eventually(globalLog('SignInFailed'), (list) => list.length >= 2);
    expect(failures.find((e) => e.detail.via === 'token')).toMatchObject({
      tenantId: null,
      actorKind: 'Anonymous',
      actorName: TENANT_ADMIN_EMAIL,
      sourceIp: LOOPBACK,
      outcome: 'Failed',
      statusCode: 401,
    });
    expect(failures.find((e) => e.detail.via === 'headers')).toMatchObject({
      actorName: 'nobody-here@tenant-a.test',
      sourceIp: LOOPBACK,
      outcome: 'Failed',
    });
  });

  it('records key creation and deletion with actor, address, target and owner', async () => {
    const a = tenantAdmin.tenant(f.tenantA);
    const owner = await a.users.create({ email: 'key-owner@tenant-a.test', passwordSha256: 'owner-pw-1' });
    secrets.push('owner-pw-1');
    const key = await a.credentials.create({ userId: owner.id, name: 'audited key' });
    secrets.push(key.accessKey, key.secretKey);
    await a.credentials.delete(key.id);

    const created = await eventOf('CredentialCreated', key.id);
    byTenantAdmin(created);
    expect(created).toMatchObject({ targetType: 'Credential', statusCode: 201 });
    expect(created.detail).toEqual({ userId: owner.id, name: 'audited key' });
    const deleted = await eventOf('CredentialDeleted', key.id);
    byTenantAdmin(deleted);
    expect(deleted.detail).toEqual({ userId: owner.id, name: 'audited key' });
  });

  it('records role and permission changes and role grants and revocations', async () => {
    const a = tenantAdmin.tenant(f.tenantA);
    const role = await a.roles.create({ name: 'Audited role' });
    await a.roles.update(role.id, { description: 'changed' });
    const permission = await a.permissions.create({
      name: 'audited permission',
      resourceTypes: ['Step'],
      operationTypes: ['Read'],
    });
    await a.permissions.update(permission.id, { operationTypes: ['Read', 'Delete'] });
    const user = await a.users.create({ email: 'role-holder@tenant-a.test', passwordSha256: 'holder-pw-1' });
    secrets.push('holder-pw-1');
    const link = await a.userRoleMaps.create({ userId: user.id, roleId: role.id });
    await a.userRoleMaps.delete(link.id);

    byTenantAdmin(await eventOf('RoleCreated', role.id));
    expect((await eventOf('RoleChanged', role.id)).detail).toEqual({ fields: ['description'] });
    expect((await eventOf('PermissionCreated', permission.id)).detail).toMatchObject({
      resourceTypes: ['Step'],
      operationTypes: ['Read'],
      permissionType: 'Permit',
    });
    const changed = await eventOf('PermissionChanged', permission.id);
    byTenantAdmin(changed);
    expect(changed.detail).toMatchObject({
      fields: ['operationTypes'],
      now: { operationTypes: ['Read', 'Delete'] },
    });
    expect((await eventOf('UserRoleGranted', link.id)).detail).toEqual({ userId: user.id, roleId: role.id });
    const revoked = await eventOf('UserRoleRevoked', link.id);
    byTenantAdmin(revoked);
    expect(revoked.detail).toEqual({ userId: user.id, roleId: role.id });
  });

  it("records a user's admin-flag changes with their old and new values, and a password change without it", async () => {
    const a = tenantAdmin.tenant(f.tenantA);
    const user = await a.users.create({ email: 'promoted@tenant-a.test', passwordSha256: 'promoted-pw-1' });
    await a.users.update(user.id, { isTenantAdmin: true, passwordSha256: 'promoted-pw-2' });
    await f.admin.tenant(f.tenantA).users.update(user.id, { isAdmin: true });
    secrets.push('promoted-pw-1', 'promoted-pw-2');

    const events = await eventually(
      tenantLog('UserUpdated'),
      (list) => list.filter((e) => e.targetId === user.id).length >= 2,
    );
    const byTenant = events.find((e) => e.targetId === user.id && e.actorId === tenantAdminId);
    expect(byTenant).toBeDefined();
    byTenantAdmin(byTenant as AuditEventRecord);
    expect(byTenant?.detail).toEqual({
      fields: ['isTenantAdmin', 'password'],
      changed: { isTenantAdmin: { from: false, to: true } },
    });
    const byAdmin = events.find((e) => e.targetId === user.id && e.actorKind === 'Administrator');
    expect(byAdmin).toMatchObject({
      tenantId: f.tenantA,
      actorName: 'admin-api-key',
      authMethod: 'apiKey',
      sourceIp: LOOPBACK,
    });
    expect(byAdmin?.detail).toEqual({ fields: ['isAdmin'], changed: { isAdmin: { from: false, to: true } } });
  });

  it("records deletes of users, flows and steps, and a refused delete as Denied in the caller's tenant", async () => {
    const a = tenantAdmin.tenant(f.tenantA);
    const user = await a.users.create({ email: 'leaving@tenant-a.test', passwordSha256: 'leaving-pw-1' });
    secrets.push('leaving-pw-1');
    const step = await a.steps.create({
      executionKey: 'audit.deleted.step',
      name: 'deleted step',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
    });
    const flow = await a.flows.create({
      name: 'deleted flow',
      startStepId: step.executionKey,
      transitions: { [step.executionKey]: {} },
    });
    await a.steps.update(step.id, { name: 'renamed step' });
    await a.flows.update(flow.id, { name: 'renamed flow' });
    const refused = await f.as.ReadOnly.raw('DELETE', `/v1.0/tenants/${f.tenantA}/users/${user.id}`);
    expect(refused.status).toBe(403);
    await a.flows.delete(flow.id);
    await a.steps.bulkDelete([step.id]);
    await a.users.delete(user.id);

    const stepUpdated = await eventOf('StepUpdated', step.id);
    byTenantAdmin(stepUpdated);
    expect(stepUpdated.detail).toEqual({ fields: ['name'] });
    expect((await eventOf('FlowUpdated', flow.id)).detail).toEqual({ fields: ['name'] });
    const userDeleted = await eventOf('UserDeleted', user.id);
    byTenantAdmin(userDeleted);
    expect(userDeleted).toMatchObject({ targetType: 'User', statusCode: 204 });
    expect(userDeleted.detail).toEqual({ email: 'leaving@tenant-a.test' });
    byTenantAdmin(await eventOf('FlowDeleted', flow.id));
    const bulk = await eventually(tenantLog('StepDeleted'), (list) =>
      list.some((e) => Array.isArray(e.detail.ids) && e.detail.ids.includes(step.id)),
    );
    expect(bulk.find((e) => Array.isArray(e.detail.ids))?.detail).toMatchObject({
      ids: [step.id],
      deletedCount: 1,
    });
    const denied = await eventually(tenantLog('UserDeleted'), (list) =>
      list.some((e) => e.outcome === 'Denied'),
    );
    expect(denied.find((e) => e.outcome === 'Denied')).toMatchObject({
      tenantId: f.tenantA,
      actorKind: 'User',
      actorName: expect.stringMatching(/^readonly-/),
      targetId: user.id,
      statusCode: 403,
      sourceIp: LOOPBACK,
    });
  });

  it("shows a tenant's log only to its tenant administrators and to global administrators", async () => {
    const path = `/v1.0/tenants/${f.tenantA}/audit`;
    expect((await f.anonymous.raw('GET', path)).status).toBe(401);
    // Tenant B's tenant administrator and Administrator-role user, and every role of tenant A.
    for (const caller of [tenantBAdmin, f.tenantBUser, f.as.Administrator, f.as.Editor, f.as.ReadOnly]) {
      const answer = await caller.raw('GET', path);
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: 'Forbidden' });
    }
    for (const caller of [tenantAdmin, tenantBAdmin, f.as.Administrator])
      expect((await caller.raw('GET', '/v1.0/audit')).status).toBe(403);
    expect((await f.admin.raw('GET', '/v1.0/tenants/ten_missing/audit')).status).toBe(404);

    const seenByAdmin = await f.admin.tenant(f.tenantA).audit.list({ pageSize: 1000 });
    expect(seenByAdmin.totalCount).toBeGreaterThan(5);
    expect(seenByAdmin.items.every((e) => e.tenantId === f.tenantA)).toBe(true);
    // Tenant B's own log holds none of tenant A's events.
    const tenantB = await tenantBAdmin.tenant(f.tenantB).audit.list({ pageSize: 1000 });
    expect(tenantB.items.every((e) => e.tenantId === f.tenantB)).toBe(true);
    expect(JSON.stringify(tenantB.items)).not.toContain(f.tenantA);
    const filtered = await f.admin.audit.list({ tenantId: f.tenantB, pageSize: 1000 });
    expect(filtered.items.every((e) => e.tenantId === f.tenantB)).toBe(true);
  });

  it('lists newest first, pages, and filters by action, actor and time', async () => {
    const log = tenantAdmin.tenant(f.tenantA).audit;
    const all = await log.list({ pageSize: 1000 });
    const times = all.items.map((e) => e.occurredUtc);
    expect([...times].sort().reverse()).toEqual(times);
    const second = await log.list({ pageSize: 2, pageNumber: 2 });
    expect(second.items.map((e) => e.id)).toEqual(all.items.slice(2, 4).map((e) => e.id));
    const mine = await log.list({ actorId: tenantAdminId, pageSize: 1000 });
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((e) => e.actorId === tenantAdminId)).toBe(true);
    const byName = await log.list({ actorName: TENANT_ADMIN_EMAIL.toUpperCase(), pageSize: 1000 });
    expect(byName.totalCount).toBe(mine.totalCount);
    expect((await log.list({ fromUtc: '2999-01-01T00:00:00Z' })).totalCount).toBe(0);
    expect((await log.list({ toUtc: '2000-01-01T00:00:00+02:00' })).totalCount).toBe(0);
    const bad = await tenantAdmin.raw('GET', `/v1.0/tenants/${f.tenantA}/audit`, {
      query: { action: 'NoSuchAction' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'BadRequest' });
  });

  it('holds no password, key or secret in any event', async () => {
    const everything = await eventually(
      async () => (await f.admin.audit.list({ pageSize: 1000 })).items,
      (list) => list.length > 20,
    );
    const text = JSON.stringify(everything);
    expect(everything.length).toBeGreaterThan(20);
    for (const secret of [...f.secrets, ...secrets]) expect(text).not.toContain(secret);
  });
});
