import type { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';

// The attacks of the privilege-escalation reports, each performed as reported. Every one of them
// succeeded before the identity guards (apps/server/src/resources/identity-guards.ts).

let f: ApiFixture;
let editorId: string;

const idOf = async (client: TempoClient): Promise<string> => {
  const me = await client.me();
  if (me.type !== 'user') throw new Error('expected a user');
  return me.id;
};

/** A global administrator living in tenant A, as the reports had one. */
const createBoss = async (password: string) =>
  f.admin.tenant(f.tenantA).users.create({
    email: `boss-${Math.random().toString(36).slice(2)}@example.test`,
    passwordSha256: password,
    isAdmin: true,
  });

/** A step the Editor may not delete (Editors hold no Delete). */
const createStep = async () =>
  f.admin.tenant(f.tenantA).steps.create({
    executionKey: `victim-${Math.random().toString(36).slice(2)}`,
    name: 'victim',
    runtimeKey: 'Builtin.Method',
    runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
  });

beforeAll(async () => {
  f = await startApiFixture();
  editorId = await idOf(f.as.Editor);
});

afterAll(async () => {
  await f?.stop();
});

describe('privilege escalation attacks', () => {
  it('an Editor cannot create a credential for a global administrator and use it', async () => {
    const boss = await createBoss('boss-password');
    const editor = f.as.Editor.tenant(f.tenantA);
    await expectApiError(editor.credentials.create({ userId: boss.id, name: 'mine now' }), 403, 'Forbidden');
    const keys = await f.admin.tenant(f.tenantA).credentials.list({ pageSize: 1000 });
    expect(keys.items.filter((key) => key.userId === boss.id)).toEqual([]);
    // Its own credentials it still makes.
    expect((await editor.credentials.create({ name: 'own key' })).userId).toBe(editorId);
  });

  it("an Editor cannot reset a global administrator's password, with or without isAdmin in the body", async () => {
    const boss = await createBoss('boss-password');
    const editor = f.as.Editor.tenant(f.tenantA);
    await expectApiError(
      editor.users.update(boss.id, { passwordSha256: 'x', isAdmin: true }),
      403,
      'Forbidden',
    );
    await expectApiError(editor.users.update(boss.id, { passwordSha256: 'x' }), 403, 'Forbidden');
    await expectApiError(
      f.anonymous.token.issue({ email: boss.email, password: 'x', tenantId: f.tenantA }),
      401,
      'Unauthorized',
    );
    expect(
      await f.anonymous.token.issue({ email: boss.email, password: 'boss-password', tenantId: f.tenantA }),
    ).toMatchObject({ userId: boss.id });
  });

  it('an Editor cannot make itself or a new user a tenant administrator', async () => {
    const editor = f.as.Editor.tenant(f.tenantA);
    await expectApiError(editor.users.update(editorId, { isTenantAdmin: true }), 403, 'Forbidden');
    await expectApiError(
      editor.users.create({ email: 'sidekick@example.test', passwordSha256: 'pw', isTenantAdmin: true }),
      403,
      'Forbidden',
    );
    expect(await f.as.Editor.me()).toMatchObject({ isTenantAdmin: false });
    const users = await f.admin.tenant(f.tenantA).users.list({ pageSize: 1000 });
    expect(users.items.some((user) => user.email === 'sidekick@example.test')).toBe(false);
  });

  it('an Editor cannot grant itself the Administrator role, nor widen the protected Editor permission', async () => {
    const step = await createStep();
    const editor = f.as.Editor.tenant(f.tenantA);
    const setup = f.admin.tenant(f.tenantA);
    const administratorRole = (await setup.roles.list({ pageSize: 100 })).items.find(
      (r) => r.name === 'Administrator',
    );
    await expectApiError(
      editor.userRoleMaps.create({ userId: editorId, roleId: administratorRole?.id ?? '' }),
      403,
      'Forbidden',
    );
    const editorPermission = (await setup.permissions.list({ pageSize: 100 })).items.find((p) =>
      p.name.startsWith('editor'),
    );
    // A second Editor, as reported: the protected permission is not theirs to change.
    await expectApiError(
      editor.permissions.update(editorPermission?.id ?? '', { operationTypes: ['All'] }),
      403,
      'Forbidden',
    );
    expect((await setup.permissions.get(editorPermission?.id ?? '')).operationTypes).toEqual([
      'Create',
      'Read',
      'Update',
      'Execute',
    ]);
    await expectApiError(editor.steps.delete(step.id), 403, 'Forbidden');
  });

  it('renaming a Deny permission keeps it a narrow Deny, so its holders stay denied', async () => {
    const setup = f.admin.tenant(f.tenantA);
    const step = await createStep();
    const denied = await setup.permissions.create({
      name: 'no step delete',
      resourceTypes: ['Step'],
      operationTypes: ['Delete'],
      permissionType: 'Deny',
    });
    const role = await setup.roles.create({ name: 'Step keepers' });
    await setup.rolePermissionMaps.create({ roleId: role.id, permissionId: denied.id });
    const administratorId = await idOf(f.as.Administrator);
    await setup.userRoleMaps.create({ userId: administratorId, roleId: role.id });

    const renamed = await setup.permissions.update(denied.id, { name: 'renamed' });
    expect(renamed).toMatchObject({
      name: 'renamed',
      resourceTypes: ['Step'],
      operationTypes: ['Delete'],
      permissionType: 'Deny',
    });
    await expectApiError(f.as.Administrator.tenant(f.tenantA).steps.delete(step.id), 403, 'Forbidden');
  });
});
