import type { TempoClient, TenantClient } from '@tempo/client';
import type { CreatePermissionRequest } from '@tempo/contracts';
import type { z } from 'zod';

/** Who acts in a privilege test: a holder of each built-in role, a tenant and a global administrator. */
export const ACTORS = [
  'ReadOnly',
  'Operator',
  'Editor',
  'Administrator',
  'TenantAdmin',
  'GlobalAdmin',
] as const;
export type Actor = (typeof ACTORS)[number];

/** Whom a user change is aimed at. */
export const TARGETS = ['self', 'peer', 'tenantAdmin', 'globalAdmin'] as const;
export type Target = (typeof TARGETS)[number];

/** A user of the world with what it signs in with. */
export interface WorldUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

/**
 * A fresh tenant, built by a global administrator, with one acting user: every cell of the
 * privilege matrix gets its own, so no cell sees what another changed.
 */
export interface World {
  readonly tenantId: string;
  /** The global administrator (admin API key) that set the world up and checks its state. */
  readonly admin: TempoClient;
  /** The administrator's view of the world's tenant. */
  readonly setup: TenantClient;
  /** Ids of the built-in roles and permissions, by name. */
  readonly builtIn: Readonly<Record<string, string>>;
  readonly actor: WorldUser;
  /** The actor's client (signed in with an access key of its own). */
  readonly as: TempoClient;
  /** A new user of the given kind (`None`: no role at all). */
  user(kind: Actor | 'None'): Promise<WorldUser>;
  /** A new permission. */
  permission(body: z.input<typeof CreatePermissionRequest>): Promise<string>;
  /** A new role linked to the given permissions; answers the role id. */
  role(name: string, permissionIds: readonly string[]): Promise<string>;
  /** Gives a user a role; answers the link id. */
  grant(userId: string, roleId: string): Promise<string>;
}

let sequence = 0;

/** Builds a world whose actor is of the given kind. */
export const newWorld = async (admin: TempoClient, actorKind: Actor): Promise<World> => {
  sequence += 1;
  const tenantId = (await admin.tenants.create({ name: `privileges ${sequence} ${actorKind}` })).id;
  const setup = admin.tenant(tenantId);
  const builtIn: Record<string, string> = {};
  for (const role of (await setup.roles.list({ pageSize: 100 })).items) builtIn[role.name] = role.id;
  for (const permission of (await setup.permissions.list({ pageSize: 100 })).items)
    builtIn[permission.name] = permission.id;
  let users = 0;
  const grant = async (userId: string, roleId: string) =>
    (await setup.userRoleMaps.create({ userId, roleId })).id;
  const user = async (kind: Actor | 'None'): Promise<WorldUser> => {
    users += 1;
    const email = `${kind.toLowerCase()}-${users}@privileges.test`;
    const password = `pw-${sequence}-${users}-${kind}`;
    const created = await setup.users.create({
      email,
      passwordSha256: password,
      isTenantAdmin: kind === 'TenantAdmin',
      isAdmin: kind === 'GlobalAdmin',
    });
    const roleId = builtIn[kind];
    if (roleId) await grant(created.id, roleId);
    return { id: created.id, email, password };
  };
  const actor = await user(actorKind);
  const key = await setup.credentials.create({ userId: actor.id, name: 'actor key' });
  return {
    tenantId,
    admin,
    setup,
    builtIn,
    actor,
    as: admin.withCredentials({ accessKey: key.accessKey }),
    user,
    permission: async (body) => (await setup.permissions.create(body)).id,
    role: async (name, permissionIds) => {
      const roleId = (await setup.roles.create({ name })).id;
      for (const permissionId of permissionIds)
        await setup.rolePermissionMaps.create({ roleId, permissionId });
      return roleId;
    },
    grant,
  };
};
