import { TempoError } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids/index.ts';
import type { TempoDatabase } from '../src/store/index.ts';
import { freshTestDatabase, testDatabaseType } from './test-database.ts';

let db: TempoDatabase;

beforeAll(async () => {
  db = await freshTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe(`a text longer than its column on ${testDatabaseType()}`, () => {
  it('is a 400 where the database checks widths, and never leaves the row half written', async () => {
    const tenant = await db.repositories.tenants.create({ id: newId('tenant'), name: 'widths' });
    const artifacts = db.repositories.artifacts.inTenant(tenant.id);
    const id = newId('artifact');
    const write = artifacts.create({ id, name: 'n'.repeat(300) });
    if (testDatabaseType() === 'Sqlite') {
      // SQLite keeps any length: the request schemas are what bound it there.
      await expect(write).resolves.toMatchObject({ id });
      return;
    }
    const refused = await write.then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(TempoError);
    expect(refused).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(await artifacts.get(id)).toBeNull();
    // The same record within the width is stored: the refusal was the value, not the table.
    await expect(artifacts.create({ id, name: 'n'.repeat(255) })).resolves.toMatchObject({ id });
  });
});
