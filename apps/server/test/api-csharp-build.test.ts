import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoApiError, TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from './expect-api-error.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** A valid handler: what it does does not matter here, only that it compiles. */
const HANDLER = `using System.Text.Json.Nodes;

namespace Tempo.UserSteps;

public sealed class Handler : TempoStepHandlerBase
{
    public override Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Success(request, new JsonObject { ["ok"] = true }));
}
`;

/** Builds take seconds each, minutes on a loaded machine. */
const BUILD_TIMEOUT_MS = 300_000;

/** The folder the test owns: the server's TMPDIR and the parent of its data folder. */
let planted: string;
/** Where a planted MSBuild file writes when it runs. */
let marker: string;
let server: ServerProcess;
let t: TenantClient;

/** An MSBuild file whose target appends `label` to the marker file when a build imports it. */
const msbuildFile = (label: string) => `<Project>
  <Target Name="Planted_${label}" BeforeTargets="Restore;CollectPackageReferences;Build">
    <Exec Command="echo ${label} &gt;&gt; &quot;${marker}&quot;" />
  </Target>
</Project>
`;

/** Plants, in `folder`, every file MSBuild picks up from the parents of a project. */
const plantBuildFiles = (folder: string) => {
  for (const name of [
    'Directory.Build.props',
    'Directory.Build.targets',
    'Directory.Packages.props',
    'planted-import.props',
  ]) {
    writeFileSync(join(folder, name), msbuildFile(name.replace(/\W/g, '_')));
  }
  // A response file may add any switch; this one imports a file of the attacker's choosing.
  writeFileSync(
    join(folder, 'Directory.Build.rsp'),
    `-p:CustomBeforeMicrosoftCommonProps=${join(folder, 'planted-import.props')}\n`,
  );
};

beforeAll(async () => {
  planted = mkdtempSync(join(tmpdir(), 'tempo-csharp-build-test-'));
  marker = join(planted, 'planted-build-files-ran.txt');
  plantBuildFiles(planted);
  // The server's TMPDIR (where builds used to happen) and its data folder both lie in `planted`.
  const previousTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = planted;
  try {
    server = await startServerProcess({
      runtimes: { externalExecution: { maxConcurrentSourceBuilds: 1 } },
    });
  } finally {
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }
  // Nearer to where builds happen now, and a global.json that would pick an SDK that does not exist.
  plantBuildFiles(server.dataDir);
  writeFileSync(
    join(server.dataDir, 'global.json'),
    JSON.stringify({ sdk: { version: '99.0.100', rollForward: 'disable' } }),
  );
  const admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  t = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(planted, { recursive: true, force: true });
}, 30_000);

const plantedOutput = () => (existsSync(marker) ? readFileSync(marker, 'utf8') : '');

describe('C# source-step builds', () => {
  it('run none of the build files planted above the build folder', {
    timeout: BUILD_TIMEOUT_MS,
  }, async () => {
    expect(server.dataDir.startsWith(planted)).toBe(true);
    const created = await t.steps.fromSource({ name: 'cs.planted', language: 'CSharp', code: HANDLER });
    expect(created.step.runtimeKey).toBe('Artifact.DotnetProcess');
    expect(plantedOutput()).toBe('');
    // The assembly a tenant can download names no folder of the server (its PDB record is mapped).
    const files = await t.artifacts.files(created.artifact.id);
    const dll = files.find((file) => /^dotnet\/Tempo\.SourceStep\.[0-9a-f]{32}\.dll$/.test(file.path));
    expect(dll).toBeDefined();
    const content = await t.artifacts.readFile(created.artifact.id, dll?.path ?? '');
    const bytes = content.isBinary ? Buffer.from(content.content, 'base64') : Buffer.from(content.content);
    expect(bytes.includes(Buffer.from(planted))).toBe(false);
  });

  it('answer a compile error without the server folders in the compiler output', {
    timeout: BUILD_TIMEOUT_MS,
  }, async () => {
    const error = await expectApiError(
      t.steps.fromSource({ name: 'cs.broken', language: 'CSharp', code: 'this is not C#' }),
      400,
      'BadRequest',
    );
    expect(error.message).toMatch(/CSharp source step failed to compile: .*error CS/s);
    expect(error.message).not.toContain(planted);
    expect(plantedOutput()).toBe('');
  });

  it('refuse builds beyond the limit at once with 429, and take new ones when a slot is free', {
    timeout: BUILD_TIMEOUT_MS,
  }, async () => {
    const before = (await t.artifacts.list({ pageSize: 1000 })).totalCount;
    const attempts = await Promise.allSettled(
      ['cs.busy.1', 'cs.busy.2', 'cs.busy.3'].map((name) =>
        t.steps.fromSource({ name, language: 'CSharp', code: HANDLER }),
      ),
    );
    const built = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const refused = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [attempt.reason] : []));
    expect(built).toHaveLength(1);
    expect(refused).toHaveLength(2);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(TempoApiError);
      expect(reason).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
      expect((reason as TempoApiError).message).toMatch(/C# source step/);
    }
    // A refused build leaves neither an artifact nor a step behind.
    expect((await t.artifacts.list({ pageSize: 1000 })).totalCount).toBe(before + 1);
    expect(
      (await t.steps.list({ pageSize: 1000 })).items.filter((s) => s.name.startsWith('cs.busy')),
    ).toHaveLength(1);
    // The slot was given back: the next build is accepted.
    const next = await t.steps.fromSource({ name: 'cs.after', language: 'CSharp', code: HANDLER });
    expect(next.step.runtimeBindingState).toBe('Resolved');
    expect(plantedOutput()).toBe('');
  });
});
