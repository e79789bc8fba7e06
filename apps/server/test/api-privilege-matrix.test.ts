import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANTS, type Outcome, USER_CHANGES } from './privilege-matrix.ts';
import { renderPrivilegeMatrix } from './privilege-matrix-doc.ts';
import {
  ACTORS,
  type Actor,
  newWorld,
  TARGETS,
  type Target,
  type World,
  type WorldUser,
} from './privilege-world.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

let server: ServerProcess;
let admin: TempoClient;
let anonymous: TempoClient;

beforeAll(async () => {
  server = await startServerProcess();
  anonymous = new TempoClient({ baseUrl: server.baseUrl });
  admin = anonymous.withCredentials({ apiKey: TEST_ADMIN_API_KEY });
});

afterAll(async () => {
  await server?.stop();
});

/** Cells run a few at a time: each has a tenant of its own, so they cannot see each other. */
const inBatches = async <T>(tasks: readonly (() => Promise<T>)[], size = 10): Promise<T[]> => {
  const results: T[] = [];
  for (let i = 0; i < tasks.length; i += size)
    results.push(...(await Promise.all(tasks.slice(i, i + size).map((task) => task()))));
  return results;
};

const targetOf = async (world: World, actor: Actor, target: Target): Promise<WorldUser> => {
  switch (target) {
    case 'self':
      return world.actor;
    case 'peer':
      return world.user(actor);
    case 'tenantAdmin':
      return world.user('TenantAdmin');
    case 'globalAdmin':
      return world.user('GlobalAdmin');
  }
};

/** What went wrong in a cell, or null: the status, and whether the change is there iff it was allowed. */
const judge = async (cell: string, expected: number, outcome: Outcome): Promise<string | null> => {
  const took = await outcome.took();
  const allowed = expected < 300;
  if (outcome.status === expected && took === allowed) return null;
  return `${cell}: expected ${expected} (change ${allowed ? 'made' : 'absent'}), got ${outcome.status} (change ${took ? 'made' : 'absent'})`;
};

describe('privilege matrix', () => {
  it('covers every route that changes an identity', async () => {
    const document = (await anonymous.raw('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const identityPath =
      /^\/v1\.0\/(accounts|admins|tenants)(\/\{id\})?$|^\/v1\.0\/tenants\/\{tenantId\}\/(users|credentials|roles|permissions|user-role-maps|role-permission-maps)(\/|$)/;
    const changing = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const identityRoutes = changing.filter((route) => identityPath.test(route.split(' ')[1] ?? ''));
    expect(identityRoutes.length).toBeGreaterThanOrEqual(27);
    const covered = new Set([...USER_CHANGES, ...GRANTS].map((row) => row.route));
    expect(identityRoutes.filter((route) => !covered.has(route))).toEqual([]);
  });

  it('lets each actor change about itself, a peer, a tenant administrator and a global administrator exactly what the matrix says', async () => {
    const cells = USER_CHANGES.flatMap((row) =>
      ACTORS.flatMap((actor) =>
        TARGETS.map((target, index) => async () => {
          const world = await newWorld(admin, actor);
          const user = await targetOf(world, actor, target);
          const expected = row.expect[actor][index] ?? 0;
          return judge(
            `${actor} → ${target}: ${row.change}`,
            expected,
            await row.perform(world, user, anonymous),
          );
        }),
      ),
    );
    const failures = (await inBatches(cells)).filter((failure) => failure !== null);
    expect(failures).toEqual([]);
  }, 600_000);

  it('lets each actor grant, attach and edit exactly what the matrix says', async () => {
    const cells = GRANTS.flatMap((row) =>
      ACTORS.map((actor) => async () => {
        const world = await newWorld(admin, actor);
        return judge(`${actor}: ${row.change}`, row.expect[actor], await row.perform(world));
      }),
    );
    const failures = (await inBatches(cells)).filter((failure) => failure !== null);
    expect(failures).toEqual([]);
  }, 600_000);

  it('is the table docs/SECURITY_TRUST_BOUNDARIES.md shows', () => {
    const doc = readFileSync(
      resolve(import.meta.dirname, '../../../docs/SECURITY_TRUST_BOUNDARIES.md'),
      'utf8',
    );
    expect(doc).toContain(renderPrivilegeMatrix());
  });
});
