import { TempoError } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids/index.ts';
import { createIndexSql, indexName } from '../src/store/ddl.ts';
import { MIGRATIONS, op, Tables, type TempoDatabase } from '../src/store/index.ts';
import { freshTestDatabase, testDatabaseType } from './test-database.ts';

let db: TempoDatabase;
/** The schema version after every migration (later migrations move it; these tests need not). */
const CURRENT_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));

beforeAll(async () => {
  db = await freshTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

const createTenant = (name: string) => db.repositories.tenants.create({ id: newId('tenant'), name });

const expectTempoError = async (promise: Promise<unknown>, code: string, status: number) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TempoError);
  expect((error as TempoError).code).toBe(code);
  expect((error as TempoError).statusCode).toBe(status);
  return error as TempoError;
};

describe(`repositories on ${testDatabaseType()}`, () => {
  it('migrates to the current version, and a second run applies nothing', async () => {
    const again = await db.migrate();
    expect(again).toEqual({ applied: [], version: CURRENT_VERSION });
  });

  it('adds token versions to a database from before version 2, starting existing rows at 0', async () => {
    const q = db.dialect.quote;
    const tenant = await createTenant('Token versions');
    const userId = newId('user');
    await db.repositories.users
      .inTenant(tenant.id)
      .create({ id: userId, tenantId: tenant.id, email: 'old@example.test', passwordHash: 'x' });
    for (const name of ['users', 'administrators'])
      await db.dialect.executeDdl(`ALTER TABLE ${q(name)} DROP COLUMN ${q('token_version')}`);
    await db.dialect.executeDdl(`DELETE FROM ${q('schema_migrations')} WHERE ${q('version')} = 2`);
    expect(await db.migrate()).toEqual({ applied: [2], version: CURRENT_VERSION });
    expect((await db.repositories.users.inTenant(tenant.id).get(userId))?.tokenVersion).toBe(0);
    expect((await db.repositories.administrators.find({})).every((row) => row.tokenVersion === 0)).toBe(true);
  });

  it("indexes a tenant's runs by state and drops the run indexes nothing used (version 3)", async () => {
    const flowRuns = Tables.flowRuns;
    const unused = [['state'], ['createdUtc']].map((columns) => ({ columns, unique: false }));
    for (const index of unused) await db.dialect.executeDdl(createIndexSql(db.dialect, flowRuns, index));
    const q = db.dialect.quote;
    await db.dialect.executeDdl(`DELETE FROM ${q('schema_migrations')} WHERE ${q('version')} = 3`);
    expect(await db.migrate()).toEqual({ applied: [3], version: CURRENT_VERSION });
    for (const index of unused)
      expect(await db.dialect.indexExists(flowRuns.name, indexName(flowRuns, index))).toBe(false);
    const byState = { columns: ['tenantId', 'state', 'createdUtc'], unique: false };
    expect(await db.dialect.indexExists(flowRuns.name, indexName(flowRuns, byState))).toBe(true);
  });

  it('round-trips every column kind: text, booleans, JSON, timestamps, numbers and nulls', async () => {
    const tenant = await createTenant('Round trip');
    const flows = db.repositories.dataFlows.inTenant(tenant.id);
    const created = await flows.create({
      id: newId('dataFlow'),
      name: 'Kinds — ünïcode ✓',
      transitions: {
        start: {
          name: 'S',
          onSuccess: null,
          onFailure: null,
          onException: null,
          maxTransitions: 2,
          stepType: null,
          rest: null,
        },
      },
      maxRuntimeMs: 30000,
      invocationAuthMode: 'ApiAuthenticated',
      isProtected: true,
    });
    const read = await flows.get(created.id);
    expect(read).toEqual(created);
    expect(read?.active).toBe(true);
    expect(read?.isProtected).toBe(true);
    expect(read?.description).toBeNull();
    expect(read?.transitions.start?.maxTransitions).toBe(2);
    expect(read?.createdUtc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const runs = db.repositories.flowRuns.inTenant(tenant.id);
    const run = await runs.create({
      id: newId('flowRun'),
      dataFlowId: created.id,
      queueWaitMs: 2 ** 40,
      startedUtc: '2026-01-02T03:04:05.678Z',
    });
    const readRun = await runs.get(run.id);
    expect(readRun?.queueWaitMs).toBe(2 ** 40);
    expect(readRun?.startedUtc).toBe('2026-01-02T03:04:05.678Z');
    expect(readRun?.state).toBe('Queued');
    expect(readRun?.dispatchState).toBe('Pending');

    const history = await db.repositories.requestHistory.create({
      id: newId('requestHistory'),
      durationMs: 12.345,
      requestHeaders: { 'x-api-key': '****' },
    });
    expect((await db.repositories.requestHistory.get(history.id))?.durationMs).toBeCloseTo(12.345, 6);
    expect((await db.repositories.requestHistory.get(history.id))?.requestHeaders).toEqual({
      'x-api-key': '****',
    });
  });

  it("never returns, changes or deletes another tenant's rows", async () => {
    const a = await createTenant('Tenant A');
    const b = await createTenant('Tenant B');
    const stepsA = db.repositories.steps.inTenant(a.id);
    const stepsB = db.repositories.steps.inTenant(b.id);
    const stepA = await stepsA.create({
      id: newId('step'),
      executionKey: 'shared.key',
      runtimeKey: 'Builtin.Method',
    });
    const stepB = await stepsB.create({
      id: newId('step'),
      executionKey: 'shared.key',
      runtimeKey: 'Builtin.Class',
    });

    expect(await stepsA.get(stepB.id)).toBeNull();
    expect((await stepsA.list({})).items.map((s) => s.id)).toEqual([stepA.id]);
    expect(await stepsA.findOne({ executionKey: 'shared.key' })).toMatchObject({
      id: stepA.id,
      tenantId: a.id,
    });
    expect(await stepsA.update(stepB.id, { name: 'hijacked' })).toBeNull();
    expect(await stepsA.delete(stepB.id)).toBe(false);
    expect((await stepsB.get(stepB.id))?.name).toBe('My step');

    // A tenant id inside a patch or a created row cannot move a row to another tenant.
    await stepsA.update(stepA.id, { tenantId: b.id, name: 'renamed' });
    expect(await stepsA.get(stepA.id)).toMatchObject({ tenantId: a.id, name: 'renamed' });
    const forced = await stepsA.create({
      id: newId('step'),
      tenantId: b.id,
      executionKey: 'other',
      runtimeKey: 'Builtin.Method',
    });
    expect(forced.tenantId).toBe(a.id);
    expect(await stepsB.get(forced.id)).toBeNull();
    expect(() => db.repositories.steps.inTenant(' ')).toThrow(TempoError);
  });

  it('refreshes lastUpdateUtc on update and keeps createdUtc', async () => {
    const tenant = await createTenant('Timestamps');
    const roles = db.repositories.roles.inTenant(tenant.id);
    const role = await roles.create({
      id: newId('role'),
      name: 'R',
      createdUtc: '2020-01-01T00:00:00.000Z',
      lastUpdateUtc: '2020-01-01T00:00:00.000Z',
    });
    const updated = await roles.update(role.id, { description: 'changed' });
    expect(updated?.createdUtc).toBe('2020-01-01T00:00:00.000Z');
    expect(updated && updated.lastUpdateUtc > role.lastUpdateUtc).toBe(true);
  });

  it('turns a duplicate unique key into a 409 Conflict', async () => {
    const tenant = await createTenant('Unique');
    const users = db.repositories.users.inTenant(tenant.id);
    await users.create({ id: newId('user'), email: 'dup@tempo.local', passwordHash: 'x' });
    await expectTempoError(
      users.create({ id: newId('user'), email: 'dup@tempo.local', passwordHash: 'x' }),
      'Conflict',
      409,
    );
    const other = await createTenant('Unique 2');
    // Unique per tenant, not globally.
    await db.repositories.users
      .inTenant(other.id)
      .create({ id: newId('user'), email: 'dup@tempo.local', passwordHash: 'x' });
  });

  describe('paging', () => {
    let tenantId: string;
    beforeAll(async () => {
      tenantId = (await createTenant('Paging')).id;
      const triggers = db.repositories.triggers.inTenant(tenantId);
      for (let i = 1; i <= 7; i++) {
        await triggers.create({ id: newId('trigger'), name: `t${i}`, active: i !== 7 });
      }
    });

    it('serves an empty tenant as an empty first page', async () => {
      const empty = await createTenant('Empty');
      expect(await db.repositories.triggers.inTenant(empty.id).list({})).toEqual({
        pageNumber: 1,
        pageSize: 25,
        totalCount: 0,
        items: [],
      });
    });

    it('serves everything on one page by default, oldest first, without inactive rows', async () => {
      const page = await db.repositories.triggers.inTenant(tenantId).list({});
      expect(page.totalCount).toBe(6);
      expect(page.items.map((t) => t.name)).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
    });

    it('includes inactive rows on request', async () => {
      const page = await db.repositories.triggers.inTenant(tenantId).list({ includeInactive: 'true' });
      expect(page.totalCount).toBe(7);
    });

    it('serves a short last page and an empty page past the end', async () => {
      const triggers = db.repositories.triggers.inTenant(tenantId);
      const last = await triggers.list({ pageNumber: '2', pageSize: '4' });
      expect(last).toMatchObject({ pageNumber: 2, pageSize: 4, totalCount: 6 });
      expect(last.items.map((t) => t.name)).toEqual(['t5', 't6']);
      const past = await triggers.list({ pageNumber: 3, pageSize: 4 });
      expect(past.items).toEqual([]);
      expect(past.totalCount).toBe(6);
    });

    it.each([
      [{ pageNumber: 0 }, 'pageNumber'],
      [{ pageNumber: -1 }, 'pageNumber'],
      [{ pageNumber: 'abc' }, 'pageNumber'],
      [{ pageNumber: 1.5 }, 'pageNumber'],
      [{ pageSize: 0 }, 'pageSize'],
      [{ pageSize: 1001 }, 'pageSize'],
      [{ includeInactive: 'maybe' }, 'includeInactive'],
    ])('refuses %o with a 400 naming the field', async (query, field) => {
      const error = await expectTempoError(
        Promise.resolve().then(() => db.repositories.triggers.inTenant(tenantId).list(query as never)),
        'BadRequest',
        400,
      );
      expect(error.message).toContain(field);
    });
  });

  it('filters with in, range, contains and null', async () => {
    const tenant = await createTenant('Filters');
    const runs = db.repositories.flowRuns.inTenant(tenant.id);
    const flowId = newId('dataFlow');
    const states = ['Queued', 'Running', 'Succeeded', 'Failed'] as const;
    for (const [i, state] of states.entries()) {
      await runs.create({
        id: newId('flowRun'),
        dataFlowId: flowId,
        state,
        createdUtc: `2026-01-0${i + 1}T00:00:00.000Z`,
        errorMessage: i === 3 ? 'Boom: 100%_done' : null,
      });
    }
    expect(
      (await runs.find({ state: op.in(['Queued', 'Failed'] as const) })).map((r) => r.state).sort(),
    ).toEqual(['Failed', 'Queued']);
    expect(await runs.count({ state: op.in([]) })).toBe(0);
    expect(
      await runs.count({
        createdUtc: op.range({ gte: '2026-01-02T00:00:00.000Z', lt: '2026-01-04T00:00:00.000Z' }),
      }),
    ).toBe(2);
    expect(await runs.count({ errorMessage: op.contains('BOOM') })).toBe(1);
    expect(await runs.count({ errorMessage: op.contains('100%_') })).toBe(1);
    expect(await runs.count({ errorMessage: op.contains('1000') })).toBe(0);
    expect(await runs.count({ errorMessage: null })).toBe(3);
    expect(await runs.count({ state: op.not('Queued') })).toBe(3);
    const newest = await runs.list({ pageSize: 1 });
    expect(newest.items[0]?.state).toBe('Failed');
  });

  it('deletes by filter inside the tenant only', async () => {
    const a = await createTenant('Delete A');
    const b = await createTenant('Delete B');
    for (const tenant of [a, b]) {
      await db.repositories.artifactFiles
        .inTenant(tenant.id)
        .create({ artifactId: 'art_1', path: 'main.py', content: 'print(1)', sha256: 'x' });
    }
    expect(await db.repositories.artifactFiles.inTenant(a.id).deleteWhere({ artifactId: 'art_1' })).toBe(1);
    expect(await db.repositories.artifactFiles.inTenant(b.id).count({ artifactId: 'art_1' })).toBe(1);
  });
});
