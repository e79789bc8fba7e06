import { TempoError } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids/index.ts';
import { inWriteLane, Tables, type TempoDatabase } from '../src/store/index.ts';
import { freshTestDatabase, testDatabaseType } from './test-database.ts';

let db: TempoDatabase;

beforeAll(async () => {
  db = await freshTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

/** Settles every promise, keeping each outcome. */
const outcomes = (promises: readonly Promise<unknown>[]) => Promise.allSettled(promises);

// Writes issued in one turn share a commit (SQLite's group commit; on PostgreSQL and MySQL, one
// transaction per batch with inserts merged per table): each must still get its own outcome and
// apply in the order it was issued.
describe(`writes issued together on ${testDatabaseType()}`, () => {
  it('all land and are each answered, an update behind its insert seeing the row', async () => {
    const { tenants } = db.repositories;
    const ids = Array.from({ length: 40 }, () => newId('tenant'));
    const created = ids.map((id) => tenants.create({ id, name: 'batch' }));
    const renamed = tenants.updateWhere({ id: ids[7] as string }, { name: 'renamed' });
    const deleted = tenants.deleteWhere({ id: ids[9] as string });
    const settled = await outcomes([...created, renamed, deleted]);
    expect(settled.every((one) => one.status === 'fulfilled')).toBe(true);
    expect(await renamed).toBe(1);
    expect(await deleted).toBe(1);
    expect(await tenants.count({ name: 'batch' })).toBe(38);
    expect((await tenants.get(ids[7] as string))?.name).toBe('renamed');
    expect(await tenants.get(ids[9] as string)).toBeNull();
  });

  it('rejects only the write the database refuses; the others of its batch survive', async () => {
    const { tenants } = db.repositories;
    const taken = newId('tenant');
    await tenants.create({ id: taken, name: 'first' });
    const before = newId('tenant');
    const after = newId('tenant');
    const [first, duplicate, last, renamed] = await outcomes([
      tenants.create({ id: before, name: 'survivor' }),
      tenants.create({ id: taken, name: 'duplicate' }),
      tenants.create({ id: after, name: 'survivor' }),
      tenants.updateWhere({ id: taken }, { name: 'renamed' }),
    ]);
    expect(first?.status).toBe('fulfilled');
    expect(last?.status).toBe('fulfilled');
    expect(renamed).toEqual({ status: 'fulfilled', value: 1 });
    expect(duplicate?.status).toBe('rejected');
    const reason = duplicate?.status === 'rejected' ? duplicate.reason : null;
    expect(reason).toBeInstanceOf(TempoError);
    expect((reason as TempoError).code).toBe('Conflict');
    expect(await tenants.count({ name: 'survivor' })).toBe(2);
    expect((await tenants.get(taken))?.name).toBe('renamed');
  });

  it('stores values written together exactly, quotes, backslashes and all', async () => {
    const { tenants } = db.repositories;
    const names = ["it's", "back\\slash \\' end", '$1 $2 ; -- not sql', 'ünïcødé ✓'];
    const ids = names.map(() => newId('tenant'));
    await Promise.all(names.map((name, index) => tenants.create({ id: ids[index] as string, name })));
    const stored = await Promise.all(ids.map((id) => tenants.get(id)));
    expect(stored.map((row) => row?.name)).toEqual(names);
  });

  it('lands an insert issued after a delete of its table after that delete', async () => {
    const { tenants } = db.repositories;
    const early = newId('tenant');
    const late = newId('tenant');
    await outcomes([
      tenants.create({ id: early, name: 'ordered' }),
      tenants.deleteWhere({ name: 'ordered' }),
      tenants.create({ id: late, name: 'ordered' }),
    ]);
    expect(await tenants.get(early)).toBeNull();
    expect((await tenants.get(late))?.name).toBe('ordered');
  });
});

// A lane of its own lets writes that something waits on pass a batch held up in the default lane.
// Only PostgreSQL can hold a row lock for a while with the one statement the test may send.
describe.runIf(testDatabaseType() === 'Postgresql')('writes in a lane of their own', () => {
  it('commit while a batch of the default lane waits on a lock, which then lands in order', async () => {
    const { tenants } = db.repositories;
    const locked = newId('tenant');
    const free = newId('tenant');
    await Promise.all([
      tenants.create({ id: locked, name: 'lane' }),
      tenants.create({ id: free, name: 'lane' }),
    ]);
    const q = db.dialect.quote;
    // One transaction that changes the row and keeps its lock for 600 ms before it commits.
    const holder = db.dialect.executeDdl(
      `DO $$ BEGIN UPDATE ${q(Tables.tenants.name)} SET ${q('name')} = 'holder' WHERE ${q('id')} = '${locked}'; PERFORM pg_sleep(0.6); END $$`,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const waiting = tenants.updateWhere({ id: locked }, { name: 'default lane' });
    const behind = tenants.updateWhere({ id: free }, { name: 'behind it' });
    // Let the default lane's batch leave and block on the lock before the lane's write is issued.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const own = inWriteLane('own', () => tenants.updateWhere({ id: free }, { name: 'own lane' }));
    const first = await Promise.race([
      own.then(() => 'own lane'),
      holder.then(() => 'holder'),
      waiting.then(() => 'default lane'),
    ]);
    expect(first).toBe('own lane');
    expect(await own).toBe(1);
    await holder;
    expect(await waiting).toBe(1);
    expect(await behind).toBe(1);
    // The default lane's batch, blocked behind the lock, landed after the lane's write.
    expect((await tenants.get(free))?.name).toBe('behind it');
    expect((await tenants.get(locked))?.name).toBe('default lane');
  });
});
