import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TempoDatabase } from '../store/index.ts';
import type { SampleStep } from './sample-step.ts';
import { sameJson } from './sample-step.ts';
import { type HydrationOptions, type SeedLogger, seedDatabase } from './seed-database.ts';

const OPTIONS: HydrationOptions = {
  seedDefaults: true,
  defaultTenantName: 'Default Tenant',
  defaultAdminEmail: 'admin@tempo.test',
  defaultAdminPassword: 'admin-password',
  defaultUserEmail: 'user@tempo.test',
  defaultUserPassword: 'user-password',
  hydrationFile: null,
};

const SILENT: SeedLogger = { info: () => undefined, warn: () => undefined };

const restSample = (url: string): SampleStep => ({
  isProtected: true,
  active: true,
  runtimeBindingState: 'Resolved',
  executionKey: 'sample.rest',
  name: 'Sample external REST',
  runtimeKey: 'External.Rest',
  stepType: 'Rest',
  runtimeConfig: { runtimeKey: 'External.Rest', method: 'GET', url, headers: {}, timeoutMs: 5000 },
});

const methodSample: SampleStep = {
  isProtected: true,
  active: true,
  runtimeBindingState: 'Resolved',
  executionKey: 'sample.method',
  name: 'Sample built-in method',
  runtimeKey: 'Builtin.Method',
  runtimeConfig: {
    runtimeKey: 'Builtin.Method',
    identifier: 'sample.method',
    declaringType: 'SampleSteps',
    methodName: 'sampleMethod',
    assemblyName: null,
    assemblyVersion: null,
    signatureHash: null,
  },
};

let folder: string;
let database: TempoDatabase;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tempo-seed-'));
  database = await openDatabase({ type: 'Sqlite', filename: join(folder, 'tempo.db') });
  await database.migrate();
});

afterAll(async () => {
  await database?.close();
  rmSync(folder, { recursive: true, force: true });
});

const seed = (sampleSteps: readonly SampleStep[]) =>
  seedDatabase(
    { repositories: database.repositories, log: SILENT, sampleSteps, credentialHashKey: 'seed-test-key' },
    OPTIONS,
  );

/** Every sample step of every tenant, by tenant and key, with when it was last written. */
const storedSamples = async () => {
  const rows = new Map<string, { name: string; url: unknown; lastUpdateUtc: string }>();
  for (const tenant of await database.repositories.tenants.find()) {
    for (const step of await database.repositories.steps.inTenant(tenant.id).find()) {
      const config = step.runtimeConfig as { url?: unknown } | null;
      rows.set(`${tenant.id}/${step.executionKey}`, {
        name: step.name,
        url: config?.url ?? null,
        lastUpdateUtc: step.lastUpdateUtc,
      });
    }
  }
  return rows;
};

describe('seeding the sample steps', () => {
  it('writes nothing on a later start when no sample changed', async () => {
    const first = await seed([methodSample, restSample('http://127.0.0.1:8000/v1.0/samples/external-rest')]);
    expect(first.createdDefaults).toBe(true);
    await database.repositories.tenants.create({ id: 'ten_second', name: 'Second' });
    await seed([methodSample, restSample('http://127.0.0.1:8000/v1.0/samples/external-rest')]);
    const before = await storedSamples();
    expect(before.size).toBe(4);
    const stamp = await database.repositories.definitionStamp.read();

    // Timestamps have millisecond resolution: a rewrite a few milliseconds later shows.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await seed([methodSample, restSample('http://127.0.0.1:8000/v1.0/samples/external-rest')]);
    expect(again.createdDefaults).toBe(false);
    expect(await storedSamples()).toEqual(before);
    expect(await database.repositories.definitionStamp.read()).toBe(stamp);
  });

  it('updates a stored sample that differs from this version, in every tenant', async () => {
    const before = await storedSamples();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await seed([methodSample, restSample('http://127.0.0.1:9000/v1.0/samples/external-rest')]);
    const after = await storedSamples();
    for (const [key, row] of after) {
      const previous = before.get(key);
      if (key.endsWith('/sample.rest')) {
        expect(row.url).toBe('http://127.0.0.1:9000/v1.0/samples/external-rest');
        expect(row.lastUpdateUtc > (previous?.lastUpdateUtc ?? '')).toBe(true);
      } else {
        expect(row).toEqual(previous);
      }
    }
  });

  it('leaves a tenant step holding a sample key alone', async () => {
    const steps = database.repositories.steps.inTenant('ten_second');
    const own = await steps.findOne({ executionKey: 'sample.method' });
    expect(own).not.toBeNull();
    await steps.update(own?.id ?? '', { isProtected: false, name: 'Mine now' });
    await seed([{ ...methodSample, name: 'Renamed sample' }]);
    expect((await steps.findOne({ executionKey: 'sample.method' }))?.name).toBe('Mine now');
  });
});

describe('sameJson', () => {
  it('compares as JSON: key order and undefined properties do not count', () => {
    expect(sameJson({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([1], { 0: 1 })).toBe(false);
    expect(sameJson('5000', 5000)).toBe(false);
    expect(sameJson(null, {})).toBe(false);
  });
});
