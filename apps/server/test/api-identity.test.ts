import { sha256Hex } from '@tempo/core/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';
import { TEST_ADMIN_API_KEY } from './server-process.ts';

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture();
});

afterAll(async () => {
  await f?.stop();
});

describe('token and identity', () => {
  it('issues tokens for administrators and users, with the plain password or its SHA-256', async () => {
    const admin = await f.anonymous.token.issue({ email: 'admin@tempo.local', password: 'password' });
    expect(admin).toMatchObject({ tenantId: null, userId: null });
    expect(admin.administratorId).toMatch(/^adm_/);
    expect(Date.parse(admin.expiresUtc)).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
    const user = await f.anonymous.token.issue({
      email: 'user@tempo.local',
      password: sha256Hex('password'),
    });
    expect(user).toMatchObject({ tenantId: f.tenantA, administratorId: null });
    const asUser = f.anonymous.withCredentials({ token: user.token });
    expect(await asUser.me()).toMatchObject({
      type: 'user',
      email: 'user@tempo.local',
      tenantId: f.tenantA,
      isTenantAdmin: true,
    });
    expect(await asUser.token.check()).toEqual({ valid: true, authenticationResult: 'Success' });
    expect(await asUser.token.details()).toMatchObject({
      userId: user.userId,
      tenantId: f.tenantA,
      isAdmin: false,
    });
    const asAdmin = f.anonymous.withCredentials({ token: admin.token });
    expect(await asAdmin.me()).toMatchObject({
      type: 'administrator',
      id: admin.administratorId,
      email: 'admin@tempo.local',
    });
  });

  it('authenticates with every header the spec lists', async () => {
    expect(await f.admin.me()).toMatchObject({ type: 'administrator' });
    expect(
      await f.anonymous.withCredentials({ email: 'user@tempo.local', password: 'password' }).me(),
    ).toMatchObject({ type: 'user' });
    expect(await f.anonymous.withCredentials({ accessKey: f.server.seededAccessKey }).me()).toMatchObject({
      type: 'user',
    });
    const bearerKey = await f.anonymous.raw('GET', '/v1.0/me', {
      headers: { authorization: `Bearer ${f.server.seededAccessKey}` },
    });
    expect(bearerKey.body).toMatchObject({ type: 'user', tenantId: f.tenantA });
    const token = (await f.anonymous.token.issue({ email: 'admin@tempo.local', password: 'password' })).token;
    const xToken = await f.anonymous.raw('GET', '/v1.0/me', { headers: { 'x-token': token } });
    expect(xToken.body).toMatchObject({ type: 'administrator' });
    expect(await f.anonymous.me()).toEqual({ type: 'anonymous' });
  });

  it('refuses bad credentials with 401 and x-secret-key with 400 UnsupportedAuthHeader', async () => {
    await expectApiError(
      f.anonymous.token.issue({ email: 'admin@tempo.local', password: 'wrong' }),
      401,
      'Unauthorized',
    );
    await expectApiError(
      f.anonymous.token.issue({ email: 'nobody@tempo.local', password: 'password' }),
      401,
      'Unauthorized',
    );
    await expectApiError(
      f.anonymous.withCredentials({ apiKey: 'not-the-key' }).tenants.list(),
      401,
      'Unauthorized',
    );
    await expectApiError(
      f.anonymous.withCredentials({ token: 'garbage' }).tenants.list(),
      401,
      'Unauthorized',
    );
    await expectApiError(
      f.anonymous.withCredentials({ accessKey: 'pub_unknown' }).tenants.list(),
      401,
      'Unauthorized',
    );
    const secret = await f.anonymous.raw('GET', '/v1.0/me', {
      headers: { 'x-secret-key': 'key_x', 'x-api-key': TEST_ADMIN_API_KEY },
    });
    expect(secret.status).toBe(400);
    expect(secret.body).toMatchObject({ error: 'UnsupportedAuthHeader' });
    const onToken = await f.anonymous.raw('POST', '/v1.0/token', {
      headers: { 'x-secret-key': 'k' },
      body: { email: 'a', password: 'b' },
    });
    expect(onToken.status).toBe(400);
    expect(await f.anonymous.withCredentials({ token: 'garbage' }).token.check()).toEqual({
      valid: false,
      authenticationResult: 'Invalid',
    });
  });

  it('answers 400 for a bad token request body before checking anything else', async () => {
    const missing = await f.anonymous.raw('POST', '/v1.0/token', { body: { email: 'admin@tempo.local' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'BadRequest' });
    const notJson = await f.anonymous.raw('POST', '/v1.0/token', {
      rawBody: '{"email":',
      contentType: 'application/json',
    });
    expect(notJson.status).toBe(400);
    const wrongType = await f.anonymous.raw('POST', '/v1.0/token', {
      rawBody: 'email=x',
      contentType: 'text/plain',
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body).toMatchObject({ error: 'UnsupportedMediaType' });
  });

  it('slows and then refuses repeated bad passwords for one account from one address with 429', async () => {
    const email = 'user@tempo.local';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await f.anonymous.raw('POST', '/v1.0/token', { body: { email, password: `wrong-${i}` } })).status,
      );
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    // Every request here comes from the same address, so even the right password is refused.
    const refused = await f.anonymous.raw('POST', '/v1.0/token', { body: { email, password: 'password' } });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'TooManyRequests' });
    // The header says what context.retryAfterSeconds says, for clients that read only headers.
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Other accounts are not affected.
    expect(
      (
        await f.anonymous.raw('POST', '/v1.0/token', {
          body: { email: 'admin@tempo.local', password: 'password' },
        })
      ).status,
    ).toBe(200);
  }, 60_000);

  it('serves the unknown-route 404 as the one error body', async () => {
    const unknown = await f.admin.raw('GET', '/v1.0/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'NotFound' });
  });
});

describe('tenants, accounts and administrators', () => {
  it('lets administrators manage tenants, accounts and administrators', async () => {
    const account = await f.admin.accounts.create({ name: 'Acme' });
    expect((await f.admin.accounts.get(account.id)).name).toBe('Acme');
    expect((await f.admin.accounts.update(account.id, { name: 'Acme 2' })).name).toBe('Acme 2');
    const tenant = await f.admin.tenants.create({
      name: 'Scratch',
      accountId: account.id,
      region: 'eu-west-1',
    });
    expect(tenant).toMatchObject({ name: 'Scratch', region: 'eu-west-1', active: true, isProtected: false });
    // A new tenant has the four built-in roles.
    expect((await f.admin.tenant(tenant.id).roles.list()).items.map((role) => role.name).sort()).toEqual([
      'Administrator',
      'Editor',
      'Operator',
      'ReadOnly',
    ]);
    await f.admin.tenants.delete(tenant.id);
    await expectApiError(f.admin.tenants.get(tenant.id), 404, 'NotFound');
    await f.admin.accounts.delete(account.id);

    const administrator = await f.admin.admins.create({
      email: 'Second@Tempo.Local',
      passwordSha256: 'hunter22',
    });
    expect(administrator).toMatchObject({ email: 'second@tempo.local', passwordSha256: '****' });
    const token = await f.anonymous.token.issue({ email: 'second@tempo.local', password: 'hunter22' });
    expect(token.administratorId).toBe(administrator.id);
    await f.admin.admins.delete(administrator.id);
    await expectApiError(f.anonymous.token.issue({ email: 'second@tempo.local', password: 'hunter22' }), 401);
  });

  it('shows a non-administrator only its own tenant and refuses tenant changes with 403', async () => {
    const own = await f.as.Administrator.tenants.list();
    expect(own.items.map((tenant) => tenant.id)).toEqual([f.tenantA]);
    expect((await f.as.ReadOnly.tenants.get(f.tenantA)).id).toBe(f.tenantA);
    await expectApiError(f.as.Administrator.tenants.get(f.tenantB), 403, 'Forbidden');
    await expectApiError(f.as.Administrator.tenants.create({ name: 'No' }), 403, 'Forbidden');
    await expectApiError(f.as.Administrator.tenants.update(f.tenantA, { name: 'No' }), 403, 'Forbidden');
    await expectApiError(f.as.Administrator.accounts.list(), 403, 'Forbidden');
    await expectApiError(f.as.Administrator.admins.list(), 403, 'Forbidden');
  });

  it('refuses to delete protected records with 409 Protected', async () => {
    await expectApiError(f.admin.tenants.delete(f.tenantA), 409, 'Protected');
    const roles = await f.admin.tenant(f.tenantA).roles.list();
    await expectApiError(f.admin.tenant(f.tenantA).roles.delete(roles.items[0]?.id ?? ''), 409, 'Protected');
    const users = await f.admin.tenant(f.tenantA).users.list();
    const seeded = users.items.find((user) => user.email === 'user@tempo.local');
    await expectApiError(f.admin.tenant(f.tenantA).users.delete(seeded?.id ?? ''), 409, 'Protected');
  });
});

describe('users, credentials, roles and permissions', () => {
  it('creates a user with a hashed password that signs in, and never serves the password', async () => {
    const t = f.admin.tenant(f.tenantA);
    const user = await t.users.create({
      email: 'New.Person@Example.Test',
      passwordSha256: 'correct horse',
      firstName: 'New',
    });
    expect(user).toMatchObject({ email: 'new.person@example.test', passwordSha256: '****', isAdmin: false });
    const token = await f.anonymous.token.issue({
      email: 'new.person@example.test',
      password: 'correct horse',
      tenantId: f.tenantA,
    });
    expect(token.userId).toBe(user.id);
    const updated = await t.users.update(user.id, { ...user, lastName: 'Person' });
    expect(updated.lastName).toBe('Person');
    // Sending back the served '****' keeps the password.
    expect(
      (await f.anonymous.token.issue({ email: 'new.person@example.test', password: 'correct horse' })).userId,
    ).toBe(user.id);
    await expectApiError(
      t.users.create({ email: 'new.person@example.test', passwordSha256: 'x' }),
      409,
      'Conflict',
    );
    await expectApiError(t.users.create({ email: 'not-an-email', passwordSha256: 'x' }), 400, 'BadRequest');
    await t.users.delete(user.id);
    await expectApiError(t.users.get(user.id), 404, 'NotFound');
  });

  it('only lets global administrators grant isAdmin', async () => {
    await expectApiError(
      f.as.Administrator.tenant(f.tenantA).users.create({
        email: 'sneaky@example.test',
        passwordSha256: 'x',
        isAdmin: true,
      }),
      403,
      'Forbidden',
    );
    const granted = await f.admin
      .tenant(f.tenantA)
      .users.create({ email: 'granted@example.test', passwordSha256: 'x', isAdmin: true });
    expect(granted.isAdmin).toBe(true);
  });

  it('shows credential keys once and authenticates with the access key', async () => {
    const t = f.admin.tenant(f.tenantA);
    const users = await t.users.list();
    const owner = users.items[0]?.id ?? '';
    const created = await t.credentials.create({ userId: owner, name: 'ci' });
    expect(created.accessKey).toMatch(/^pub_.{28}$/);
    expect(created.secretKey).toMatch(/^key_.{28}$/);
    const read = await t.credentials.get(created.id);
    expect(read.accessKey).toBe(`${created.accessKey.slice(0, 8)}****`);
    expect(read.secretKey).toBe('****');
    expect(await f.anonymous.withCredentials({ accessKey: created.accessKey }).me()).toMatchObject({
      type: 'user',
      id: owner,
    });
    await t.credentials.update(created.id, { active: false });
    await expectApiError(f.anonymous.withCredentials({ accessKey: created.accessKey }).tenants.list(), 401);
    await expectApiError(t.credentials.create({ userId: 'usr_missing' }), 404, 'NotFound');
  });

  it('manages roles, permissions and their links, and RBAC follows them', async () => {
    const t = f.admin.tenant(f.tenantA);
    const role = await t.roles.create({ name: 'Step readers', description: 'read steps' });
    const permission = await t.permissions.create({
      name: 'read steps',
      resourceTypes: ['Step'],
      operationTypes: ['Read'],
    });
    const link = await t.rolePermissionMaps.create({ roleId: role.id, permissionId: permission.id });
    expect(await t.roles.permissions(role.id)).toEqual([
      expect.objectContaining({ id: link.id, permissionId: permission.id }),
    ]);
    const users = await t.users.list({ pageSize: 100 });
    const plain = users.items.find((user) => user.email.startsWith('none-'));
    const assignment = await t.userRoleMaps.create({ userId: plain?.id ?? '', roleId: role.id });
    expect(await t.users.roles(plain?.id ?? '')).toEqual([expect.objectContaining({ id: assignment.id })]);
    expect((await f.as.None.tenant(f.tenantA).steps.list()).totalCount).toBeGreaterThanOrEqual(0);
    await expectApiError(f.as.None.tenant(f.tenantA).flows.list(), 403, 'Forbidden');
    // An explicit Deny wins over the Permit.
    const deny = await t.permissions.create({
      name: 'deny steps',
      resourceTypes: ['Step'],
      operationTypes: ['All'],
      permissionType: 'Deny',
    });
    await t.rolePermissionMaps.create({ roleId: role.id, permissionId: deny.id });
    await expectApiError(f.as.None.tenant(f.tenantA).steps.list(), 403, 'Forbidden');
    await expectApiError(
      t.userRoleMaps.create({ userId: plain?.id ?? '', roleId: role.id }),
      409,
      'Conflict',
    );
    await expectApiError(t.userRoleMaps.create({ userId: 'usr_missing', roleId: role.id }), 404, 'NotFound');
    await t.roles.delete(role.id);
    expect(await t.users.roles(plain?.id ?? '')).toEqual([]);
  });
});
