import type { PermissionType, TempoError } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import { openDatabase, type Repositories, type TempoDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authorizer } from './authorizer.ts';
import type { Principal } from './principal.ts';

// The authorizer over a real (SQLite) database: which roles, links and permissions count, and
// what each kind of caller may do in which tenant.

let db: TempoDatabase;
let repositories: Repositories;
const tenantId = newId('tenant');
const otherTenantId = newId('tenant');

beforeAll(async () => {
  db = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  await db.migrate();
  repositories = db.repositories;
  await repositories.tenants.create({ id: tenantId, name: 'one' });
  await repositories.tenants.create({ id: otherTenantId, name: 'two' });
});
afterAll(async () => {
  await db.close();
});

const user = (extra: Partial<Principal & { kind: 'user' }> = {}): Principal & { kind: 'user' } => ({
  kind: 'user',
  userId: newId('user'),
  tenantId,
  email: 'someone@example.com',
  isAdmin: false,
  isTenantAdmin: false,
  method: 'token',
  credentialId: null,
  tokenVersion: 0,
  ...extra,
});
const administrator: Principal = {
  kind: 'administrator',
  administratorId: null,
  email: null,
  method: 'apiKey',
  tokenVersion: 0,
};

interface GrantOptions {
  readonly permissionType?: PermissionType;
  readonly resourceTypes?: ('DataFlow' | 'Step' | 'All')[];
  readonly operationTypes?: ('Read' | 'Delete' | 'All')[];
  /** Which of the chain is switched off. */
  readonly inactive?: 'userRole' | 'role' | 'link' | 'permission';
}

/** Gives a user one role with one permission, every part of the chain written separately. */
const grant = async (userId: string, options: GrantOptions = {}) => {
  const off = (part: GrantOptions['inactive']) => ({ active: options.inactive !== part });
  const role = await repositories.roles
    .inTenant(tenantId)
    .create({ id: newId('role'), name: newId('role'), ...off('role') });
  const permission = await repositories.permissions.inTenant(tenantId).create({
    id: newId('permission'),
    resourceTypes: options.resourceTypes ?? ['DataFlow'],
    operationTypes: options.operationTypes ?? ['Read'],
    permissionType: options.permissionType ?? 'Permit',
    ...off('permission'),
  });
  await repositories.userRoleMaps
    .inTenant(tenantId)
    .create({ id: newId('userRoleMap'), userId, roleId: role.id, ...off('userRole') });
  await repositories.rolePermissionMaps
    .inTenant(tenantId)
    .create({ id: newId('rolePermissionMap'), roleId: role.id, permissionId: permission.id, ...off('link') });
};

const tenantRule = { kind: 'tenant', resource: 'DataFlow', operation: 'Read' } as const;
const refusal = (promise: Promise<void>) =>
  promise.then(
    () => null,
    (error: TempoError) => [error.statusCode, error.code],
  );

describe('Authorizer.permits', () => {
  it('lets global administrators and admin users act in any tenant', async () => {
    const authorizer = new Authorizer(repositories);
    expect(await authorizer.permits(administrator, otherTenantId, 'Step', 'Delete')).toBe(true);
    expect(await authorizer.permits(user({ isAdmin: true }), otherTenantId, 'Step', 'Delete')).toBe(true);
  });

  it('lets a tenant administrator act in its own tenant only', async () => {
    const authorizer = new Authorizer(repositories);
    const admin = user({ isTenantAdmin: true });
    expect(await authorizer.permits(admin, tenantId, 'Step', 'Delete')).toBe(true);
    expect(await authorizer.permits(admin, otherTenantId, 'Step', 'Read')).toBe(false);
  });

  it('never lets an anonymous caller act', async () => {
    const authorizer = new Authorizer(repositories);
    expect(await authorizer.permits({ kind: 'anonymous', result: null }, tenantId, 'DataFlow', 'Read')).toBe(
      false,
    );
  });

  it("allows a user what its active role's Permit names, and nothing else", async () => {
    const caller = user();
    await grant(caller.userId);
    const authorizer = new Authorizer(repositories);
    expect(await authorizer.permits(caller, tenantId, 'DataFlow', 'Read')).toBe(true);
    expect(await authorizer.permits(caller, tenantId, 'DataFlow', 'Delete')).toBe(false);
    expect(await authorizer.permits(caller, tenantId, 'Step', 'Read')).toBe(false);
    // The same permissions give nothing in another tenant.
    expect(await authorizer.permits(caller, otherTenantId, 'DataFlow', 'Read')).toBe(false);
  });

  it('lets a Deny from another role win over a Permit', async () => {
    const caller = user();
    await grant(caller.userId, { resourceTypes: ['All'], operationTypes: ['All'] });
    await grant(caller.userId, { permissionType: 'Deny', operationTypes: ['Delete'] });
    const authorizer = new Authorizer(repositories);
    expect(await authorizer.permits(caller, tenantId, 'DataFlow', 'Read')).toBe(true);
    expect(await authorizer.permits(caller, tenantId, 'DataFlow', 'Delete')).toBe(false);
  });

  it.each(['userRole', 'role', 'link', 'permission'] as const)(
    'counts nothing a switched-off %s carries',
    async (inactive) => {
      const caller = user();
      await grant(caller.userId, { inactive });
      expect(await new Authorizer(repositories).permits(caller, tenantId, 'DataFlow', 'Read')).toBe(false);
    },
  );

  it('counts nothing for a user without roles', async () => {
    expect(await new Authorizer(repositories).permits(user(), tenantId, 'DataFlow', 'Read')).toBe(false);
  });

  it('reads a caller’s permissions once per principal (one request)', async () => {
    const caller = user();
    const authorizer = new Authorizer(repositories);
    expect(await authorizer.permits(caller, tenantId, 'DataFlow', 'Read')).toBe(false);
    await grant(caller.userId);
    // The same request keeps what it read; the next request (a new principal) sees the grant.
    expect(await authorizer.permits(caller, tenantId, 'DataFlow', 'Read')).toBe(false);
    expect(await authorizer.permits({ ...caller }, tenantId, 'DataFlow', 'Read')).toBe(true);
  });
});

describe('Authorizer.holdingOf and reachOf', () => {
  it('describes what each kind of caller holds in a tenant', async () => {
    const authorizer = new Authorizer(repositories);
    expect(await authorizer.holdingOf(administrator, tenantId)).toEqual({ kind: 'global' });
    expect(await authorizer.holdingOf(user({ isTenantAdmin: true }), tenantId)).toEqual({
      kind: 'tenantAdmin',
    });
    expect(await authorizer.holdingOf(user({ isTenantAdmin: true }), otherTenantId)).toEqual({
      kind: 'roles',
      pairs: new Set(),
    });
    const caller = user();
    await grant(caller.userId, { operationTypes: ['Read', 'Delete'] });
    await grant(caller.userId, { permissionType: 'Deny', operationTypes: ['Delete'] });
    expect(await authorizer.holdingOf(caller, tenantId)).toEqual({
      kind: 'roles',
      pairs: new Set(['DataFlow/Read']),
    });
  });

  it('measures what a user could hold: switched-off grants included, Deny not subtracted', async () => {
    const authorizer = new Authorizer(repositories);
    const userId = newId('user');
    await grant(userId, { resourceTypes: ['Step'], inactive: 'role' });
    await grant(userId, { resourceTypes: ['DataFlow'], operationTypes: ['Delete'] });
    await grant(userId, { permissionType: 'Deny', resourceTypes: ['DataFlow'], operationTypes: ['Delete'] });
    // A Deny names what it takes away, never what could be held.
    await grant(userId, { permissionType: 'Deny', resourceTypes: ['Step'], operationTypes: ['Delete'] });
    expect(await authorizer.reachOf(tenantId, { id: userId, isAdmin: false, isTenantAdmin: false })).toEqual({
      kind: 'roles',
      pairs: new Set(['Step/Read', 'DataFlow/Delete']),
    });
    expect(await authorizer.reachOf(tenantId, { id: userId, isAdmin: true, isTenantAdmin: false })).toEqual({
      kind: 'global',
    });
    expect(await authorizer.reachOf(tenantId, { id: userId, isAdmin: false, isTenantAdmin: true })).toEqual({
      kind: 'tenantAdmin',
    });
  });
});

describe('Authorizer.enforce', () => {
  it('lets anyone through public and authenticated rules', async () => {
    const authorizer = new Authorizer(repositories);
    const anonymous: Principal = { kind: 'anonymous', result: null };
    expect(await refusal(authorizer.enforce({ kind: 'public' }, anonymous, {}))).toBeNull();
    expect(await refusal(authorizer.enforce({ kind: 'authenticated' }, anonymous, {}))).toBeNull();
  });

  it('keeps admin rules to global administrators', async () => {
    const authorizer = new Authorizer(repositories);
    expect(await refusal(authorizer.enforce({ kind: 'admin' }, administrator, {}))).toBeNull();
    expect(await refusal(authorizer.enforce({ kind: 'admin' }, user({ isTenantAdmin: true }), {}))).toEqual([
      403,
      'Forbidden',
    ]);
  });

  it('checks the tenant named by the route and the permission', async () => {
    const authorizer = new Authorizer(repositories);
    const caller = user();
    await grant(caller.userId);
    expect(await refusal(authorizer.enforce(tenantRule, caller, { tenantId }))).toBeNull();
    expect(
      await refusal(authorizer.enforce({ ...tenantRule, operation: 'Delete' }, caller, { tenantId })),
    ).toEqual([403, 'Forbidden']);
    expect(await refusal(authorizer.enforce(tenantRule, caller, { tenantId: otherTenantId }))).toEqual([
      403,
      'Forbidden',
    ]);
    expect(
      await refusal(authorizer.enforce({ ...tenantRule, tenantParam: 'owner' }, caller, { owner: tenantId })),
    ).toBeNull();
  });

  it('refuses a missing tenant parameter as a bad request', async () => {
    const authorizer = new Authorizer(repositories);
    for (const params of [{}, { tenantId: '' }, { tenantId: 7 }]) {
      expect(await refusal(authorizer.enforce(tenantRule, administrator, params))).toEqual([
        400,
        'BadRequest',
      ]);
    }
    await expect(authorizer.enforce(tenantRule, administrator, {})).rejects.toThrow('tenantId required.');
  });

  it('answers 404 to an administrator naming a tenant that does not exist', async () => {
    const authorizer = new Authorizer(repositories);
    const unknown = newId('tenant');
    await expect(authorizer.enforce(tenantRule, administrator, { tenantId: unknown })).rejects.toMatchObject({
      message: `Tenant ${unknown} was not found.`,
      context: { resource: 'Tenant', id: unknown },
    });
    expect(
      await refusal(authorizer.enforce(tenantRule, administrator, { tenantId: newId('tenant') })),
    ).toEqual([404, 'NotFound']);
  });
});
