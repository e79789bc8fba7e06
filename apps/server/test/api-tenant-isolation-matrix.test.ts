import type { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import {
  firstDifference,
  GlobalSubjects,
  Subjects,
  snapshotGlobal,
  snapshotTenant,
} from './isolation-world.ts';
import { type Aim, inBatches, isWrite, requestOf, send } from './route-matrix-call.ts';
import {
  BUILT_IN_ROLES,
  type BuiltInRole,
  ROLE_GRANTS,
  ROUTE_TABLE,
  type RouteSpec,
  registeredRoutes,
  specOf,
} from './route-table.ts';

let f: ApiFixture;
let routes: string[];
/** The tenant under attack, with one record of every resource. */
let victim: Subjects;
let global: GlobalSubjects;
/** Tenant B's callers: a holder of B's Administrator role, and a tenant administrator of B. */
let attackers: Readonly<Record<string, TempoClient>>;

const describeAnswer = (status: number, body: unknown): string =>
  `${status} ${JSON.stringify(body).slice(0, 160)}`;

beforeAll(async () => {
  f = await startApiFixture();
  routes = await registeredRoutes();
  global = new GlobalSubjects(f.admin);
  victim = new Subjects(f.admin, (await f.admin.tenants.create({ name: 'Isolation victim' })).id);
  await victim.all();
  // Made before the first snapshot, so the records the global routes aim at are part of it.
  await global.account();
  await global.administrator();
  const b = f.admin.tenant(f.tenantB);
  const tenantAdmin = await b.users.create({
    email: 'tenant-admin@tenant-b.test',
    passwordSha256: 'tenant-b-admin',
    isTenantAdmin: true,
  });
  const key = await b.credentials.create({ userId: tenantAdmin.id, name: 'tenant admin key' });
  attackers = {
    "tenant B's Administrator-role user": f.tenantBUser,
    "tenant B's tenant administrator": f.admin.withCredentials({ accessKey: key.accessKey }),
  };
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

type TenantSpec = Extract<RouteSpec, { scope: 'tenant' }>;

/** Whether a tenant route names records of its own (path ids or body references) besides the tenant. */
const namesRecords = (route: string, spec: TenantSpec): boolean =>
  spec.bodyRefs === true || /\{(?!tenantId\})[^}]+\}/.test(route);

describe('route table', () => {
  it('classifies every registered route, and nothing else', () => {
    expect(routes.length, 'routes seen while building the app').toBeGreaterThan(90);
    const problems: string[] = [];
    for (const route of routes) {
      try {
        specOf(route);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    for (const listed of Object.keys(ROUTE_TABLE))
      if (!routes.includes(listed))
        problems.push(`${listed} is in ROUTE_TABLE but not registered: remove it`);
    expect(problems).toEqual([]);
  });
});

describe('tenant isolation matrix', () => {
  it("refuses tenant B's administrators every route on tenant A's tenant and ids, and changes nothing", async () => {
    const failures: string[] = [];
    const before = {
      tenant: await snapshotTenant(f.admin, victim.tenantId),
      global: await snapshotGlobal(f.admin),
    };
    let attempts = 0;
    for (const [who, caller] of Object.entries(attackers)) {
      for (const route of routes) {
        const spec = specOf(route);
        if (spec.scope === 'public') continue;
        const aims: { readonly label: string; readonly aim: Aim }[] = [
          { label: "A's tenant", aim: { tenantId: victim.tenantId, subjects: victim, global } },
        ];
        // Under B's own tenant, naming A's records must not reach them either.
        if (spec.scope === 'tenant' && spec.tenantParam === undefined && namesRecords(route, spec))
          aims.push({ label: "B's tenant, A's ids", aim: { tenantId: f.tenantB, subjects: victim, global } });
        for (const { label, aim } of aims) {
          attempts += 1;
          const cell = `${who} → ${route} (${label})`;
          const answer = await send(caller, route, await requestOf(route, spec, aim));
          const got = describeAnswer(answer.status, answer.body);
          if (spec.scope === 'authenticated') {
            if (JSON.stringify(answer.body ?? null).includes(victim.tenantId))
              failures.push(`${cell}: the answer mentions tenant A: ${got}`);
            continue;
          }
          const foreign = spec.scope === 'tenant' && aim.tenantId === f.tenantB ? spec.foreignIds : undefined;
          if (foreign?.kind === 'blind') {
            const problem = answer.status >= 300 ? null : foreign.check(answer.body);
            if (problem || answer.status >= 500)
              failures.push(`${cell}: ${problem ?? 'server error'}: ${got}`);
          } else if (foreign?.kind === 'invalid') {
            if (answer.status !== 400) failures.push(`${cell}: expected 400, got ${got}`);
          } else if (answer.status !== 403 && answer.status !== 404) {
            failures.push(`${cell}: expected 403 or 404, got ${got}`);
          }
          if (isWrite(route)) {
            // A victim deleted outright cannot be read back: that is a change as well.
            const changed = await Promise.all([
              snapshotTenant(f.admin, victim.tenantId),
              snapshotGlobal(f.admin),
            ]).then(
              ([tenant, everywhere]) => firstDifference(before, { tenant, global: everywhere }),
              (error: unknown) => `tenant A can no longer be read (${String(error)})`,
            );
            if (changed) failures.push(`${cell}: changed ${changed} (answer ${got})`);
          }
        }
      }
    }
    expect(attempts).toBeGreaterThan(150);
    expect(failures).toEqual([]);
  }, 240_000);
});

/** What a built-in role must get on a route: `allowed` (anything but 401/403) or `refused` (403). */
const expectationOf = (role: BuiltInRole, spec: RouteSpec): 'allowed' | 'refused' | null => {
  switch (spec.scope) {
    case 'public':
      return null;
    case 'authenticated':
      return 'allowed';
    case 'global':
      return 'refused';
    case 'tenant':
      return ROLE_GRANTS[role].includes(spec.operation) ? 'allowed' : 'refused';
  }
};

describe('role matrix', () => {
  it('gives each built-in role exactly what the spec grants on every route', async () => {
    // Reads share one set of records; a cell that may change or delete its target gets its own.
    const shared = new Subjects(f.admin, f.tenantA);
    await shared.all();
    const cells = BUILT_IN_ROLES.flatMap((role) =>
      routes.map((route) => async (): Promise<string | null> => {
        const spec = specOf(route);
        const expected = expectationOf(role, spec);
        if (expected === null) return null;
        const subjects = isWrite(route) ? new Subjects(f.admin, f.tenantA) : shared;
        // Global routes that change a tenant are aimed at a throwaway one.
        const aimSubjects = spec.scope === 'global' ? new Subjects(f.admin, await global.tenant()) : subjects;
        const call = await requestOf(route, spec, { tenantId: f.tenantA, subjects: aimSubjects, global });
        const answer = await send(f.as[role], route, call);
        const refused = answer.status === 401 || answer.status === 403;
        const ok = expected === 'allowed' ? !refused && answer.status < 500 : answer.status === 403;
        return ok
          ? null
          : `${role} → ${route}: spec says ${expected}, got ${describeAnswer(answer.status, answer.body)}`;
      }),
    );
    const failures = (await inBatches(cells, 8)).filter((failure) => failure !== null);
    expect(cells.length).toBeGreaterThan(350);
    expect(failures).toEqual([]);
  }, 240_000);
});
