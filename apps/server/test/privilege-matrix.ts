import type { TempoClient } from '@tempo/client';
import type { CreatePermissionRequest } from '@tempo/contracts';
import type { z } from 'zod';
import type { Actor, World, WorldUser } from './privilege-world.ts';

/** What one cell did: the status the actor got, and whether the change is there afterwards. */
export interface Outcome {
  readonly status: number;
  /** Asks the administrator whether the change took place. */
  readonly took: () => Promise<boolean>;
}

/** A change that a user makes about another user (or itself). */
export interface UserChangeRow {
  readonly change: string;
  /** The route it goes through, as the OpenAPI document names it. */
  readonly route: string;
  /** Expected status per actor, for the targets self, peer, tenant administrator, global administrator. */
  readonly expect: Readonly<Record<Actor, readonly [number, number, number, number]>>;
  readonly perform: (world: World, target: WorldUser, anonymous: TempoClient) => Promise<Outcome>;
}

/** A grant, attachment or edit of roles, permissions, tenants or administrators. */
export interface GrantRow {
  readonly change: string;
  readonly route: string;
  readonly expect: Readonly<Record<Actor, number>>;
  readonly perform: (world: World) => Promise<Outcome>;
}

const T = '/v1.0/tenants/{tenantId}';
const OK = 200;
const NEW = 201;
const GONE = 204;
const NO = 403;
/** 409: a user may not delete itself; a role held twice. */
const CONFLICT = 409;

const same = (status: number) => [status, status, status, status] as const;
/** Role holders below the Editor change nothing about identities. */
const readers = { ReadOnly: same(NO), Operator: same(NO) } as const;

/**
 * Acting for another user: Editors (with `editors`) and Administrator-role holders on themselves
 * and their peers, tenant administrators on tenant administrators too, global administrators on all.
 */
const actingFor = (status: number, editors = status): UserChangeRow['expect'] => ({
  ...readers,
  Editor: [editors, editors, NO, NO],
  Administrator: [status, status, NO, NO],
  TenantAdmin: [status, status, status, NO],
  GlobalAdmin: same(status),
});

const put = async (world: World, path: string, body: unknown) =>
  (await world.as.raw('PUT', `/v1.0/tenants/${world.tenantId}${path}`, { body })).status;
const post = async (world: World, path: string, body: unknown) =>
  world.as.raw('POST', `/v1.0/tenants/${world.tenantId}${path}`, { body });
const del = async (world: World, path: string) =>
  (await world.as.raw('DELETE', `/v1.0/tenants/${world.tenantId}${path}`)).status;

const userNow = (world: World, id: string) => world.setup.users.get(id);
const exists = (read: () => Promise<unknown>) =>
  read().then(
    () => true,
    () => false,
  );

/** Changes about users: each performed by every actor on each target, in a world of its own. */
export const USER_CHANGES: readonly UserChangeRow[] = [
  {
    change: 'rename',
    route: `PUT ${T}/users/{id}`,
    expect: actingFor(OK),
    perform: async (world, target) => ({
      status: await put(world, `/users/${target.id}`, { firstName: 'Renamed' }),
      took: async () => (await userNow(world, target.id)).firstName === 'Renamed',
    }),
  },
  {
    change: 'change the password',
    route: `PUT ${T}/users/{id}`,
    expect: actingFor(OK),
    perform: async (world, target, anonymous) => ({
      status: await put(world, `/users/${target.id}`, { passwordSha256: 'taken-over-password' }),
      took: () =>
        exists(() =>
          anonymous.token.issue({
            email: target.email,
            password: 'taken-over-password',
            tenantId: world.tenantId,
          }),
        ),
    }),
  },
  {
    change: 'change the email',
    route: `PUT ${T}/users/{id}`,
    expect: actingFor(OK),
    perform: async (world, target) => ({
      status: await put(world, `/users/${target.id}`, { email: `moved-${target.email}` }),
      took: async () => (await userNow(world, target.id)).email === `moved-${target.email}`,
    }),
  },
  {
    change: 'flip isTenantAdmin',
    route: `PUT ${T}/users/{id}`,
    expect: {
      ...readers,
      Editor: same(NO),
      Administrator: same(NO),
      TenantAdmin: [OK, OK, OK, NO],
      GlobalAdmin: same(OK),
    },
    perform: async (world, target) => {
      const before = (await userNow(world, target.id)).isTenantAdmin;
      return {
        status: await put(world, `/users/${target.id}`, { isTenantAdmin: !before }),
        took: async () => (await userNow(world, target.id)).isTenantAdmin !== before,
      };
    },
  },
  {
    change: 'flip isAdmin (with a new password, the reported attack)',
    route: `PUT ${T}/users/{id}`,
    expect: {
      ...readers,
      Editor: same(NO),
      Administrator: same(NO),
      TenantAdmin: same(NO),
      GlobalAdmin: same(OK),
    },
    perform: async (world, target) => {
      const before = (await userNow(world, target.id)).isAdmin;
      return {
        status: await put(world, `/users/${target.id}`, {
          passwordSha256: 'x-boss-password',
          isAdmin: !before,
        }),
        took: async () => (await userNow(world, target.id)).isAdmin !== before,
      };
    },
  },
  {
    change: 'deactivate',
    route: `PUT ${T}/users/{id}`,
    expect: actingFor(OK),
    perform: async (world, target) => ({
      status: await put(world, `/users/${target.id}`, { active: false }),
      took: async () => !(await userNow(world, target.id)).active,
    }),
  },
  {
    change: 'delete',
    route: `DELETE ${T}/users/{id}`,
    expect: {
      ...readers,
      Editor: same(NO),
      Administrator: [CONFLICT, GONE, NO, NO],
      TenantAdmin: [CONFLICT, GONE, GONE, NO],
      GlobalAdmin: [CONFLICT, GONE, GONE, GONE],
    },
    perform: async (world, target) => ({
      status: await del(world, `/users/${target.id}`),
      took: async () => !(await exists(() => userNow(world, target.id))),
    }),
  },
  {
    change: 'create a credential for',
    route: `POST ${T}/credentials`,
    expect: actingFor(NEW),
    perform: async (world, target) => {
      const answer = await post(world, '/credentials', { userId: target.id, name: 'matrix key' });
      return {
        status: answer.status,
        took: async () =>
          (await world.setup.credentials.list({ pageSize: 100 })).items.some(
            (c) => c.userId === target.id && c.name === 'matrix key',
          ),
      };
    },
  },
  {
    change: 'deactivate one of its credentials',
    route: `PUT ${T}/credentials/{id}`,
    expect: actingFor(OK),
    perform: async (world, target) => {
      const key = await world.setup.credentials.create({ userId: target.id, name: 'their key' });
      return {
        status: await put(world, `/credentials/${key.id}`, { active: false }),
        took: async () => !(await world.setup.credentials.get(key.id)).active,
      };
    },
  },
  {
    change: 'delete one of its credentials',
    route: `DELETE ${T}/credentials/{id}`,
    expect: actingFor(GONE, NO),
    perform: async (world, target) => {
      const key = await world.setup.credentials.create({ userId: target.id, name: 'their key' });
      return {
        status: await del(world, `/credentials/${key.id}`),
        took: async () => !(await exists(() => world.setup.credentials.get(key.id))),
      };
    },
  },
  {
    change: 'grant a role carrying Step Delete',
    route: `POST ${T}/user-role-maps`,
    expect: actingFor(NEW, NO),
    perform: async (world, target) => {
      const roleId = await world.role('Step deleters', [
        await world.permission({ name: 'step delete', resourceTypes: ['Step'], operationTypes: ['Delete'] }),
      ]);
      const answer = await post(world, '/user-role-maps', { userId: target.id, roleId });
      return {
        status: answer.status,
        took: async () => (await world.setup.users.roles(target.id)).some((m) => m.roleId === roleId),
      };
    },
  },
  {
    change: 'revoke a role carrying Step Read',
    route: `DELETE ${T}/user-role-maps/{id}`,
    expect: actingFor(GONE, NO),
    perform: async (world, target) => {
      const roleId = await world.role('Step readers', [
        await world.permission({ name: 'step read', resourceTypes: ['Step'], operationTypes: ['Read'] }),
      ]);
      const linkId = await world.grant(target.id, roleId);
      return {
        status: await del(world, `/user-role-maps/${linkId}`),
        took: async () => !(await exists(() => world.setup.userRoleMaps.get(linkId))),
      };
    },
  },
];

type PermissionBody = z.input<typeof CreatePermissionRequest>;
const deny: PermissionBody = {
  name: 'no step delete',
  resourceTypes: ['Step'],
  operationTypes: ['Delete'],
  permissionType: 'Deny',
};
const stepRead: PermissionBody = { name: 'step read', resourceTypes: ['Step'], operationTypes: ['Read'] };
const permitAll: PermissionBody = { name: 'everything', resourceTypes: ['All'], operationTypes: ['All'] };

const permissionNow = (world: World, id: string) => world.setup.permissions.get(id);

/** Each allowed for the given actors only (201 or `allowed`), 403 for the rest. */
const only = (allowed: readonly Actor[], status: number, others = NO): Record<Actor, number> => ({
  ReadOnly: allowed.includes('ReadOnly') ? status : others,
  Operator: allowed.includes('Operator') ? status : others,
  Editor: allowed.includes('Editor') ? status : others,
  Administrator: allowed.includes('Administrator') ? status : others,
  TenantAdmin: allowed.includes('TenantAdmin') ? status : others,
  GlobalAdmin: allowed.includes('GlobalAdmin') ? status : others,
});
const WRITERS: readonly Actor[] = ['Editor', 'Administrator', 'TenantAdmin', 'GlobalAdmin'];
const DELETERS: readonly Actor[] = ['Administrator', 'TenantAdmin', 'GlobalAdmin'];
const ADMINS: readonly Actor[] = ['TenantAdmin', 'GlobalAdmin'];
const GLOBAL: readonly Actor[] = ['GlobalAdmin'];

/**
 * A row that creates a record in a tenant collection and then looks for it in the collection's
 * list: users are found by email, roles and permissions by name.
 */
const creates = (
  change: string,
  collection: 'users' | 'permissions' | 'roles',
  body: { readonly email?: string; readonly name?: string } & Record<string, unknown>,
  expect: Record<Actor, number>,
): GrantRow => ({
  change,
  route: `POST ${T}/${collection}`,
  expect,
  perform: async (world) => {
    const answer = await post(world, `/${collection}`, body);
    const listed = async (): Promise<readonly { readonly email?: string; readonly name?: string }[]> =>
      (await world.setup[collection].list({ pageSize: 100 })).items;
    return {
      status: answer.status,
      took: async () =>
        (await listed()).some((item) => (body.email ? item.email === body.email : item.name === body.name)),
    };
  },
});

/** A row that attaches a new permission to a new, empty role. */
const attaches = (change: string, permission: PermissionBody, expect: Record<Actor, number>): GrantRow => ({
  change,
  route: `POST ${T}/role-permission-maps`,
  expect,
  perform: async (world) => {
    const roleId = await world.role('Empty', []);
    const permissionId = await world.permission(permission);
    const answer = await post(world, '/role-permission-maps', { roleId, permissionId });
    return {
      status: answer.status,
      took: async () =>
        (await world.setup.roles.permissions(roleId)).some((l) => l.permissionId === permissionId),
    };
  },
});

/** What each actor may grant, attach and edit. */
export const GRANTS: readonly GrantRow[] = [
  creates(
    'create a plain user',
    'users',
    { email: 'plain@privileges.test', passwordSha256: 'pw' },
    only(WRITERS, NEW),
  ),
  creates(
    'create a user with isTenantAdmin',
    'users',
    { email: 'ta@privileges.test', passwordSha256: 'pw', isTenantAdmin: true },
    only(ADMINS, NEW),
  ),
  creates(
    'create a user with isAdmin',
    'users',
    { email: 'ga@privileges.test', passwordSha256: 'pw', isAdmin: true },
    only(GLOBAL, NEW),
  ),
  {
    change: 'grant itself the Administrator role',
    route: `POST ${T}/user-role-maps`,
    // The Administrator-role holder has it already: 409.
    expect: { ...only(ADMINS, NEW), Administrator: CONFLICT },
    perform: async (world) => {
      const roleId = world.builtIn.Administrator ?? '';
      const before = (await world.setup.users.roles(world.actor.id)).filter(
        (m) => m.roleId === roleId,
      ).length;
      const answer = await post(world, '/user-role-maps', { userId: world.actor.id, roleId });
      return {
        status: answer.status,
        took: async () =>
          (await world.setup.users.roles(world.actor.id)).filter((m) => m.roleId === roleId).length > before,
      };
    },
  },
  {
    change: 'grant the Administrator role to a user without roles',
    route: `POST ${T}/user-role-maps`,
    expect: only(DELETERS, NEW),
    perform: async (world) => {
      const plain = await world.user('None');
      const roleId = world.builtIn.Administrator ?? '';
      const answer = await post(world, '/user-role-maps', { userId: plain.id, roleId });
      return {
        status: answer.status,
        took: async () => (await world.setup.users.roles(plain.id)).some((m) => m.roleId === roleId),
      };
    },
  },
  {
    change: 'switch off its own link to a role carrying a Deny',
    route: `PUT ${T}/user-role-maps/{id}`,
    expect: only(ADMINS, OK),
    perform: async (world) => {
      const linkId = await world.grant(
        world.actor.id,
        await world.role('Restricted', [await world.permission(deny)]),
      );
      return {
        status: await put(world, `/user-role-maps/${linkId}`, { active: false }),
        took: async () => !(await world.setup.userRoleMaps.get(linkId)).active,
      };
    },
  },
  creates(
    'create a Permit permission within its own rights (Step Read)',
    'permissions',
    stepRead,
    only(WRITERS, NEW),
  ),
  creates('create a Permit All permission', 'permissions', permitAll, only(DELETERS, NEW)),
  creates('create a Deny permission', 'permissions', deny, only(ADMINS, NEW)),
  {
    change: 'widen a Step Read permission to every operation',
    route: `PUT ${T}/permissions/{id}`,
    expect: only(DELETERS, OK),
    perform: async (world) => {
      const id = await world.permission(stepRead);
      return {
        status: await put(world, `/permissions/${id}`, { operationTypes: ['All'] }),
        took: async () => (await permissionNow(world, id)).operationTypes.includes('All'),
      };
    },
  },
  {
    change: 'rename a Deny permission (it must stay a narrow Deny)',
    route: `PUT ${T}/permissions/{id}`,
    expect: only(ADMINS, OK),
    perform: async (world) => {
      const id = await world.permission(deny);
      const status = await put(world, `/permissions/${id}`, { name: 'renamed deny' });
      const now = await permissionNow(world, id);
      if (
        now.permissionType !== 'Deny' ||
        now.resourceTypes.join() !== 'Step' ||
        now.operationTypes.join() !== 'Delete'
      )
        throw new Error(`renaming reset the permission: ${JSON.stringify(now)}`);
      return { status, took: async () => now.name === 'renamed deny' };
    },
  },
  {
    change: 'switch off a Deny permission',
    route: `PUT ${T}/permissions/{id}`,
    expect: only(ADMINS, OK),
    perform: async (world) => {
      const id = await world.permission(deny);
      return {
        status: await put(world, `/permissions/${id}`, { active: false }),
        took: async () => !(await permissionNow(world, id)).active,
      };
    },
  },
  {
    change: 'delete a Deny permission',
    route: `DELETE ${T}/permissions/{id}`,
    expect: only(ADMINS, GONE),
    perform: async (world) => {
      const id = await world.permission(deny);
      return {
        status: await del(world, `/permissions/${id}`),
        took: async () => !(await exists(() => permissionNow(world, id))),
      };
    },
  },
  {
    change: 'widen the protected Editor permission to every operation',
    route: `PUT ${T}/permissions/{id}`,
    expect: only(GLOBAL, OK),
    perform: async (world) => {
      const id = world.builtIn['editor - create/read/update/execute'] ?? '';
      return {
        status: await put(world, `/permissions/${id}`, { operationTypes: ['All'] }),
        took: async () => (await permissionNow(world, id)).operationTypes.includes('All'),
      };
    },
  },
  creates('create a role', 'roles', { name: 'Fresh role' }, only(WRITERS, NEW)),
  creates('create a protected role', 'roles', { name: 'Locked role', isProtected: true }, only(ADMINS, NEW)),
  {
    change: 'rename the protected Editor role',
    route: `PUT ${T}/roles/{id}`,
    expect: only(GLOBAL, OK),
    perform: async (world) => {
      const id = world.builtIn.Editor ?? '';
      return {
        status: await put(world, `/roles/${id}`, { name: 'Editors' }),
        took: async () => (await world.setup.roles.get(id)).name === 'Editors',
      };
    },
  },
  {
    change: 'switch off a role carrying Permit All',
    route: `PUT ${T}/roles/{id}`,
    expect: only(DELETERS, OK),
    perform: async (world) => {
      const id = await world.role('Mighty', [await world.permission(permitAll)]);
      return {
        status: await put(world, `/roles/${id}`, { active: false }),
        took: async () => !(await world.setup.roles.get(id)).active,
      };
    },
  },
  {
    change: 'delete a role carrying a Deny',
    route: `DELETE ${T}/roles/{id}`,
    expect: only(ADMINS, GONE),
    perform: async (world) => {
      const id = await world.role('Restricted', [await world.permission(deny)]);
      return {
        status: await del(world, `/roles/${id}`),
        took: async () => !(await exists(() => world.setup.roles.get(id))),
      };
    },
  },
  attaches('attach Permit All to a role', permitAll, only(DELETERS, NEW)),
  attaches('attach Step Read to a role', stepRead, only(WRITERS, NEW)),
  {
    change: 'detach a Deny from a role',
    route: `DELETE ${T}/role-permission-maps/{id}`,
    expect: only(ADMINS, GONE),
    perform: async (world) => {
      const roleId = await world.role('Restricted', [await world.permission(deny)]);
      const [link] = await world.setup.roles.permissions(roleId);
      return {
        status: await del(world, `/role-permission-maps/${link?.id}`),
        took: async () => (await world.setup.roles.permissions(roleId)).length === 0,
      };
    },
  },
  {
    change: 'switch off the protected Editor role-permission link',
    route: `PUT ${T}/role-permission-maps/{id}`,
    expect: only(GLOBAL, OK),
    perform: async (world) => {
      const [link] = await world.setup.roles.permissions(world.builtIn.Editor ?? '');
      return {
        status: await put(world, `/role-permission-maps/${link?.id}`, { active: false }),
        took: async () => !(await world.setup.rolePermissionMaps.get(link?.id ?? '')).active,
      };
    },
  },
  {
    change: 'attach Step Read to the built-in ReadOnly role',
    route: `POST ${T}/role-permission-maps`,
    expect: only(GLOBAL, NEW),
    perform: async (world) => {
      const roleId = world.builtIn.ReadOnly ?? '';
      const permissionId = await world.permission(stepRead);
      const answer = await post(world, '/role-permission-maps', { roleId, permissionId });
      return {
        status: answer.status,
        took: async () =>
          (await world.setup.roles.permissions(roleId)).some((l) => l.permissionId === permissionId),
      };
    },
  },
  {
    change: 'rename a permission linked to the built-in Editor role',
    route: `PUT ${T}/permissions/{id}`,
    expect: only(GLOBAL, OK),
    perform: async (world) => {
      const id = await world.permission(stepRead);
      await world.setup.rolePermissionMaps.create({ roleId: world.builtIn.Editor ?? '', permissionId: id });
      return {
        status: await put(world, `/permissions/${id}`, { name: 'renamed' }),
        took: async () => (await permissionNow(world, id)).name === 'renamed',
      };
    },
  },
  {
    change: 'change the password of a user whose Administrator role is switched off',
    route: `PUT ${T}/users/{id}`,
    // Whoever holds the password gets the role back when someone switches it on.
    expect: only(DELETERS, OK),
    perform: async (world) => {
      const dormant = await world.user('None');
      const linkId = await world.grant(dormant.id, world.builtIn.Administrator ?? '');
      await world.setup.userRoleMaps.update(linkId, { active: false });
      return {
        status: await put(world, `/users/${dormant.id}`, { passwordSha256: 'taken-over-password' }),
        took: () =>
          exists(() =>
            world.admin.token.issue({
              email: dormant.email,
              password: 'taken-over-password',
              tenantId: world.tenantId,
            }),
          ),
      };
    },
  },
  {
    change: 'create a tenant',
    route: 'POST /v1.0/tenants',
    expect: only(GLOBAL, NEW),
    perform: async (world) => {
      const answer = await world.as.raw('POST', '/v1.0/tenants', {
        body: { name: `made by ${world.actor.email}` },
      });
      return { status: answer.status, took: () => tenantNamed(world, `made by ${world.actor.email}`) };
    },
  },
  {
    change: 'rename its own tenant',
    route: 'PUT /v1.0/tenants/{id}',
    expect: only(GLOBAL, OK),
    perform: async (world) => {
      const answer = await world.as.raw('PUT', `/v1.0/tenants/${world.tenantId}`, {
        body: { name: 'Renamed tenant' },
      });
      return {
        status: answer.status,
        took: async () => (await world.admin.tenants.get(world.tenantId)).name === 'Renamed tenant',
      };
    },
  },
  {
    change: 'delete another tenant',
    route: 'DELETE /v1.0/tenants/{id}',
    expect: only(GLOBAL, GONE),
    perform: async (world) => {
      const other = await world.admin.tenants.create({ name: 'victim tenant' });
      const answer = await world.as.raw('DELETE', `/v1.0/tenants/${other.id}`);
      return {
        status: answer.status,
        took: async () => !(await exists(() => world.admin.tenants.get(other.id))),
      };
    },
  },
  {
    change: 'create an administrator',
    route: 'POST /v1.0/admins',
    expect: only(GLOBAL, NEW),
    perform: async (world) => {
      const email = `admin-${world.tenantId.slice(-8).toLowerCase()}@privileges.test`;
      const answer = await world.as.raw('POST', '/v1.0/admins', { body: { email, passwordSha256: 'pw' } });
      return { status: answer.status, took: () => administratorNamed(world, email) };
    },
  },
  {
    change: "change an administrator's password",
    route: 'PUT /v1.0/admins/{id}',
    expect: only(GLOBAL, OK),
    perform: async (world) => {
      const email = `boss-${world.tenantId.slice(-8).toLowerCase()}@privileges.test`;
      const boss = await world.admin.admins.create({ email, passwordSha256: 'boss-password' });
      const answer = await world.as.raw('PUT', `/v1.0/admins/${boss.id}`, {
        body: { passwordSha256: 'taken' },
      });
      return {
        status: answer.status,
        took: () =>
          exists(() =>
            world.admin
              .withCredentials({ email, password: 'taken' })
              .me()
              .then((me) => {
                if (me.type !== 'administrator') throw new Error('not signed in');
              }),
          ),
      };
    },
  },
  {
    change: 'delete an administrator',
    route: 'DELETE /v1.0/admins/{id}',
    expect: only(GLOBAL, GONE),
    perform: async (world) => {
      const email = `gone-${world.tenantId.slice(-8).toLowerCase()}@privileges.test`;
      const victim = await world.admin.admins.create({ email, passwordSha256: 'pw' });
      const answer = await world.as.raw('DELETE', `/v1.0/admins/${victim.id}`);
      return { status: answer.status, took: async () => !(await administratorNamed(world, email)) };
    },
  },
  {
    change: 'create an account',
    route: 'POST /v1.0/accounts',
    expect: only(GLOBAL, NEW),
    perform: async (world) => {
      const name = `account ${world.tenantId}`;
      const answer = await world.as.raw('POST', '/v1.0/accounts', { body: { name } });
      return { status: answer.status, took: () => accountNamed(world, name) };
    },
  },
  {
    change: 'rename an account',
    route: 'PUT /v1.0/accounts/{id}',
    expect: only(GLOBAL, OK),
    perform: async (world) => {
      const account = await world.admin.accounts.create({ name: `before ${world.tenantId}` });
      const answer = await world.as.raw('PUT', `/v1.0/accounts/${account.id}`, {
        body: { name: `after ${world.tenantId}` },
      });
      return { status: answer.status, took: () => accountNamed(world, `after ${world.tenantId}`) };
    },
  },
  {
    change: 'delete an account',
    route: 'DELETE /v1.0/accounts/{id}',
    expect: only(GLOBAL, GONE),
    perform: async (world) => {
      const account = await world.admin.accounts.create({ name: `doomed ${world.tenantId}` });
      const answer = await world.as.raw('DELETE', `/v1.0/accounts/${account.id}`);
      return {
        status: answer.status,
        took: async () => !(await accountNamed(world, `doomed ${world.tenantId}`)),
      };
    },
  },
];

const tenantNamed = async (world: World, name: string) =>
  (await world.admin.tenants.list({ pageSize: 1000 })).items.some((t) => t.name === name);
const administratorNamed = async (world: World, email: string) =>
  (await world.admin.admins.list({ pageSize: 1000 })).items.some((a) => a.email === email);
const accountNamed = async (world: World, name: string) =>
  (await world.admin.accounts.list({ pageSize: 1000 })).items.some((a) => a.name === name);
