import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRunEnd } from './api-fixture.ts';
import { blobFiles, expectBlobStoreMatchesRows, namedBlobKeys, storeOf } from './artifact-store-check.ts';
import { expectApiError } from './expect-api-error.ts';
import { waitUntil } from './process-probe.ts';
import { processManifest, zipOf } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** A retired package outlives at least this, whatever the grace period (RETIRED_PACKAGE_MIN_AGE_MS). */
const RETIRED_MIN_AGE_MS = 5_000;

const adminOf = (server: ServerProcess) =>
  new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });

const defaultTenant = async (server: ServerProcess): Promise<TenantClient> => {
  const admin = adminOf(server);
  return admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
};

/** A shell handler answering `data` (a JSON text built by the script) as its Success data. */
const answering = (data: string, before = '') =>
  ['#!/bin/sh', 'cat > /dev/null', before, `printf '{"result":"Success","data":%s}' "${data}"`, ''].join(
    '\n',
  );

const processPackage = (
  script: string,
  extra: { path: string; content: string }[] = [],
  command = 'handler.sh',
) =>
  zipOf([
    { path: 'tempo.step.json', content: processManifest(command) },
    { path: command, content: script, executable: true },
    ...extra,
  ]);

const processStep = (t: TenantClient, executionKey: string, artifactId: string, artifactVersion: string) =>
  t.steps.create({
    executionKey,
    name: executionKey,
    runtimeKey: 'Artifact.Process',
    runtimeConfig: { runtimeKey: 'Artifact.Process', artifactId, artifactVersion },
  });

const waitForFile = async (path: string, timeoutMs = 20_000) => {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    if (existsSync(path)) return;
    await sleep(50);
  }
  throw new Error(`${path} did not appear within ${timeoutMs} ms`);
};

/** The storage keys of every live version of every artifact of a tenant, as the API lists them. */
const liveBlobKeys = async (t: TenantClient): Promise<string[]> => {
  const keys = new Set<string>();
  for (const artifact of (await t.artifacts.list({ pageSize: 100 })).items) {
    for (const version of (await t.artifacts.versions(artifact.id, { pageSize: 100 })).items)
      if (version.storageKey) keys.add(version.storageKey);
  }
  return [...keys].sort();
};

describe('artifact edits while runs use the packages (grace period 0: only run pins keep them)', () => {
  let server: ServerProcess;
  let t: TenantClient;
  let sync: string;

  beforeAll(async () => {
    sync = mkdtempSync(join(tmpdir(), 'tempo-artifact-sync-'));
    // The handlers write to the sync folder, which hidden server files make read-only.
    server = await startServerProcess({
      artifacts: { versionGracePeriodDays: 0 },
      runtimes: { externalExecution: { hideServerFiles: false } },
    });
    t = await defaultTenant(server);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(sync, { recursive: true, force: true });
  });

  it('a two-step flow keeps running the packages it pinned while current is replaced and a version deleted', {
    timeout: 90_000,
  }, async () => {
    // Step one reads a file of its own package after the edits; step two's package is replaced
    // before it starts, so it is unpacked from the pinned (retired) bytes.
    const first = await t.artifacts.create({ name: 'first step package' });
    const firstScript = answering(
      '{\\"own\\":\\"$(cat "$TEMPO_ARTIFACT_ROOT/data.txt")\\"}',
      `touch '${sync}/started'\nwhile [ ! -f '${sync}/go' ]; do sleep 0.05; done`,
    );
    await t.artifacts.uploadVersion(
      first.id,
      await processPackage(firstScript, [{ path: 'data.txt', content: 'first-v1' }]),
      { version: 'v1' },
    );
    await processStep(t, 'lifecycle.first', first.id, 'latest');
    const second = await t.artifacts.create({ name: 'second step package' });
    const secondScript = answering('{\\"second\\":\\"$(cat "$TEMPO_ARTIFACT_ROOT/data.txt")\\"}');
    await t.artifacts.uploadVersion(
      second.id,
      await processPackage(secondScript, [{ path: 'data.txt', content: 'second-old' }]),
      { version: 'current' },
    );
    await processStep(t, 'lifecycle.second', second.id, 'current');
    const flow = await t.flows.create({
      name: 'edited while running',
      startStepId: 'lifecycle.first',
      transitions: { 'lifecycle.first': { onSuccess: 'lifecycle.second' }, 'lifecycle.second': {} },
    });

    const run = await t.flows.run(flow.id);
    await waitForFile(join(sync, 'started'));
    await t.artifacts.uploadVersion(
      second.id,
      await processPackage(secondScript, [{ path: 'data.txt', content: 'second-new' }]),
      { version: 'current' },
    );
    await t.artifacts.uploadVersion(
      first.id,
      await processPackage(firstScript, [{ path: 'data.txt', content: 'first-v2' }]),
      { version: 'v2' },
    );
    await t.artifacts.deleteVersion(first.id, 'v1');
    // Past the minimum age, so the collection that follows every write only has the run's pins
    // to go by; that write comes next.
    await sleep(RETIRED_MIN_AGE_MS + 500);
    const other = await t.artifacts.create({ name: 'unrelated edit' });
    await t.artifacts.saveFile(other.id, 'notes.txt', { content: 'triggers a collection' });
    writeFileSync(join(sync, 'go'), '');

    const ended = await waitForRunEnd(t, run.id, 30_000);
    expect(ended, ended.errorMessage ?? '').toMatchObject({ state: 'Succeeded' });
    expect(JSON.parse(ended.outputData ?? 'null')).toEqual({ second: 'second-old' });
    const steps = await t.runs.steps(run.id);
    expect(steps.map((step) => JSON.parse(step.outputData ?? 'null'))).toContainEqual({ own: 'first-v1' });

    // The run has ended: the next write collects the retired packages, leaving the live ones.
    await t.artifacts.saveFile(other.id, 'notes.txt', { content: 'collects' });
    expect((await t.artifacts.versions(first.id)).items.map((version) => version.version)).toEqual(['v2']);
    await expectBlobStoreMatchesRows(storeOf(server.dataDir));
    expect(await namedBlobKeys(storeOf(server.dataDir).databaseFile)).toEqual(await liveBlobKeys(t));
  });

  it('20 parallel saves and 8 parallel unlabeled uploads to one artifact all land, and leave no orphan blob', {
    timeout: 90_000,
  }, async () => {
    const artifact = await t.artifacts.create({ name: 'hammered' });
    await t.artifacts.saveFile(artifact.id, 'tempo.step.json', { content: processManifest('handler.sh') });
    const saves = Array.from({ length: 20 }, (_, index) =>
      t.artifacts.saveFile(artifact.id, `file-${index % 5}.txt`, {
        content: `save ${index} ${'x'.repeat(index * 100)}`,
      }),
    );
    const uploads = Array.from({ length: 8 }, async (_, index) =>
      t.artifacts.uploadVersion(
        artifact.id,
        await processPackage(answering('{}'), [{ path: 'n.txt', content: `upload ${index}` }]),
      ),
    );
    const [saved, uploaded] = await Promise.all([Promise.allSettled(saves), Promise.allSettled(uploads)]);
    expect(saved.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(uploaded.filter((result) => result.status === 'rejected')).toEqual([]);
    const labels = uploaded.map((result) => (result.status === 'fulfilled' ? result.value.version : ''));
    expect(new Set(labels).size).toBe(8);
    await expectBlobStoreMatchesRows(storeOf(server.dataDir));
  });

  it('keeps the execute bits a package carries when it is uploaded as current', {
    timeout: 60_000,
  }, async () => {
    const artifact = await t.artifacts.create({ name: 'modes kept' });
    // No .sh extension: only the zip's mode says the entrypoint is executable.
    const bytes = await processPackage(answering('{\\"ok\\":true}'), [], 'run-me');
    await t.artifacts.uploadVersion(artifact.id, bytes, { version: 'v1' });
    await t.artifacts.uploadVersion(artifact.id, bytes, { version: 'current' });
    for (const version of ['v1', 'current']) {
      const step = await processStep(t, `modes.${version}`, artifact.id, version);
      const flow = await t.flows.create({
        name: `modes ${version}`,
        startStepId: step.executionKey,
        transitions: { [step.executionKey]: {} },
      });
      const run = await waitForRunEnd(t, (await t.flows.run(flow.id)).id, 30_000);
      expect(run, `${version}: ${run.errorMessage ?? ''}`).toMatchObject({ state: 'Succeeded' });
    }
    // An edit of another file keeps the mode of the entrypoint in the rebuilt snapshot.
    await t.artifacts.saveFile(artifact.id, 'readme.txt', { content: 'edited' });
    const flow = await t.flows.create({
      name: 'modes after edit',
      startStepId: 'modes.current',
      transitions: { 'modes.current': {} },
    });
    const run = await waitForRunEnd(t, (await t.flows.run(flow.id)).id, 30_000);
    expect(run, run.errorMessage ?? '').toMatchObject({ state: 'Succeeded' });
  });

  it('accepts a package without tempo.step.json, and says at run time that the manifest is missing', {
    timeout: 60_000,
  }, async () => {
    const artifact = await t.artifacts.create({ name: 'no manifest' });
    const bytes = await zipOf([{ path: 'handler.sh', content: answering('{}'), executable: true }]);
    const version = await t.artifacts.uploadVersion(artifact.id, bytes, { version: '1.0.0' });
    expect(version).toMatchObject({ version: '1.0.0', manifestJson: null });
    expect((await t.artifacts.uploadVersion(artifact.id, bytes, { version: 'current' })).version).toBe(
      'current',
    );
    // A manifest that is there must still be valid.
    await expectApiError(
      t.artifacts.uploadVersion(
        artifact.id,
        await zipOf([{ path: 'tempo.step.json', content: '{"runtimeKey":1}' }]),
      ),
      400,
      'BadRequest',
    );
    const step = await processStep(t, 'no.manifest', artifact.id, '1.0.0');
    const flow = await t.flows.create({
      name: 'no manifest',
      startStepId: step.executionKey,
      transitions: { [step.executionKey]: {} },
    });
    const run = await waitForRunEnd(t, (await t.flows.run(flow.id)).id, 30_000);
    expect(run.state).not.toBe('Succeeded');
    const steps = await t.runs.steps(run.id);
    const message = [
      run.errorMessage,
      ...steps.map((s) => `${s.errorMessage ?? ''} ${s.outputData ?? ''}`),
    ].join(' ');
    expect(message).toMatch(/manifest is required/);
    expect(message).toMatch(/Add a tempo\.step\.json at the package root/);
  });
});

describe('one storage quota per tenant, checked atomically', () => {
  const QUOTA = 400 * 1024;
  let server: ServerProcess;
  let admin: TempoClient;

  beforeAll(async () => {
    server = await startServerProcess({ artifacts: { maxBytesPerTenant: QUOTA } });
    admin = adminOf(server);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const newTenant = async (name: string) => admin.tenant((await admin.tenants.create({ name })).id);
  /** Text that does not compress, so a package costs about its size. */
  const noise = (bytes: number) => randomBytes(bytes / 2).toString('hex');

  it('refuses a save past the quota as a whole: the file is not kept and current stays as it was', async () => {
    const t = await newTenant('quota save');
    const artifact = await t.artifacts.create({ name: 'quota' });
    await t.artifacts.saveFile(artifact.id, 'tempo.step.json', { content: processManifest('handler.sh') });
    const before = await t.artifacts.version(artifact.id, 'current');
    await expectApiError(
      t.artifacts.saveFile(artifact.id, 'big.txt', { content: noise(500 * 1024) }),
      413,
      'PayloadTooLarge',
    );
    expect((await t.artifacts.files(artifact.id)).map((file) => file.path)).toEqual(['tempo.step.json']);
    expect((await t.artifacts.version(artifact.id, 'current')).sha256).toBe(before.sha256);
  });

  it('counts the files of an artifact without a manifest', async () => {
    const t = await newTenant('quota tree');
    const artifact = await t.artifacts.create({ name: 'no manifest tree' });
    await t.artifacts.saveFile(artifact.id, 'a.txt', { content: noise(150 * 1024) });
    await t.artifacts.saveFile(artifact.id, 'b.txt', { content: noise(150 * 1024) });
    await expectApiError(
      t.artifacts.saveFile(artifact.id, 'c.txt', { content: noise(150 * 1024) }),
      413,
      'PayloadTooLarge',
    );
    expect((await t.artifacts.files(artifact.id)).map((file) => file.path)).toEqual(['a.txt', 'b.txt']);
  });

  it('counts what packages unzip to, and parallel uploads cannot race past the check', {
    timeout: 60_000,
  }, async () => {
    const t = await newTenant('quota race');
    const artifact = await t.artifacts.create({ name: 'raced' });
    // Each costs about 2 × 90 KiB (blob and unzipped folder): two fit in 400 KiB, three do not.
    const packages = await Promise.all(
      Array.from({ length: 6 }, () =>
        processPackage(answering('{}'), [{ path: 'noise.txt', content: noise(90 * 1024) }]),
      ),
    );
    const results = await Promise.allSettled(
      packages.map((bytes, index) =>
        t.artifacts.uploadVersion(artifact.id, bytes, { version: `1.0.${index}` }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ statusCode: 413 });
    }
    await expectBlobStoreMatchesRows(storeOf(server.dataDir));
  });

  it('deleting a tenant removes its package blobs', async () => {
    const created = await admin.tenants.create({ name: 'deleted with its blobs' });
    const t = admin.tenant(created.id);
    const artifact = await t.artifacts.create({ name: 'doomed' });
    await t.artifacts.uploadVersion(artifact.id, await processPackage(answering('{}')), { version: 'v1' });
    const folder = join(storeOf(server.dataDir).blobRoot, created.id);
    expect(blobFiles(folder)).toHaveLength(1);
    await admin.tenants.delete(created.id);
    expect(existsSync(folder)).toBe(false);
  });
});

describe('start-up sweep of the artifact stores', () => {
  let shared: string;

  beforeAll(() => {
    shared = mkdtempSync(join(tmpdir(), 'tempo-artifact-sweep-'));
  });

  afterAll(() => {
    rmSync(shared, { recursive: true, force: true });
  });

  it('removes crashed writes, crashed unzips and blobs no row names, but nothing young or named', {
    timeout: 90_000,
  }, async () => {
    const blobRoot = join(shared, 'blobs');
    const cacheRoot = join(shared, 'cache');
    const settings = {
      database: { filename: join(shared, 'tempo.db') },
      artifacts: { rootPath: blobRoot },
      runtimes: { externalExecution: { cacheRoot } },
    };
    const first = await startServerProcess(settings);
    const t = await defaultTenant(first);
    const tenantId = (await adminOf(first).tenants.list()).items[0]?.id ?? '';
    const artifact = await t.artifacts.create({ name: 'kept' });
    await t.artifacts.uploadVersion(artifact.id, await processPackage(answering('{}')), { version: 'v1' });
    await first.stop();

    const hour = Date.now() / 1000 - 3600;
    const plant = (path: string, folder: boolean, old: boolean) => {
      if (folder) mkdirSync(join(path, 'inside'), { recursive: true });
      else {
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, 'leftover');
      }
      if (old) utimesSync(path, hour, hour);
    };
    const orphanBlob = join(blobRoot, tenantId, 'ab', `${'ab'.repeat(32)}.zip`);
    const youngBlob = join(blobRoot, tenantId, 'cd', `${'cd'.repeat(32)}.zip`);
    const tempBlob = join(blobRoot, tenantId, 'ef', `${'ef'.repeat(32)}.zip.1234.tmp`);
    const goneTenantBlob = join(blobRoot, 'ten_gone', '12', `${'12'.repeat(32)}.zip`);
    const tempUnzip = join(cacheRoot, 'packages', tenantId, `${'34'.repeat(32)}.5678.tmp`);
    const evicted = join(cacheRoot, 'packages', tenantId, `${'56'.repeat(32)}.9abc.evicted`);
    plant(orphanBlob, false, true);
    plant(youngBlob, false, false);
    plant(tempBlob, false, true);
    plant(goneTenantBlob, false, true);
    plant(tempUnzip, true, true);
    plant(evicted, true, true);

    const second = await startServerProcess(settings);
    try {
      // The first pass runs beside the start: it must have removed each of these soon after.
      const leftovers = [orphanBlob, tempBlob, goneTenantBlob, tempUnzip, evicted];
      await waitUntil(() => leftovers.every((path) => !existsSync(path)), 10_000, 'the start-up sweep').catch(
        () => undefined,
      );
      for (const path of leftovers) expect(existsSync(path), path).toBe(false);
      expect(existsSync(youngBlob)).toBe(true);
      rmSync(youngBlob);
      await expectBlobStoreMatchesRows({ databaseFile: join(shared, 'tempo.db'), blobRoot });
    } finally {
      await second.stop();
    }
  });
});
