import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltinMethodConfig, StepTransition } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import { openDatabase, type TempoDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefinitionCache } from './definition-cache.ts';
import { SharedStampReader } from './definition-stamp.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SharedStampReader', () => {
  it('shares one read between the calls of one turn, issued after all of them', async () => {
    let reads = 0;
    let stored = 'one';
    const reader = new SharedStampReader(async () => {
      reads++;
      return stored;
    });
    const first = reader.read();
    // Written after the first call but before the shared read is issued: the read must see it.
    stored = 'two';
    const second = reader.read();
    expect(await first).toEqual({ stamp: 'two', sequence: 1 });
    expect(await second).toBe(await first);
    expect(reads).toBe(1);
  });

  it('issues a new, later read for a call made once the last one was issued', async () => {
    let reads = 0;
    const reader = new SharedStampReader(async () => `stamp ${++reads}`);
    const first = reader.read();
    await nextTurn();
    const second = reader.read();
    expect((await second).sequence).toBeGreaterThan((await first).sequence);
    expect((await second).stamp).toBe('stamp 2');
  });

  it('hands a failed read to every call that joined it, and reads again next time', async () => {
    let fail = true;
    const reader = new SharedStampReader(async () => {
      if (fail) throw new Error('database gone');
      return 'back';
    });
    const calls = [reader.read(), reader.read()];
    for (const call of calls) await expect(call).rejects.toThrow('database gone');
    fail = false;
    expect((await reader.read()).stamp).toBe('back');
  });
});

// Two stores over one SQLite file stand for two servers sharing a database.
describe('DefinitionCache over a shared database', () => {
  let folder: string;
  let here: TempoDatabase;
  let there: TempoDatabase;
  const tenantId = 'ten_cache';

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tempo-definition-cache-'));
    const filename = join(folder, 'tempo.db');
    here = await openDatabase({ type: 'Sqlite', filename });
    await here.migrate();
    there = await openDatabase({ type: 'Sqlite', filename });
    await here.repositories.tenants.create({ id: tenantId, name: 'Cache' });
  });

  afterAll(async () => {
    await there?.close();
    await here?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const cacheOf = (database: TempoDatabase) =>
    new DefinitionCache(database.repositories, () => Promise.reject(new Error('no artifacts here')));

  const triggerWithFlow = async () => {
    const flow = await here.repositories.dataFlows
      .inTenant(tenantId)
      .create({ id: newId('dataFlow'), name: 'Cached' });
    const trigger = await here.repositories.triggers
      .inTenant(tenantId)
      .create({ id: newId('trigger'), dataFlowId: flow.id });
    return { flow, trigger };
  };

  it("sees another server's edit and deletion at the next call while servers share the database", async () => {
    const cache = cacheOf(here);
    cache.shared = true;
    const { flow, trigger } = await triggerWithFlow();
    expect((await cache.triggerTarget(trigger.id))?.trigger.active).toBe(true);
    // Served from memory while nothing changed.
    expect(await cache.triggerTarget(trigger.id)).toBe(await cache.triggerTarget(trigger.id));

    await there.repositories.triggers.inTenant(tenantId).update(trigger.id, { active: false });
    expect((await cache.triggerTarget(trigger.id))?.trigger.active).toBe(false);
    await there.repositories.dataFlows.inTenant(tenantId).update(flow.id, { name: 'Renamed' });
    expect((await cache.triggerTarget(trigger.id))?.flow?.name).toBe('Renamed');
    await there.repositories.triggers.inTenant(tenantId).delete(trigger.id);
    expect(await cache.triggerTarget(trigger.id)).toBeNull();
  });

  it("captures a flow's snapshot again after another server changed one of its steps", async () => {
    const cache = cacheOf(here);
    cache.shared = true;
    const steps = here.repositories.steps.inTenant(tenantId);
    const step = await steps.create({
      id: newId('step'),
      executionKey: 'cache.step',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: BuiltinMethodConfig.parse({ runtimeKey: 'Builtin.Method', identifier: 'first' }),
    });
    const { trigger } = await triggerWithFlow();
    await here.repositories.dataFlows
      .inTenant(tenantId)
      .updateWhere(
        {},
        { startStepId: 'cache.step', transitions: { 'cache.step': StepTransition.parse({}) } },
      );
    const flow = (await cache.triggerTarget(trigger.id))?.flow;
    if (!flow) throw new Error('the trigger has a flow');
    const before = await cache.snapshotOf(flow);
    expect(before.json).toContain('"first"');
    expect(await cache.snapshotOf(flow)).toBe(before);

    await there.repositories.steps.inTenant(tenantId).update(step.id, {
      runtimeConfig: BuiltinMethodConfig.parse({ runtimeKey: 'Builtin.Method', identifier: 'second' }),
    });
    const again = (await cache.triggerTarget(trigger.id))?.flow;
    if (!again) throw new Error('the trigger has a flow');
    expect((await cache.snapshotOf(again)).json).toContain('"second"');
  });

  it('on SQLite alone reads no stamp, and serves nothing read before the other server stopped', async () => {
    const cache = cacheOf(here);
    const { trigger } = await triggerWithFlow();
    const alone = await cache.triggerTarget(trigger.id);
    // With no other server seen, nothing but this process's own clock is compared.
    await there.repositories.triggers.inTenant(tenantId).update(trigger.id, { name: 'unseen' });
    expect(await cache.triggerTarget(trigger.id)).toBe(alone);

    cache.shared = true;
    expect((await cache.triggerTarget(trigger.id))?.trigger.name).toBe('unseen');
    const whileShared = await cache.triggerTarget(trigger.id);
    await there.repositories.triggers.inTenant(tenantId).update(trigger.id, { name: 'edited, then gone' });
    cache.shared = false;
    // Stamped while shared, so not trusted once the other server has gone.
    const after = await cache.triggerTarget(trigger.id);
    expect(after).not.toBe(whileShared);
    expect(after?.trigger.name).toBe('edited, then gone');
  });
});
