import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids/index.ts';
import { op, type TempoDatabase, UndefinedFilterValueError } from '../src/store/index.ts';
import { freshTestDatabase, testDatabaseType } from './test-database.ts';

let db: TempoDatabase;

beforeAll(async () => {
  db = await freshTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

// What a caller with a bug passes: the types refuse it, so it arrives through a cast.
const missing = undefined as unknown as string;

const expectRefused = async (promise: Promise<unknown>, column: string) => {
  const error = await promise.then(
    (value: unknown) => ({ resolvedWith: value }),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UndefinedFilterValueError);
  expect((error as UndefinedFilterValueError).column).toBe(column);
};

describe(`undefined filter values on ${testDatabaseType()}`, () => {
  it('are refused on a global repository, which reads, changes and deletes nothing', async () => {
    const tenants = db.repositories.tenants;
    const names = ['Undefined A', 'Undefined B', 'Undefined C'];
    for (const name of names) await tenants.create({ id: newId('tenant'), name });
    const before = await tenants.find({}, { orderBy: [{ column: 'name', direction: 'asc' }] });
    expect(before.map((tenant) => tenant.name)).toEqual(expect.arrayContaining(names));

    await expectRefused(tenants.get(missing), 'id');
    await expectRefused(tenants.require(missing, 'Tenant'), 'id');
    await expectRefused(tenants.find({ id: missing }), 'id');
    await expectRefused(tenants.findOne({ name: missing }), 'name');
    await expectRefused(tenants.count({ id: missing }), 'id');
    await expectRefused(tenants.list({}, { id: missing }), 'id');
    await expectRefused(tenants.find({ id: op.in([missing]) }), 'id');
    await expectRefused(tenants.find({ id: op.not(missing) }), 'id');
    await expectRefused(tenants.update(missing, { name: 'Renamed' }), 'id');
    await expectRefused(tenants.updateWhere({ id: missing }, { name: 'Renamed' }), 'id');
    await expectRefused(tenants.delete(missing), 'id');
    await expectRefused(tenants.deleteWhere({ id: missing }), 'id');

    const after = await tenants.find({}, { orderBy: [{ column: 'name', direction: 'asc' }] });
    expect(after).toEqual(before);
  });

  it('are refused on a tenant-scoped repository, which reads, changes and deletes nothing', async () => {
    const tenant = await db.repositories.tenants.create({ id: newId('tenant'), name: 'Undefined scoped' });
    const workers = db.repositories.workers;
    await workers.create({ id: newId('worker'), name: 'undefined-filter-worker' });
    const runs = db.repositories.flowRuns.inTenant(tenant.id);
    const dataFlowId = newId('dataFlow');
    for (let i = 0; i < 3; i++) await runs.create({ id: newId('flowRun'), dataFlowId });
    const before = await runs.find();
    const workersBefore = await workers.find();
    expect(before).toHaveLength(3);

    await expectRefused(runs.get(missing), 'id');
    await expectRefused(runs.find({ dataFlowId: missing }), 'dataFlowId');
    await expectRefused(runs.findOne({ id: missing }), 'id');
    await expectRefused(runs.count({ dataFlowId: missing }), 'dataFlowId');
    await expectRefused(runs.update(missing, { state: 'Exception' }), 'id');
    await expectRefused(runs.updateWhere({ id: missing }, { state: 'Exception' }), 'id');
    await expectRefused(runs.deleteWhere({ id: missing }), 'id');
    await expectRefused(runs.delete(missing), 'id');
    await expectRefused(db.repositories.flowRuns.findAcrossTenants({ id: missing }), 'id');
    await expectRefused(workers.deleteWhere({ id: missing }), 'id');
    await expectRefused(workers.updateWhere({ name: missing }, { drainMode: true }), 'name');

    expect(await runs.find()).toEqual(before);
    expect(await workers.find()).toEqual(workersBefore);
  });

  it('leave open range bounds and null (IS NULL) working as before', async () => {
    const tenant = await db.repositories.tenants.create({ id: newId('tenant'), name: 'Undefined ranges' });
    const runs = db.repositories.flowRuns.inTenant(tenant.id);
    const run = await runs.create({ id: newId('flowRun'), dataFlowId: newId('dataFlow') });
    expect(
      await runs.count({ createdUtc: op.range({ gte: undefined, lt: '2999-01-01T00:00:00.000Z' }) }),
    ).toBe(1);
    expect((await runs.find({ triggerId: null })).map((row) => row.id)).toEqual([run.id]);
  });
});
