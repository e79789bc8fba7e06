import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids/index.ts';
import { indexName } from '../src/store/ddl.ts';
import { op, Tables, type TempoDatabase } from '../src/store/index.ts';
import { freshTestDatabase, testDatabaseType } from './test-database.ts';

let db: TempoDatabase;

beforeAll(async () => {
  db = await freshTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

const event = (tenantId: string | null, occurredUtc: string, action = 'RoleDeleted') => ({
  id: newId('auditEvent'),
  tenantId,
  occurredUtc,
  actorKind: 'User',
  actorId: 'usr_1',
  actorName: 'someone@example.test',
  authMethod: 'token',
  sourceIp: '2001:db8::1',
  action,
  targetType: 'Role',
  targetId: 'rol_1',
  outcome: 'Succeeded',
  statusCode: 204,
  detail: { fields: ['name'], changed: { isAdmin: { from: false, to: true } }, count: 3 },
});

describe(`audit events on ${testDatabaseType()}`, () => {
  it('creates audit_events and its indexes on a database from before version 4', async () => {
    const q = db.dialect.quote;
    await db.dialect.executeDdl(`DROP TABLE ${q(Tables.auditEvents.name)}`);
    await db.dialect.executeDdl(`DELETE FROM ${q('schema_migrations')} WHERE ${q('version')} = 4`);
    expect((await db.migrate()).applied).toEqual([4]);
    for (const index of Tables.auditEvents.indexes)
      expect(
        await db.dialect.indexExists(Tables.auditEvents.name, indexName(Tables.auditEvents, index)),
      ).toBe(true);
  });

  it('round-trips an event, a null tenant and its JSON detail', async () => {
    const audit = db.repositories.auditEvents;
    const global = event(null, '2026-01-02T03:04:05.678Z');
    await audit.create(global);
    expect(await audit.get(global.id)).toEqual(global);
  });

  it("lists one tenant's events newest first, filters by time, and deletes by age", async () => {
    const audit = db.repositories.auditEvents;
    const tenantId = newId('tenant');
    const times = ['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'];
    for (const time of times) await audit.create(event(tenantId, time));
    await audit.create(event(newId('tenant'), '2026-03-04T00:00:00.000Z'));
    const page = await audit.list({ pageSize: 10 }, { tenantId });
    expect(page.totalCount).toBe(3);
    expect(page.items.map((row) => row.occurredUtc)).toEqual([...times].reverse());
    const since = await audit.find({
      tenantId,
      occurredUtc: op.range({ gte: '2026-03-02T00:00:00.000Z' }),
    });
    expect(since).toHaveLength(2);
    expect(
      await audit.deleteWhere({ tenantId, occurredUtc: op.range({ lt: '2026-03-02T00:00:00.000Z' }) }),
    ).toBe(1);
    expect(await audit.count({ tenantId })).toBe(2);
  });
});
