import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids/index.ts';
import { type LeaseRecord, openDatabase, type TempoDatabase } from '../src/store/index.ts';
import { testDatabaseOptions, testDatabaseType } from './test-database.ts';

// Several servers share one database, each through its own connections: on PostgreSQL and MySQL
// the second "server" here opens the database again, so the races below cross connections as
// theirs do. SQLite's one connection per process holds its write transaction open across a batch
// and waits for a lock synchronously, so two in one process would wait on each other: there both
// contenders share the connection, and the races check the guards alone.

let first: TempoDatabase;
let second: TempoDatabase;
let cleanup: () => void = () => undefined;

beforeAll(async () => {
  const options = testDatabaseOptions();
  cleanup = options.cleanup;
  first = await openDatabase(options);
  // Every test uses lease names of its own, so the database need not be emptied: the suite
  // leaves whatever else is stored in a shared test database alone.
  await first.migrate();
  second = options.type === 'Sqlite' ? first : await openDatabase(options);
});

afterAll(async () => {
  if (second !== first) await second?.close();
  await first?.close();
  cleanup();
});

const LEASE_MS = 5000;

describe(`scheduler lease compare-and-set on ${testDatabaseType()}`, () => {
  it('gives a fresh lease to exactly one of two servers racing to create it', async () => {
    const name = `race_${newId('tenant')}`;
    const [a, b] = [newId('serverInstance'), newId('serverInstance')];
    const results = await Promise.all([
      first.repositories.schedulerLeases.acquire(name, a, LEASE_MS, null),
      second.repositories.schedulerLeases.acquire(name, b, LEASE_MS, null),
    ]);
    const winners = results.filter((result): result is LeaseRecord => result !== null);
    expect(winners).toHaveLength(1);
    const stored = await first.repositories.schedulerLeases.read(name);
    expect(stored).toMatchObject({ holderInstanceId: winners[0]?.holderInstanceId, epoch: 1 });
  });

  it('hands a lapsed lease to exactly one of two servers taking it from the same view', async () => {
    const name = `takeover_${newId('tenant')}`;
    const [old, a, b] = [newId('serverInstance'), newId('serverInstance'), newId('serverInstance')];
    const held = await first.repositories.schedulerLeases.acquire(name, old, LEASE_MS, null);
    expect(held).not.toBeNull();
    const seen = await second.repositories.schedulerLeases.read(name);
    const results = await Promise.all([
      first.repositories.schedulerLeases.acquire(name, a, LEASE_MS, seen),
      second.repositories.schedulerLeases.acquire(name, b, LEASE_MS, seen),
    ]);
    const winners = results.filter((result): result is LeaseRecord => result !== null);
    expect(winners).toHaveLength(1);
    const stored = await first.repositories.schedulerLeases.read(name);
    expect(stored?.holderInstanceId).toBe(winners[0]?.holderInstanceId);
    expect(stored?.holderInstanceId).not.toBe(old);
    // A change of holder moves the epoch on.
    expect(stored?.epoch).toBe(2);
    // The old holder's renewal from its own view now fails: it has lost the role.
    expect(await first.repositories.schedulerLeases.acquire(name, old, LEASE_MS, held)).toBeNull();
  });

  it("keeps the lease with its holder while it renews, refusing a contender's stale view", async () => {
    const name = `renew_${newId('tenant')}`;
    const [holder, contender] = [newId('serverInstance'), newId('serverInstance')];
    let held = await first.repositories.schedulerLeases.acquire(name, holder, LEASE_MS, null);
    const contenderView = await second.repositories.schedulerLeases.read(name);
    for (let renewal = 0; renewal < 3; renewal++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const renewed = await first.repositories.schedulerLeases.acquire(name, holder, LEASE_MS, held);
      expect(renewed).not.toBeNull();
      expect(renewed?.epoch).toBe(1);
      expect(renewed && held && renewed.expiresUtc > held.expiresUtc).toBe(true);
      held = renewed;
    }
    // The contender judged the lease lapsed from a view the holder has since renewed past.
    expect(
      await second.repositories.schedulerLeases.acquire(name, contender, LEASE_MS, contenderView),
    ).toBeNull();
    expect(await second.repositories.schedulerLeases.read(name)).toMatchObject({ holderInstanceId: holder });
  });

  it('lets another server take a released lease at once, with the next epoch', async () => {
    const name = `release_${newId('tenant')}`;
    const [holder, next] = [newId('serverInstance'), newId('serverInstance')];
    const held = await first.repositories.schedulerLeases.acquire(name, holder, LEASE_MS, null);
    expect(held && (await first.repositories.schedulerLeases.release(held))).toBe(true);
    // Released once only: the same view no longer matches.
    expect(held && (await first.repositories.schedulerLeases.release(held))).toBe(false);
    const seen = await second.repositories.schedulerLeases.read(name);
    expect(seen?.holderInstanceId).toBeNull();
    const taken = await second.repositories.schedulerLeases.acquire(name, next, LEASE_MS, seen);
    expect(taken).toMatchObject({ holderInstanceId: next, epoch: 2 });
  });
});
