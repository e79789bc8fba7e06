import { TempoSettings } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import { createLogger } from '@tempo/core/logging';
import { openDatabase, type TempoDatabase } from '@tempo/core/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditEntry, AuditRecorder, boundedDetail, MAX_DETAIL_CHARS } from './audit-recorder.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let db: TempoDatabase;

beforeEach(async () => {
  db = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  await db.migrate();
});

afterEach(async () => {
  await db.close().catch(() => undefined);
});

const recorder = (retentionDays = 90) =>
  new AuditRecorder({
    repositories: db.repositories,
    log: createLogger({ name: 'audit-test', console: false, file: null }),
    settings: TempoSettings.parse({ audit: { retentionDays } }).audit,
  });

const entry: AuditEntry = {
  tenantId: 'ten_1',
  actor: { kind: 'User', id: 'usr_1', name: 'someone@example.test', authMethod: 'token' },
  sourceIp: '127.0.0.1',
  action: 'RoleDeleted',
  targetType: 'Role',
  targetId: 'rol_1',
  outcome: 'Succeeded',
  statusCode: 204,
};

const oldEvent = (ageDays: number) =>
  db.repositories.auditEvents.create({
    ...entry,
    id: newId('auditEvent'),
    actorKind: 'User',
    occurredUtc: new Date(Date.now() - ageDays * DAY_MS).toISOString(),
  });

describe('AuditRecorder', () => {
  it('writes in the background and flush waits for the writes', async () => {
    const audit = recorder();
    audit.record(entry);
    audit.record({ ...entry, targetId: 'rol_2' });
    await audit.flush();
    const rows = await db.repositories.auditEvents.find({});
    expect(rows.map((row) => row.targetId).sort()).toEqual(['rol_1', 'rol_2']);
    expect(rows[0]).toMatchObject({ tenantId: 'ten_1', actorId: 'usr_1', sourceIp: '127.0.0.1' });
  });

  it('records an event kept once per window only once within it', async () => {
    const audit = recorder();
    for (let i = 0; i < 5; i++) audit.recordOnce('key', 60_000, entry);
    audit.recordOnce('other key', 60_000, entry);
    await audit.flush();
    expect(await db.repositories.auditEvents.count({})).toBe(2);
  });

  it('sweeps events past audit.retentionDays and keeps younger ones', async () => {
    await oldEvent(40);
    await oldEvent(10);
    await oldEvent(0);
    expect(await recorder(30).sweep()).toBe(1);
    expect(await db.repositories.auditEvents.count({})).toBe(2);
    expect(await recorder(30).sweep(Date.now() + 25 * DAY_MS)).toBe(1);
  });

  it('never throws when a write fails: the event is logged and lost, the caller goes on', async () => {
    const audit = recorder();
    await db.close();
    expect(() => audit.record(entry)).not.toThrow();
    await expect(audit.flush()).resolves.toBeUndefined();
  });
});

describe('boundedDetail', () => {
  it('cuts long texts and lists and keeps small details as they are', () => {
    expect(boundedDetail({ fields: ['a', 'b'], changed: { isAdmin: { from: false, to: true } } })).toEqual({
      fields: ['a', 'b'],
      changed: { isAdmin: { from: false, to: true } },
    });
    const cut = boundedDetail({ name: 'x'.repeat(5000), ids: Array.from({ length: 500 }, (_, i) => i) });
    expect((cut.name as string).length).toBe(256);
    expect((cut.ids as number[]).length).toBe(50);
  });

  it('replaces a detail still too large by the names of its keys', () => {
    const huge = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, 'y'.repeat(200)]));
    const bounded = boundedDetail(huge);
    expect(JSON.stringify(bounded).length).toBeLessThanOrEqual(MAX_DETAIL_CHARS);
    expect(bounded).toMatchObject({ truncated: true });
    expect((bounded.keys as string[]).length).toBe(20);
  });
});
