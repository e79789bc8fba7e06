import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from './expect-api-error.ts';
import { createShellStep, processManifest, triggerFor, zipOf } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

const SERVER_SECRET = 'server-only-secret-value-42';
const SHARED_VALUE = 'shared-with-handlers-value';

/** A host executable: Node itself, running a protocol v1 echo given as fixed arguments. */
const HOST_ECHO = `const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify({ result: 'Success', data: { echoed: input.data, extra: process.argv.slice(1) } }));`;

let server: ServerProcess;
let t: TenantClient;
let admin: TempoClient;

beforeAll(async () => {
  process.env.TEMPO_TEST_SHARED = SHARED_VALUE;
  process.env.TEMPO_TEST_SERVER_SECRET = SERVER_SECRET;
  server = await startServerProcess({
    runtimes: {
      externalExecution: {
        maxStdoutBytes: 65_536,
        defaultMaxRuntimeMs: 15_000,
        environmentAllowList: ['TEMPO_TEST_SHARED'],
      },
      hostExecutables: {
        enabled: true,
        allowList: [
          {
            key: 'node-echo',
            executablePath: process.execPath,
            arguments: ['-e', HOST_ECHO, '--'],
            argumentPolicy: {
              allowAdditionalArguments: true,
              maxArguments: 2,
              allowedPrefixes: ['--label='],
            },
          },
        ],
      },
    },
  });
  admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  const tenants = await admin.tenants.list();
  t = admin.tenant(tenants.items[0]?.id ?? '');
});

afterAll(async () => {
  await server?.stop();
});

const fire = (triggerId: string, body: unknown) => admin.httpTriggers.fire(triggerId, { body });

describe('source steps and artifact runtimes', () => {
  it('runs a Python source step with real python3', async () => {
    const created = await t.steps.fromSource({
      name: 'py.double',
      language: 'py',
      code: 'def run(request):\n    return {"doubled": request["data"]["n"] * 2, "lang": "python"}\n',
    });
    expect(created.step).toMatchObject({
      runtimeKey: 'Artifact.Python',
      runtimeBindingState: 'Resolved',
      artifactVersion: 'current',
    });
    expect(created.artifact.description).toBe("Generated from pasted Python source for step 'py.double'.");
    expect(created.artifactVersion).toMatchObject({
      version: 'current',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const answer = await fire(await triggerFor(t, 'py.double'), { n: 21 });
    expect(answer.status).toBe(200);
    expect(answer.output).toEqual({ doubled: 42, lang: 'python' });
    const stepRuns = await t.runs.steps(answer.run.runId);
    expect(stepRuns[0]).toMatchObject({
      artifactId: created.artifact.id,
      artifactVersion: 'current',
      artifactSha256: created.artifactVersion.sha256,
      manifestEntrypoint: 'main',
    });
  });

  it('runs a JavaScript source step with real node, and an edit of its file changes the next run', async () => {
    const created = await t.steps.fromSource({
      name: 'js.greet',
      language: 'nodejs',
      code: "exports.run = async (request) => ({ greeting: 'hello ' + request.data.name });\n",
    });
    const trigger = await triggerFor(t, 'js.greet');
    expect((await fire(trigger, { name: 'ada' })).output).toEqual({ greeting: 'hello ada' });
    const saved = await t.artifacts.saveFile(created.artifact.id, 'handler.js', {
      content: "exports.run = (request) => ({ greeting: 'hi ' + request.data.name });\n",
    });
    expect(saved).toMatchObject({ snapshotUpdated: true, snapshotError: null });
    expect(saved.artifactVersion?.sha256).not.toBe(created.artifactVersion.sha256);
    expect((await fire(trigger, { name: 'ada' })).output).toEqual({ greeting: 'hi ada' });
  });

  it('routes a JavaScript Error result through onFailure and maps an exception to a failed run', async () => {
    await t.steps.fromSource({
      name: 'js.check',
      language: 'js',
      code: `exports.run = (request) => {
  if (request.data.boom) throw new Error('handler exploded');
  return request.data.ok ? { accepted: true } : { result: 'Error', data: { reason: 'not ok' } };
};\n`,
    });
    await t.steps.fromSource({
      name: 'js.rejected',
      language: 'js',
      code: 'exports.run = (r) => ({ handled: r.data });\n',
    });
    const flow = await t.flows.create({
      name: 'check flow',
      startStepId: 'js.check',
      transitions: { 'js.check': { onFailure: 'js.rejected' }, 'js.rejected': {} },
    });
    const trigger = (await t.triggers.create({ name: 'check', dataFlowId: flow.id })).id;
    expect((await fire(trigger, { ok: true })).output).toEqual({ accepted: true });
    expect((await fire(trigger, { ok: false })).output).toEqual({ handled: { reason: 'not ok' } });
    const failed = await fire(trigger, { boom: true });
    expect(failed.status).toBe(500);
    expect(failed.run.state).toBe('Exception');
    expect(failed.headers['x-run-error']).toBe('handler exploded');
  });

  it('runs an uploaded Artifact.Process package, pinned to the version a run started with', async () => {
    const step = await createShellStep(
      t,
      'sh.sample',
      '#!/bin/sh\ncat > /dev/null\nprintf \'{"result":"Success","data":{"sample":"artifact-process","cwd":"%s"}}\' "$(basename "$PWD")"\n',
    );
    const answer = await fire(await triggerFor(t, 'sh.sample'), {});
    expect(answer.status).toBe(200);
    expect(answer.output).toMatchObject({ sample: 'artifact-process' });
    const versions = await t.artifacts.versions(step.artifactId ?? '');
    expect(versions.items.map((version) => version.version)).toEqual(['1.0.0']);
    const bytes = await t.artifacts.download(step.artifactId ?? '', '1.0.0');
    expect(Buffer.from(bytes).subarray(0, 2).toString()).toBe('PK');
  });

  it('runs a Host.Executable entry with the arguments its policy allows, and refuses others when saved', async () => {
    await t.steps.create({
      executionKey: 'host.echo',
      name: 'host echo',
      runtimeKey: 'Host.Executable',
      runtimeConfig: { runtimeKey: 'Host.Executable', allowListKey: 'node-echo', arguments: ['--label=x'] },
    });
    const answer = await fire(await triggerFor(t, 'host.echo'), { a: 1 });
    expect(answer.output).toEqual({ echoed: { a: 1 }, extra: ['--label=x'] });
    await expectApiError(
      t.steps.create({
        executionKey: 'host.bad',
        name: 'bad',
        runtimeKey: 'Host.Executable',
        runtimeConfig: { runtimeKey: 'Host.Executable', allowListKey: 'node-echo', arguments: ['--rm'] },
      }),
      400,
      'BadRequest',
    );
    await expectApiError(
      t.steps.create({
        executionKey: 'host.unknown',
        name: 'unknown',
        runtimeKey: 'Host.Executable',
        runtimeConfig: { runtimeKey: 'Host.Executable', allowListKey: 'rm' },
      }),
      400,
      'BadRequest',
    );
  });

  it('runs one flow across Python, JavaScript and a built-in step', async () => {
    await t.steps.fromSource({
      name: 'chain.py',
      language: 'Python',
      code: 'def run(r):\n    return {"n": r["data"]["n"] + 1}\n',
    });
    await t.steps.fromSource({
      name: 'chain.js',
      language: 'JavaScript',
      code: 'exports.run = (r) => ({ n: r.data.n * 10 });\n',
    });
    await t.steps.create({
      executionKey: 'chain.echo',
      name: 'echo',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
    });
    const flow = await t.flows.create({
      name: 'three runtimes',
      startStepId: 'chain.py',
      transitions: {
        'chain.py': { onSuccess: 'chain.js' },
        'chain.js': { onSuccess: 'chain.echo' },
        'chain.echo': {},
      },
    });
    const trigger = await t.triggers.create({ name: 'chain', dataFlowId: flow.id });
    const answer = await fire(trigger.id, { n: 4 });
    expect(answer.status).toBe(200);
    const steps = await t.runs.steps(answer.run.runId);
    expect(steps.map((step) => [step.stepId, step.result])).toEqual([
      ['chain.py', 'Success'],
      ['chain.js', 'Success'],
      ['chain.echo', 'Success'],
    ]);
    expect(steps[1]?.outputData).toBe('{"n":50}');
  });

  it('refuses unsafe packages and paths with clear errors', async () => {
    const artifact = await t.artifacts.create({ name: 'unsafe' });
    await expectApiError(t.artifacts.uploadVersion(artifact.id, Buffer.from('not a zip')), 400, 'BadRequest');
    // No manifest is fine at upload (as in v0.3.0); a step running the package says it is missing.
    expect(
      (await t.artifacts.uploadVersion(artifact.id, await zipOf([{ path: 'handler.sh', content: 'echo' }])))
        .manifestJson,
    ).toBeNull();
    await expectApiError(
      t.artifacts.saveFile(artifact.id, '../escape.py', { content: 'x' }),
      400,
      'BadRequest',
    );
    const manifestOnly = await t.artifacts.saveFile(artifact.id, 'tempo.step.json', {
      content: processManifest('../outside'),
    });
    expect(manifestOnly.snapshotUpdated).toBe(false);
    expect(manifestOnly.snapshotError).toContain(
      "entrypoint 'main' command must be a relative artifact path.",
    );
    await expectApiError(
      t.steps.create({
        executionKey: 'other.tenant',
        name: 'x',
        runtimeKey: 'Artifact.Process',
        runtimeConfig: { runtimeKey: 'Artifact.Process', artifactId: 'art_doesnotexistinthistenant0' },
      }),
      400,
      'BadRequest',
    );
  });

  it('refuses source steps and artifact steps to a caller who may write steps but not artifacts', async () => {
    const role = await t.roles.create({ name: 'steps without artifacts' });
    const permitAll = await t.permissions.create({ name: 'everything' });
    const denyArtifacts = await t.permissions.create({
      name: 'no artifacts',
      resourceTypes: ['Artifact'],
      operationTypes: ['Create', 'Read'],
      permissionType: 'Deny',
    });
    for (const permission of [permitAll, denyArtifacts])
      await t.rolePermissionMaps.create({ roleId: role.id, permissionId: permission.id });
    const user = await t.users.create({ email: 'no-artifacts@example.test', passwordSha256: 'pw' });
    await t.userRoleMaps.create({ userId: user.id, roleId: role.id });
    const credential = await t.credentials.create({ userId: user.id });
    const limited = admin.withCredentials({ accessKey: credential.accessKey }).tenant(t.tenantId);

    await limited.steps.create({
      executionKey: 'limited.builtin',
      name: 'allowed',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.builtin.echo' },
    });
    const artifactsBefore = (await t.artifacts.list()).totalCount;
    await expectApiError(
      limited.steps.fromSource({
        name: 'limited.source',
        language: 'py',
        code: 'def run(request):\n    return request["data"]\n',
      }),
      403,
      'Forbidden',
    );
    expect((await t.artifacts.list()).totalCount).toBe(artifactsBefore);
    const artifact = await t.artifacts.create({ name: 'not for the limited user' });
    await expectApiError(
      limited.steps.create({
        executionKey: 'limited.artifact',
        name: 'artifact step',
        runtimeKey: 'Artifact.Process',
        runtimeConfig: { runtimeKey: 'Artifact.Process', artifactId: artifact.id },
      }),
      403,
      'Forbidden',
    );
    const keys = (await t.steps.list({ pageSize: 1000 })).items.map((step) => step.executionKey);
    expect(keys).toContain('limited.builtin');
    expect(keys).not.toContain('limited.source');
    expect(keys).not.toContain('limited.artifact');
  });

  it('downloads a version under its uploaded name, and refuses a content type that is not a media type', async () => {
    const artifact = await t.artifacts.create({ name: 'named package' });
    const zip = await zipOf([
      { path: 'tempo.step.json', content: processManifest('handler.sh') },
      { path: 'handler.sh', content: 'cat', executable: true },
    ]);
    await t.artifacts.uploadVersion(artifact.id, zip, {
      version: '2.0.0',
      originalFileName: 'Paket "ü".zip',
    });
    const download = await admin.raw(
      'GET',
      `/v1.0/tenants/${t.tenantId}/artifacts/${artifact.id}/versions/2.0.0/download`,
    );
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="Paket ___.zip"; filename*=UTF-8''Paket%20%22%C3%BC%22.zip`,
    );
    await expectApiError(
      t.artifacts.uploadVersion(artifact.id, zip, {
        version: '2.0.1',
        contentType: 'application/zip\r\nx: y',
      }),
      400,
      'BadRequest',
    );
  });
});

describe('C# source steps', () => {
  it('builds a C# handler with dotnet publish and runs it as Artifact.DotnetProcess', {
    timeout: 240_000,
  }, async () => {
    const created = await t.steps.fromSource({
      name: 'cs.double',
      language: 'c#',
      code: `using System.Text.Json.Nodes;

namespace Tempo.UserSteps;

public sealed class Handler : TempoStepHandlerBase
{
    public override Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken)
    {
        var n = request.Data?["n"]?.GetValue<int>() ?? 0;
        Console.WriteLine($"doubling {n}");
        LogInfo($"doubling {n} through the SDK logger");
        return Task.FromResult(Success(request, new JsonObject { ["doubled"] = n * 2, ["lang"] = "csharp" }));
    }
}
`,
    });
    expect(created.step).toMatchObject({
      runtimeKey: 'Artifact.DotnetProcess',
      runtimeBindingState: 'Resolved',
    });
    const files = (await t.artifacts.files(created.artifact.id)).map((file) => file.path);
    expect(files).toContain('source/UserStep.cs');
    expect(files.some((path) => /^dotnet\/Tempo\.SourceStep\.[0-9a-f]{32}\.dll$/.test(path))).toBe(true);
    const answer = await fire(await triggerFor(t, 'cs.double'), { n: 21 });
    expect(answer.status).toBe(200);
    expect(answer.output).toEqual({ doubled: 42, lang: 'csharp' });
    // The SDK's logger reaches the step's run-log file, which the run-log routes serve: through
    // the file itself one-shot (`[Info]`), or as persistent-mode log lines the host writes (`[INFO]`).
    const logs = `/v1.0/tenants/${t.tenantId}/runs/${answer.run?.runId}/logs`;
    const listed = await admin.raw('GET', logs);
    const stepFile = (listed.body as { path: string; kind: string }[]).find((file) => file.kind === 'Step');
    expect(stepFile).toBeDefined();
    const content = await admin.raw(
      'GET',
      `${logs}/content?path=${encodeURIComponent(stepFile?.path ?? '')}`,
    );
    expect((content.body as { content: string }).content).toMatch(
      /\[(Info|INFO)\] doubling 21 through the SDK logger/,
    );
  });

  it('answers a compile error with the compiler output and keeps nothing', { timeout: 240_000 }, async () => {
    const before = (await t.artifacts.list({ pageSize: 1000 })).totalCount;
    const error = await expectApiError(
      t.steps.fromSource({ name: 'cs.broken', language: 'CSharp', code: 'this is not C#' }),
      400,
      'BadRequest',
    );
    expect(error.message).toMatch(/CSharp source step failed to compile: .*error CS/s);
    expect((await t.artifacts.list({ pageSize: 1000 })).totalCount).toBe(before);
  });
});

describe('hostile handlers', () => {
  const hostile = async (key: string, script: string, maxRuntimeMs = 0) => {
    await createShellStep(t, key, script, maxRuntimeMs ? { maxRuntimeMs } : {});
    return fire(await triggerFor(t, key), { hostile: true });
  };

  const expectFailedRun = (answer: Awaited<ReturnType<typeof fire>>, state: string, error: RegExp) => {
    expect(answer.status).toBe(500);
    expect(answer.run.state).toBe(state);
    expect(answer.headers['x-run-error']).toMatch(error);
  };

  it('a crash is an Exception with its stderr', async () => {
    expectFailedRun(
      await hostile('bad.crash', '#!/bin/sh\necho "segfault imminent" >&2\nexit 3\n'),
      'Exception',
      /^External process exited with code 3: segfault imminent/,
    );
  });

  it('garbage on stdout is an Exception', async () => {
    expectFailedRun(
      await hostile('bad.garbage', '#!/bin/sh\necho "this is not json"\n'),
      'Exception',
      /^External process stdout was not valid StepResult JSON/,
    );
  });

  it('a handler that never answers is killed at its limit', async () => {
    const started = Date.now();
    expectFailedRun(
      await hostile('bad.hang', '#!/bin/sh\nsleep 60 &\nwait\n', 1500),
      'Exception',
      /^External process exceeded maximum runtime of 1500ms/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a flood of output is cut off at the byte limit', async () => {
    expectFailedRun(
      await hostile(
        'bad.flood',
        '#!/bin/sh\nwhile :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done\n',
      ),
      'Exception',
      /^External process stdout exceeded configured byte limit/,
    );
  });

  it('a handler reading the environment sees only allowed names', async () => {
    await createShellStep(
      t,
      'bad.env',
      '#!/bin/sh\ncat > /dev/null\nprintf \'{"result":"Success","data":{"secret":"%s","shared":"%s","apiKey":"%s"}}\' "$TEMPO_TEST_SERVER_SECRET" "$TEMPO_TEST_SHARED" "$TEMPO_AUTH_ADMIN_API_KEY"\n',
    );
    const step = (await t.steps.list({ pageSize: 1000 })).items.find(
      (item) => item.executionKey === 'bad.env',
    );
    await t.steps.update(step?.id ?? '', {
      runtimeConfig: {
        runtimeKey: 'Artifact.Process',
        artifactId: step?.artifactId ?? '',
        artifactVersion: '1.0.0',
        environmentReferences: ['TEMPO_TEST_SHARED', 'TEMPO_TEST_SERVER_SECRET'],
      },
    });
    const answer = await fire(await triggerFor(t, 'bad.env'), {});
    expect(answer.output).toEqual({ secret: '', shared: SHARED_VALUE, apiKey: '' });
  });

  it('a handler that writes outside its scratch folder leaves no file behind in it, and the server keeps serving', async () => {
    const answer = await hostile(
      'bad.writer',
      '#!/bin/sh\ncat > /dev/null\necho leaked > "$TEMPO_SCRATCH_DIR/leftover.txt"\nprintf \'{"result":"Error","data":{"scratch":"%s"}}\' "$TEMPO_SCRATCH_DIR"\n',
    );
    expect(answer.run.state).toBe('Failed');
    const scratch = (answer.output as { scratch: string }).scratch;
    const { access } = await import('node:fs/promises');
    await expect(access(scratch)).rejects.toThrow();
    const health = await admin.raw('GET', '/');
    expect(health.status).toBe(200);
  });
});

describe('external execution status', () => {
  it('reports the limits, the kills of the hostile runs and a tenant view of the counters', async () => {
    const server = await admin.runtimes.externalExecution();
    expect(server).toMatchObject({
      maxConcurrentProcessesServerWide: 4,
      maxStdoutBytes: 65_536,
      environmentAllowList: ['TEMPO_TEST_SHARED'],
      tenantId: null,
    });
    expect(server.capacity.processKillCount).toBeGreaterThanOrEqual(2);
    expect(server.capacity.totalProcessRuntimeMs).toBeGreaterThan(0);
    const tenant = await t.runtimes.externalExecution();
    expect(tenant).toMatchObject({ tenantId: t.tenantId, tenantActiveProcesses: 0, tenantQueuedSteps: 0 });
    const validation = await t.runtimes.validate({
      runtimeKey: 'Host.Executable',
      config: { runtimeKey: 'Host.Executable', allowListKey: 'node-echo', arguments: ['--rm'] },
    });
    expect(validation).toMatchObject({ valid: false, normalizedConfig: null });
    expect(validation.errors).toEqual(["Host executable 'node-echo' does not allow the argument '--rm'."]);
  });
});

describe('seeded samples', () => {
  it('seeds a runnable sample step for each available script runtime', async () => {
    const steps = (await t.steps.list({ pageSize: 1000 })).items;
    for (const key of [
      'tempo.sample.artifact.process',
      'tempo.sample.artifact.python',
      'tempo.sample.artifact.javascript',
    ]) {
      expect(steps.find((step) => step.executionKey === key)).toMatchObject({
        isProtected: true,
        runtimeBindingState: 'Resolved',
      });
    }
    const answer = await fire(await triggerFor(t, 'tempo.sample.artifact.process'), {});
    expect(answer.output).toEqual({ sample: 'artifact-process' });
    const python = await fire(await triggerFor(t, 'tempo.sample.artifact.python'), { x: 1 });
    expect(python.output).toEqual({ sample: 'artifact-python', input: { x: 1 } });
  });
});
