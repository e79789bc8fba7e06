import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids/index.ts';
import { openDatabase, type TempoDatabase } from './open-database.ts';

// Two stores over one database file stand for two servers: what one writes, the other reads.
let folder: string;
let writer: TempoDatabase;
let reader: TempoDatabase;
const TENANT = 'ten_stamp';

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tempo-definition-stamp-'));
  const filename = join(folder, 'tempo.db');
  writer = await openDatabase({ type: 'Sqlite', filename });
  await writer.migrate();
  reader = await openDatabase({ type: 'Sqlite', filename });
});

afterAll(async () => {
  await reader?.close();
  await writer?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Runs a write through the writer and answers whether the reader then sees a new stamp. */
const moves = async (write: () => Promise<unknown>): Promise<boolean> => {
  const before = await reader.repositories.definitionStamp.read();
  await write();
  return (await reader.repositories.definitionStamp.read()) !== before;
};

describe('the definition stamp', () => {
  it('moves with every write of a definition', async () => {
    const repositories = writer.repositories;
    expect(await moves(() => repositories.tenants.create({ id: TENANT, name: 'Stamp' }))).toBe(true);

    const flows = repositories.dataFlows.inTenant(TENANT);
    const flowId = newId('dataFlow');
    expect(await moves(() => flows.create({ id: flowId, name: 'Stamped' }))).toBe(true);
    expect(await moves(() => flows.update(flowId, { active: false }))).toBe(true);
    const steps = repositories.steps.inTenant(TENANT);
    const stepId = newId('step');
    expect(
      await moves(() =>
        steps.create({ id: stepId, executionKey: 'stamp.step', runtimeKey: 'Builtin.Method' }),
      ),
    ).toBe(true);
    const triggers = repositories.triggers.inTenant(TENANT);
    const triggerId = newId('trigger');
    expect(await moves(() => triggers.create({ id: triggerId, dataFlowId: flowId }))).toBe(true);
    expect(await moves(() => triggers.delete(triggerId))).toBe(true);
    expect(await moves(() => steps.deleteWhere({ executionKey: 'stamp.step' }))).toBe(true);
    // A write that matched nothing still moves it: it is cheap, and never wrong.
    expect(await moves(() => flows.update('flow_none', { name: 'x' }))).toBe(true);
    const artifacts = repositories.artifacts.inTenant(TENANT);
    const artifactId = newId('artifact');
    expect(await moves(() => artifacts.create({ id: artifactId, name: 'pinned' }))).toBe(true);
    // A `current` pin moves by retiring one version row and writing another.
    const versions = repositories.artifactVersions.inTenant(TENANT);
    const versionId = newId('artifactVersion');
    expect(
      await moves(() =>
        versions.create({ id: versionId, artifactId, version: 'current', sha256: 'a'.repeat(64) }),
      ),
    ).toBe(true);
    expect(await moves(() => versions.update(versionId, { version: 'retired-1' }))).toBe(true);
  });

  it('stays put on writes of the run path', async () => {
    const repositories = writer.repositories;
    const runId = newId('flowRun');
    expect(
      await moves(() =>
        repositories.flowRuns.inTenant(TENANT).create({ id: runId, dataFlowId: 'flow_x', state: 'Queued' }),
      ),
    ).toBe(false);
    expect(
      await moves(() => repositories.flowRuns.inTenant(TENANT).update(runId, { state: 'Succeeded' })),
    ).toBe(false);
  });

  it('commits with the write on SQLite, even when the database closes before the write settled', async () => {
    const pending = writer.repositories.tenants.create({ id: 'ten_closing', name: 'Closing' });
    const before = await reader.repositories.definitionStamp.read();
    await writer.close();
    await pending;
    expect(await reader.repositories.definitionStamp.read()).not.toBe(before);
    writer = await openDatabase({ type: 'Sqlite', filename: join(folder, 'tempo.db') });
  });

  it('is created again by a bump when the row is missing', async () => {
    await writer.dialect.executeDdl('DELETE FROM definition_versions');
    expect(await reader.repositories.definitionStamp.read()).toBe('');
    await writer.repositories.steps.inTenant(TENANT).deleteWhere({ executionKey: 'none' });
    expect(await reader.repositories.definitionStamp.read()).not.toBe('');
  });

  it('takes a new value at each bump, from any store', async () => {
    const seen = new Set<string>();
    for (const database of [writer, reader, writer]) {
      await database.repositories.definitionStamp.bump();
      seen.add(await writer.repositories.definitionStamp.read());
    }
    expect(seen.size).toBe(3);
  });
});
