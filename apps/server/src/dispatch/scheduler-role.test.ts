import { newId } from '@tempo/core/ids';
import { createLogger } from '@tempo/core/logging';
import { openDatabase, type TempoDatabase } from '@tempo/core/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchedulerRole, safetyMarginOf } from './scheduler-role.ts';

// Two servers' roles over one database (one connection: the store tests race real connections).
const LEASE_MS = 2000;
let db: TempoDatabase;
const roles: SchedulerRole[] = [];

beforeEach(async () => {
  db = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  await db.migrate();
});

afterEach(async () => {
  for (const role of roles.splice(0)) await role.stop();
  await db.close().catch(() => undefined);
});

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A server's role, with its `server_instances` row (a holder without one counts as stopped). */
const server = async (allowDuplicateScheduler = false): Promise<{ id: string; role: SchedulerRole }> => {
  const id = newId('serverInstance');
  await db.repositories.serverInstances.create({ id, hostName: `host ${id}` });
  const role = new SchedulerRole({
    repositories: db.repositories,
    log: createLogger({ name: 'role-test', console: false, file: null }),
    instanceId: id,
    leaseMs: LEASE_MS,
    pollIntervalMs: 100,
    allowDuplicateScheduler,
    locks: null,
  });
  roles.push(role);
  return { id, role };
};

describe('SchedulerRole', () => {
  it('gives the role to one server only, and to the other at once when the holder stops', async () => {
    const a = await server();
    const b = await server();
    expect(await a.role.refresh()).toBe(true);
    expect(await b.role.refresh()).toBe(false);
    expect([a.role.holds, b.role.holds]).toEqual([true, false]);
    expect(a.role.epoch).toBe(1);
    await a.role.stop();
    expect(a.role.holds).toBe(false);
    expect(await b.role.refresh()).toBe(true);
    expect(b.role.epoch).toBe(2);
  });

  it('stops counting a holder that cannot renew before another server may take over', async () => {
    const a = await server();
    const b = await server();
    const changes: boolean[] = [];
    a.role.onChange((holds) => changes.push(holds));
    expect(await a.role.refresh()).toBe(true);
    expect(await b.role.refresh()).toBe(false);
    // A stalls (no renewal). Its own view ends a safety margin before B's watch can end.
    await pause(LEASE_MS - safetyMarginOf(LEASE_MS) + 100);
    expect(a.role.holds).toBe(false);
    expect(await b.role.refresh()).toBe(false);
    await pause(safetyMarginOf(LEASE_MS));
    expect(await b.role.refresh()).toBe(true);
    // A's next look finds the lease taken: it stays out.
    expect(await a.role.refresh()).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('keeps the role with a holder that renews', async () => {
    const a = await server();
    const b = await server();
    expect(await a.role.refresh()).toBe(true);
    for (let look = 0; look < 8; look++) {
      await pause(LEASE_MS / 4);
      expect(await a.role.refresh()).toBe(true);
      expect(await b.role.refresh()).toBe(false);
    }
    expect(a.role.epoch).toBe(1);
  });

  it('takes the role at once from a holder whose server_instances row is gone', async () => {
    const a = await server();
    const b = await server();
    expect(await a.role.refresh()).toBe(true);
    await db.repositories.serverInstances.delete(a.id);
    expect(await b.role.refresh()).toBe(true);
  });

  it('lets every server schedule without the lease under allowDuplicateScheduler', async () => {
    const a = await server(true);
    const b = await server(true);
    expect([await a.role.refresh(), await b.role.refresh()]).toEqual([true, true]);
    expect(await db.repositories.schedulerLeases.read('scheduler')).toBeNull();
  });
});
