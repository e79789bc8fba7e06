import { TempoError } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids/index.ts';
import { FilterOp, op, UndefinedFilterValueError } from './filters.ts';
import { openDatabase, type TempoDatabase } from './open-database.ts';
import type { Repositories } from './repositories.ts';

// Tenant scoping as the repositories enforce it, over a real SQLite database: no call made
// through one tenant's repository reads, changes or deletes another tenant's rows.

let db: TempoDatabase;
let repositories: Repositories;
const tenantA = newId('tenant');
const tenantB = newId('tenant');

beforeAll(async () => {
  db = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  await db.migrate();
  repositories = db.repositories;
});
afterAll(async () => {
  await db.close();
});

/** A data flow of `tenant`; the tenant id is left to the scope. */
const flowIn = (tenant: string, name: string, extra: { active?: boolean; maxRuntimeMs?: number } = {}) =>
  repositories.dataFlows.inTenant(tenant).create({ id: newId('dataFlow'), name, ...extra });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('TenantTable.inTenant', () => {
  it('refuses a missing or blank tenant id with a 400', () => {
    for (const tenantId of ['', '   ', undefined as unknown as string]) {
      const error = (() => {
        try {
          repositories.dataFlows.inTenant(tenantId);
          return null;
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(TempoError);
      expect(error).toMatchObject({ code: 'BadRequest', statusCode: 400, message: 'tenantId required.' });
    }
  });
});

describe('ScopedRepository in a tenant', () => {
  it("forces the scope's tenant onto a created row, whatever the row says", async () => {
    const row = await repositories.dataFlows
      .inTenant(tenantA)
      .create({ id: newId('dataFlow'), name: 'smuggled', tenantId: tenantB });
    expect(row.tenantId).toBe(tenantA);
    expect(await repositories.dataFlows.inTenant(tenantB).get(row.id)).toBeNull();
  });

  it("reads only the tenant's rows: get, require, find, findOne, count and list", async () => {
    const own = await flowIn(tenantA, 'reads');
    const foreign = await flowIn(tenantB, 'reads');
    const a = repositories.dataFlows.inTenant(tenantA);
    expect((await a.get(own.id))?.id).toBe(own.id);
    expect(await a.get(foreign.id)).toBeNull();
    expect((await a.require(own.id, 'Flow')).id).toBe(own.id);
    const missing = await failure(a.require(foreign.id, 'Flow'));
    expect(missing).toBeInstanceOf(TempoError);
    expect(missing).toMatchObject({
      code: 'NotFound',
      statusCode: 404,
      message: `Flow ${foreign.id} was not found.`,
      context: { resource: 'Flow', id: foreign.id },
    });
    expect((await a.find({ name: 'reads' })).map((row) => row.id)).toEqual([own.id]);
    expect((await a.findOne({ name: 'reads' }))?.id).toBe(own.id);
    expect(await a.findOne({ id: foreign.id })).toBeNull();
    expect(await a.count({ name: 'reads' })).toBe(1);
    // Naming the other tenant in the filter does not move the scope: the scope's tenant wins.
    const named = await a.find({ tenantId: tenantB });
    expect(named.map((row) => row.id)).toContain(own.id);
    expect(named.every((row) => row.tenantId === tenantA)).toBe(true);
    const page = await a.list({ pageSize: 1000 });
    expect(page.items.every((row) => row.tenantId === tenantA)).toBe(true);
    expect(page.items.map((row) => row.id)).toContain(own.id);
  });

  it('lists inactive rows only when asked', async () => {
    const tenant = newId('tenant');
    const on = await flowIn(tenant, 'on');
    const off = await flowIn(tenant, 'off', { active: false });
    const flows = repositories.dataFlows.inTenant(tenant);
    expect((await flows.list({})).items.map((row) => row.id)).toEqual([on.id]);
    const all = await flows.list({ includeInactive: true });
    expect(all.items.map((row) => row.id).sort()).toEqual([on.id, off.id].sort());
    expect(all.totalCount).toBe(2);
    // A filter of the caller's own is kept alongside.
    expect((await flows.list({ includeInactive: true }, { name: 'off' })).items.map((row) => row.id)).toEqual(
      [off.id],
    );
    // An order given to list replaces the default one (oldest first).
    const newest = await flows.list({ includeInactive: true }, {}, [{ column: 'name', direction: 'desc' }]);
    expect(newest.items.map((row) => row.name)).toEqual(['on', 'off']);
    const oldest = await flows.list({ includeInactive: true }, {}, [{ column: 'name', direction: 'asc' }]);
    expect(oldest.items.map((row) => row.name)).toEqual(['off', 'on']);
    // find and count see every row unless told otherwise.
    expect(await flows.count()).toBe(2);
  });

  it("changes only the tenant's rows, and never a row's id or tenant", async () => {
    const own = await flowIn(tenantA, 'before');
    const foreign = await flowIn(tenantB, 'before');
    const a = repositories.dataFlows.inTenant(tenantA);
    expect(await a.update(foreign.id, { name: 'taken over' })).toBeNull();
    // A miss changes nothing else either: the update is by id, not across the scope.
    expect((await a.get(own.id))?.name).toBe('before');
    expect((await repositories.dataFlows.inTenant(tenantB).get(foreign.id))?.name).toBe('before');
    const moved = await a.update(own.id, { name: 'after', tenantId: tenantB, id: newId('dataFlow') });
    expect(moved).toMatchObject({ id: own.id, tenantId: tenantA, name: 'after' });
    expect(await a.updateWhere({ id: foreign.id }, { name: 'taken over' })).toBe(0);
    expect(await a.updateWhere({ id: own.id }, { maxRuntimeMs: 5 })).toBe(1);
    expect((await a.get(own.id))?.maxRuntimeMs).toBe(5);
  });

  it('refreshes lastUpdateUtc on every change', async () => {
    const own = await flowIn(tenantA, 'stamped');
    const a = repositories.dataFlows.inTenant(tenantA);
    await a.updateWhere({ id: own.id }, { lastUpdateUtc: '2000-01-01T00:00:00.000Z' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const changed = await a.update(own.id, { name: 'stamped again' });
    expect(changed?.lastUpdateUtc).not.toBe('2000-01-01T00:00:00.000Z');
    expect(Date.parse(changed?.lastUpdateUtc ?? '')).toBeGreaterThan(Date.parse(own.lastUpdateUtc));
  });

  it("deletes only the tenant's rows", async () => {
    const own = await flowIn(tenantA, 'doomed');
    const foreign = await flowIn(tenantB, 'doomed');
    const a = repositories.dataFlows.inTenant(tenantA);
    expect(await a.delete(foreign.id)).toBe(false);
    expect(await a.deleteWhere({ name: 'doomed', id: foreign.id })).toBe(0);
    expect(await repositories.dataFlows.inTenant(tenantB).get(foreign.id)).not.toBeNull();
    expect(await a.delete(own.id)).toBe(true);
    expect(await a.get(own.id)).toBeNull();
    const again = await flowIn(tenantA, 'doomed');
    expect(await a.deleteWhere({ name: 'doomed' })).toBe(1);
    expect(await a.get(again.id)).toBeNull();
  });

  it('finds rows of every tenant only through findAcrossTenants, at most `limit`', async () => {
    const name = `across-${newId('dataFlow')}`;
    for (const tenant of [tenantA, tenantB, tenantA]) await flowIn(tenant, name);
    const found = await repositories.dataFlows.findAcrossTenants({ name });
    expect(new Set(found.map((row) => row.tenantId))).toEqual(new Set([tenantA, tenantB]));
    expect(found).toHaveLength(3);
    expect(await repositories.dataFlows.findAcrossTenants({ name }, 2)).toHaveLength(2);
    for (let index = 0; index < 10; index += 1) await flowIn(tenantB, name);
    expect(await repositories.dataFlows.findAcrossTenants({ name })).toHaveLength(10);
  });
});

describe('filters', () => {
  it('builds operator filters of each kind', () => {
    expect(op.in(['a', 'b'])).toEqual(new FilterOp('in', ['a', 'b']));
    expect(op.in(['a'])).toMatchObject({ kind: 'in', values: ['a'], range: {}, text: '' });
    expect(op.range({ gte: 1, lt: 3 })).toMatchObject({
      kind: 'range',
      values: [],
      range: { gte: 1, lt: 3 },
    });
    expect(op.contains('Ab')).toMatchObject({ kind: 'contains', values: [], range: {}, text: 'Ab' });
    expect(op.not(null)).toMatchObject({ kind: 'not', values: [null], text: '' });
  });

  it('applies them through a repository', async () => {
    const tenant = newId('tenant');
    const flows = repositories.dataFlows.inTenant(tenant);
    const rows = [];
    for (const [index, name] of ['Alpha', 'beta', 'Gamma'].entries())
      rows.push(await flowIn(tenant, name, { maxRuntimeMs: index + 1 }));
    const names = async (filter: Parameters<typeof flows.find>[0]) =>
      (await flows.find(filter)).map((row) => row.name).sort();
    expect(await names({ name: op.in(['Alpha', 'Gamma']) })).toEqual(['Alpha', 'Gamma']);
    expect(await names({ name: op.in([]) })).toEqual([]);
    expect(await names({ maxRuntimeMs: op.range({ gte: 2 }) })).toEqual(['Gamma', 'beta']);
    expect(await names({ maxRuntimeMs: op.range({ gt: 1, lte: 2 }) })).toEqual(['beta']);
    expect(await names({ maxRuntimeMs: op.range({ lt: 2 }) })).toEqual(['Alpha']);
    expect(await names({ name: op.contains('AMM') })).toEqual(['Gamma']);
    expect(await names({ name: op.not('beta') })).toEqual(['Alpha', 'Gamma']);
    expect(await names({ description: null })).toEqual(['Alpha', 'Gamma', 'beta']);
  });

  it('refuses an undefined filter value instead of dropping the condition', async () => {
    const error = await failure(repositories.dataFlows.inTenant(tenantA).find({ id: undefined }));
    expect(error).toBeInstanceOf(UndefinedFilterValueError);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({
      name: 'UndefinedFilterValueError',
      column: 'id',
      message:
        'Filter value for column "id" is undefined: leave the key out to not filter on it, or pass null to match NULL.',
    });
  });
});
