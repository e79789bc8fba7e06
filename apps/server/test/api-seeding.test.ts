import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from './expect-api-error.ts';
import { processManifest, zipOf } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

let shared: string;

beforeAll(() => {
  shared = mkdtempSync(join(tmpdir(), 'tempo-seeding-test-'));
});

afterAll(() => {
  rmSync(shared, { recursive: true, force: true });
});

/** Settings of servers that follow one another over the same database, stores and hydration file. */
const settingsIn = (folder: string) => ({
  database: { filename: join(folder, 'tempo.db') },
  artifacts: { rootPath: join(folder, 'blobs') },
  runtimes: { externalExecution: { cacheRoot: join(folder, 'cache') } },
  hydration: { hydrationFile: join(folder, 'hydration.json') },
});

const adminOf = (server: ServerProcess) =>
  new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });

/** Starts a server over the shared folder, runs `check` against it, and stops it. */
const withServer = async (check: (admin: TempoClient) => Promise<void>) => {
  const server = await startServerProcess(settingsIn(shared));
  try {
    await check(adminOf(server));
  } finally {
    await server.stop();
  }
};

describe('seeding on every start', () => {
  it('hydrates id-less flows and triggers once, records a hydrated step’s artifact, and never seeds over a tenant’s artifact', {
    timeout: 120_000,
  }, async () => {
    let tenantId = '';
    let artifactId = '';
    let ownArtifactId = '';
    let otherTenantId = '';
    await withServer(async (admin) => {
      tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
      const t = admin.tenant(tenantId);
      const artifact = await t.artifacts.create({ name: 'hydrated package' });
      artifactId = artifact.id;
      const bytes = await zipOf([
        { path: 'tempo.step.json', content: processManifest('handler.sh') },
        {
          path: 'handler.sh',
          content: '#!/bin/sh\ncat > /dev/null\necho \'{"result":"Success"}\'\n',
          executable: true,
        },
      ]);
      await t.artifacts.uploadVersion(artifact.id, bytes, { version: 'v1' });
      // A tenant's own artifact under a sample's name: seeding must leave it alone.
      otherTenantId = (await admin.tenants.create({ name: 'Owns a sample name' })).id;
      const other = admin.tenant(otherTenantId);
      const own = await other.artifacts.create({ name: 'Sample Artifact.JavaScript' });
      ownArtifactId = own.id;
      await other.artifacts.saveFile(own.id, 'mine.txt', { content: 'the tenant wrote this' });
    });
    writeFileSync(
      join(shared, 'hydration.json'),
      JSON.stringify({
        steps: [
          {
            executionKey: 'hydrated.step',
            name: 'hydrated step',
            runtimeKey: 'Artifact.Process',
            runtimeConfig: { runtimeKey: 'Artifact.Process', artifactId, artifactVersion: 'v1' },
          },
        ],
        flows: [
          { name: 'hydrated flow', startStepId: 'hydrated.step', transitions: { 'hydrated.step': {} } },
        ],
        triggers: [{ name: 'hydrated trigger', triggerType: 'Http' }],
      }),
    );
    for (let start = 0; start < 3; start++) await withServer(async () => undefined);

    await withServer(async (admin) => {
      const t = admin.tenant(tenantId);
      const flows = (await t.flows.list({ pageSize: 100 })).items.filter(
        (flow) => flow.name === 'hydrated flow',
      );
      const triggers = (await t.triggers.list({ pageSize: 100 })).items.filter(
        (trigger) => trigger.name === 'hydrated trigger',
      );
      expect(flows).toHaveLength(1);
      expect(triggers).toHaveLength(1);
      const step = (await t.steps.list({ pageSize: 100 })).items.find(
        (s) => s.executionKey === 'hydrated.step',
      );
      expect(step).toMatchObject({ artifactId, artifactVersion: 'v1' });
      await expectApiError(t.artifacts.deleteVersion(artifactId, 'v1'), 409);
      await expectApiError(t.artifacts.delete(artifactId), 409);

      const other = admin.tenant(otherTenantId);
      const own = await other.artifacts.get(ownArtifactId);
      expect(own).toMatchObject({ name: 'Sample Artifact.JavaScript', isProtected: false });
      expect((await other.artifacts.files(ownArtifactId)).map((file) => file.path)).toEqual(['mine.txt']);
      expect((await other.artifacts.readFile(ownArtifactId, 'mine.txt')).content).toBe(
        'the tenant wrote this',
      );
      await expectApiError(other.artifacts.version(ownArtifactId, 'current'), 404);
      // The samples of the default tenant were seeded once, under ids of their own.
      const samples = (await t.artifacts.list({ pageSize: 100 })).items.filter((a) =>
        a.name.startsWith('Sample Artifact.'),
      );
      expect(samples.length).toBeGreaterThan(0);
      expect(new Set(samples.map((a) => a.name)).size).toBe(samples.length);
    });
  });
});
