import { TempoError } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids/index.ts';
import { openDatabase, type TempoDatabase } from './open-database.ts';

// Multi-row inserts over a real SQLite database: scoped like single ones, split past the
// parameter limit, and refused as a whole on a duplicate key.

let db: TempoDatabase;
const tenantA = newId('tenant');
const tenantB = newId('tenant');

beforeAll(async () => {
  db = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  await db.migrate();
});
afterAll(async () => {
  await db.close();
});

const flowRows = (count: number, name: string) =>
  Array.from({ length: count }, (_, index) => ({ id: newId('dataFlow'), name: `${name} ${index}` }));

describe('ScopedRepository.createMany', () => {
  it("stores every row under the scope's tenant, whatever the rows say", async () => {
    const rows = flowRows(3, 'batch').map((row) => ({ ...row, tenantId: tenantB }));
    const created = await db.repositories.dataFlows.inTenant(tenantA).createMany(rows);
    expect(created.map((row) => row.tenantId)).toEqual([tenantA, tenantA, tenantA]);
    const stored = await db.repositories.dataFlows.inTenant(tenantA).find({});
    expect(stored.map((row) => row.name).sort()).toEqual(['batch 0', 'batch 1', 'batch 2']);
    expect(await db.repositories.dataFlows.inTenant(tenantB).count()).toBe(0);
  });

  it('splits a batch larger than one statement may bind into several inserts', async () => {
    // Far more values than SQLite binds in one statement.
    const rows = flowRows(4_000, 'large');
    await db.repositories.dataFlows.inTenant(tenantB).createMany(rows);
    expect(await db.repositories.dataFlows.inTenant(tenantB).count()).toBe(4_000);
  });

  it('refuses a batch repeating a stored id with a 409 Conflict', async () => {
    const [first] = await db.repositories.dataFlows.inTenant(tenantA).find({});
    const error = await db.repositories.dataFlows
      .inTenant(tenantA)
      .createMany([{ id: first?.id ?? '', name: 'again' }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TempoError);
    expect((error as TempoError).code).toBe('Conflict');
  });

  it('does nothing for an empty batch', async () => {
    expect(await db.repositories.dataFlows.inTenant(tenantA).createMany([])).toEqual([]);
  });
});
