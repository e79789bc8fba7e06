import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, type FixtureRole, startApiFixture } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture();
});

afterAll(async () => {
  await f?.stop();
});

interface OpenApiOperation {
  readonly security?: unknown[];
}
type OpenApiDocument = { readonly paths: Record<string, Record<string, OpenApiOperation>> };

describe('authentication on every route', () => {
  it('answers 401 with the error body for every secured operation called without credentials, even with a bad body', async () => {
    const document = (await f.anonymous.raw('GET', '/openapi.json')).body as OpenApiDocument;
    const secured: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.security || operation.security.length === 0) continue;
        const url = path.replace(/\{tenantId\}/g, f.tenantA).replace(/\{[^}]+\}/g, 'xyz_123');
        const withBody = method === 'post' || method === 'put';
        const answer = await f.anonymous.raw(
          method.toUpperCase(),
          url,
          withBody ? { body: { nonsense: [1, 2, 3] } } : {},
        );
        expect(answer.status, `${method.toUpperCase()} ${path}`).toBe(401);
        expect(answer.body).toMatchObject({ error: 'Unauthorized', message: 'Authentication is required.' });
        secured.push(`${method} ${path}`);
      }
    }
    // Every management route is secured: a drop here means a route lost its security.
    expect(secured.length).toBeGreaterThanOrEqual(60);
  });
});

/** An operation every role is tried on, and which roles may do it. */
interface Probe {
  readonly name: string;
  readonly allowed: readonly FixtureRole[];
  run(client: TempoClient): Promise<unknown>;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}.${Date.now()}.${counter++}`;
const stepBody = () => ({
  executionKey: unique('rbac'),
  name: 'RBAC step',
  runtimeKey: 'Builtin.Method' as const,
  runtimeConfig: { runtimeKey: 'Builtin.Method' as const, identifier: 'tempo.sample.builtin.method' },
});
const EVERYONE: FixtureRole[] = ['Administrator', 'Editor', 'Operator', 'ReadOnly'];

describe('role permissions', () => {
  const probes = (): Probe[] => {
    const tenant = (client: TempoClient) => client.tenant(f.tenantA);
    return [
      { name: 'list steps', allowed: EVERYONE, run: (c) => tenant(c).steps.list() },
      { name: 'list flows', allowed: EVERYONE, run: (c) => tenant(c).flows.list() },
      { name: 'list users', allowed: EVERYONE, run: (c) => tenant(c).users.list() },
      { name: 'list triggers', allowed: EVERYONE, run: (c) => tenant(c).triggers.list() },
      { name: 'list credentials', allowed: EVERYONE, run: (c) => tenant(c).credentials.list() },
      { name: 'list roles', allowed: EVERYONE, run: (c) => tenant(c).roles.list() },
      { name: 'list permissions', allowed: EVERYONE, run: (c) => tenant(c).permissions.list() },
      {
        name: 'create step',
        allowed: ['Administrator', 'Editor'],
        run: (c) => tenant(c).steps.create(stepBody()),
      },
      {
        name: 'update step',
        allowed: ['Administrator', 'Editor'],
        run: async (c) => {
          const step = await tenant(f.admin).steps.create(stepBody());
          return tenant(c).steps.update(step.id, { name: 'changed' });
        },
      },
      {
        name: 'delete step',
        allowed: ['Administrator'],
        run: async (c) => {
          const step = await tenant(f.admin).steps.create(stepBody());
          return tenant(c).steps.delete(step.id);
        },
      },
      {
        name: 'create trigger',
        allowed: ['Administrator', 'Editor'],
        run: (c) => tenant(c).triggers.create({ name: unique('t') }),
      },
      {
        name: 'create role',
        allowed: ['Administrator', 'Editor'],
        run: (c) => tenant(c).roles.create({ name: unique('role') }),
      },
      {
        name: 'delete user',
        allowed: ['Administrator'],
        run: async (c) => {
          const user = await tenant(f.admin).users.create({
            email: `${unique('u')}@example.test`,
            passwordSha256: 'x',
          });
          return tenant(c).users.delete(user.id);
        },
      },
      { name: 'list accounts', allowed: [], run: (c) => c.accounts.list() },
      { name: 'create tenant', allowed: [], run: (c) => c.tenants.create({ name: unique('tenant') }) },
      { name: 'list administrators', allowed: [], run: (c) => c.admins.list() },
    ];
  };

  for (const role of ['Administrator', 'Editor', 'Operator', 'ReadOnly', 'None'] as const) {
    it(`${role}: allowed operations succeed and every other one is a 403`, async () => {
      for (const probe of probes()) {
        const call = probe.run(f.as[role]);
        if (probe.allowed.includes(role)) {
          await expect(call, `${role} may ${probe.name}`).resolves.not.toThrow();
        } else {
          await expectApiError(call, 403, 'Forbidden');
        }
      }
    });
  }

  it('lets a tenant admin do everything in its own tenant, nothing outside', async () => {
    const tenantAdmin = f.anonymous.withCredentials({ accessKey: f.server.seededAccessKey });
    const step = await tenantAdmin.tenant(f.tenantA).steps.create(stepBody());
    await tenantAdmin.tenant(f.tenantA).steps.delete(step.id);
    await expectApiError(tenantAdmin.tenant(f.tenantB).steps.list(), 403, 'Forbidden');
    await expectApiError(tenantAdmin.accounts.list(), 403, 'Forbidden');
  });
});

describe('secrets', () => {
  it('never serves a password, key or secret after creation, and never logs one', async () => {
    const t = f.admin.tenant(f.tenantA);
    const served = JSON.stringify([
      await t.users.list({ pageSize: 1000 }),
      await t.credentials.list({ pageSize: 1000 }),
      await f.admin.admins.list(),
      await f.admin.token.details(),
    ]);
    for (const secret of f.secrets)
      expect(served.includes(secret), `served ${secret.slice(0, 6)}…`).toBe(false);
    expect(served).not.toContain('scrypt$');

    // Sign in by every header kind, so credentials pass through the request logger.
    const token = (await f.anonymous.token.issue({ email: 'admin@tempo.local', password: 'password' })).token;
    f.secrets.push(token);
    await f.anonymous.withCredentials({ token }).me();
    await f.anonymous.withCredentials({ email: 'admin@tempo.local', password: 'password' }).me();
    await f.anonymous.withCredentials({ accessKey: f.server.seededAccessKey }).me();
    await f.anonymous.raw('GET', '/v1.0/me', { headers: { 'x-secret-key': 'key_should_not_be_logged' } });
    f.secrets.push('key_should_not_be_logged');
    // Give the asynchronous log transport a moment to write.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const logs = readdirSync(f.server.logDirectory)
      .map((name) => readFileSync(join(f.server.logDirectory, name), 'utf8'))
      .join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('/v1.0/me');
    for (const text of [logs, f.server.output()]) {
      for (const secret of f.secrets.filter((s) => s !== f.server.seededAccessKey || text === logs)) {
        expect(
          text.includes(secret),
          `found ${secret.slice(0, 6)}… in ${text === logs ? 'the log file' : 'stdout'}`,
        ).toBe(false);
      }
    }
  });
});
