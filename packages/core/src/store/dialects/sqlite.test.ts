import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoError } from '@tempo/contracts';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../ids/index.ts';
import { openDatabase, type TempoDatabase } from '../open-database.ts';

let dir: string;
let filename: string;
let db: TempoDatabase;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tempo-sqlite-'));
  filename = join(dir, 'tempo.db');
  db = await openDatabase({ type: 'Sqlite', filename });
  await db.migrate();
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a second connection to the same file sees: only committed rows. */
const committedTenantNames = (): string[] => {
  const other = new Database(filename, { readonly: true });
  try {
    return (other.prepare('SELECT name FROM tenants ORDER BY name').all() as { name: string }[]).map(
      (row) => row.name,
    );
  } finally {
    other.close();
  }
};

/** How many pages the database file holds, as another connection sees it. */
const committedPageCount = (): number => {
  const other = new Database(filename, { readonly: true });
  try {
    return other.pragma('page_count', { simple: true }) as number;
  } finally {
    other.close();
  }
};

const createTenant = (name: string, id: string = newId('tenant')) =>
  db.repositories.tenants.create({ id, name });

describe('SQLite group commit', () => {
  it('commits the writes of one turn together and resolves each only once committed', async () => {
    const before = committedTenantNames();
    const writes = Array.from({ length: 40 }, (_, i) => createTenant(`batch-${String(i).padStart(2, '0')}`));
    // Issued but not yet committed: another connection cannot see them.
    expect(committedTenantNames()).toEqual(before);
    // A read waits for the pending group to commit, then sees all of it.
    expect(await db.repositories.tenants.count()).toBe(before.length + 40);
    await Promise.all(writes);
    const after = committedTenantNames();
    expect(after.filter((name) => name.startsWith('batch-'))).toHaveLength(40);
  });

  it('rejects only the failing statement of a batch; the others are committed', async () => {
    const id = newId('tenant');
    await createTenant('first', id);
    const [second, duplicate, third] = await Promise.allSettled([
      createTenant('second'),
      createTenant('duplicate', id),
      createTenant('third'),
    ]);
    expect(second.status).toBe('fulfilled');
    expect(third.status).toBe('fulfilled');
    expect(duplicate.status).toBe('rejected');
    const reason = duplicate.status === 'rejected' ? duplicate.reason : null;
    expect(reason).toBeInstanceOf(TempoError);
    expect((reason as TempoError).code).toBe('Conflict');
    expect(committedTenantNames()).toEqual(expect.arrayContaining(['first', 'second', 'third']));
    expect(committedTenantNames()).not.toContain('duplicate');
  });

  it('counts, updates and deletes through cached statements with the right results', async () => {
    const ids = [newId('tenant'), newId('tenant'), newId('tenant')];
    await Promise.all(ids.map((id, i) => createTenant(`cached-${i}`, id)));
    const tenants = db.repositories.tenants;
    for (let round = 0; round < 3; round++) {
      expect(await tenants.count({ name: 'cached-1' })).toBe(1);
      expect((await tenants.get(ids[0] ?? ''))?.name).toBe('cached-0');
    }
    expect(await tenants.updateWhere({ name: 'cached-2' }, { region: 'eu-west' })).toBe(1);
    expect((await tenants.get(ids[2] ?? ''))?.region).toBe('eu-west');
    expect(await tenants.delete(ids[1] ?? '')).toBe(true);
    expect(await tenants.delete(ids[1] ?? '')).toBe(false);
    expect(committedTenantNames()).not.toContain('cached-1');
  });

  it('answers a read issued beside a pending write only once that write is committed', async () => {
    const id = newId('tenant');
    const write = createTenant('pending-read', id);
    const read = db.repositories.tenants
      .get(id)
      .then((row) => ({ name: row?.name, committed: committedTenantNames() }));
    await write;
    expect(await read).toEqual({ name: 'pending-read', committed: expect.arrayContaining(['pending-read']) });
  });

  it('replays a batch that SQLite rolled back write by write: unrelated writes survive', async () => {
    await db.dialect.executeDdl(
      `CREATE TRIGGER poison_tenant BEFORE INSERT ON tenants WHEN NEW.name = 'poison'
       BEGIN SELECT RAISE(ROLLBACK, 'poisoned write'); END`,
    );
    const innocentId = newId('tenant');
    // One turn: a write, a read of it, a write that rolls the whole transaction back, another write.
    const innocent = createTenant('innocent-1', innocentId);
    const read = db.repositories.tenants.get(innocentId);
    const poison = createTenant('poison');
    const later = createTenant('innocent-2');
    const [first, bad, second, seen] = await Promise.allSettled([innocent, poison, later, read]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    expect(bad.status === 'rejected' ? String(bad.reason) : '').toContain('poisoned write');
    // What the read answered is what is durable.
    expect(seen.status === 'fulfilled' ? seen.value?.name : 'rejected').toBe('innocent-1');
    const committed = committedTenantNames();
    expect(committed).toEqual(expect.arrayContaining(['innocent-1', 'innocent-2']));
    expect(committed).not.toContain('poison');
  });

  it('replays a batch that a full database failed: each write reports its own outcome', async () => {
    const small = Array.from({ length: 3 }, (_, i) => createTenant(`small-${i}`));
    await Promise.all(small);
    const pages = committedPageCount();
    await db.dialect.executeDdl(`PRAGMA max_page_count = ${pages + 2}`);
    const id = newId('tenant');
    const kept = createTenant('fits', id);
    const read = db.repositories.tenants.get(id);
    const huge = createTenant('x'.repeat(64 * 1024));
    const [fits, tooBig, seen] = await Promise.allSettled([kept, huge, read]);
    expect(tooBig.status).toBe('rejected');
    expect(tooBig.status === 'rejected' ? (tooBig.reason as { code?: string }).code : '').toBe('SQLITE_FULL');
    expect(fits.status).toBe('fulfilled');
    expect(seen.status === 'fulfilled' ? seen.value?.name : 'rejected').toBe('fits');
    expect(committedTenantNames()).toContain('fits');
  });

  it('commits what is pending when the database closes', async () => {
    const pending = createTenant('closing');
    await db.close();
    await pending;
    expect(committedTenantNames()).toContain('closing');
    db = await openDatabase({ type: 'Sqlite', filename });
  });
});
