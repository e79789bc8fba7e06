import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import type { RunLogContentResponse, RunLogFileEntry } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** The repository root (this file lives in apps/server/test). */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const SDK_ROOT = join(REPO_ROOT, 'sdk');
const MIB = 1024 * 1024;

/** A file of a test package: text, or bytes (a published .NET assembly). */
interface PackageFile {
  readonly path: string;
  readonly content: string | Buffer;
  readonly executable?: boolean;
}

/** Zips package files, modes kept, bytes as they are. */
const zipOf = (files: readonly PackageFile[]): Promise<Buffer> =>
  new Promise((done, fail) => {
    const zip = new yazl.ZipFile();
    for (const file of files) {
      const bytes = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
      zip.addBuffer(bytes, file.path, { mode: file.executable ? 0o100755 : 0o100644 });
    }
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', fail);
    zip.outputStream.on('end', () => done(Buffer.concat(chunks)));
    zip.end();
  });

/** Every file under `folder` (recursively), its path relative to `folder`, `keep` deciding. */
const filesUnder = (folder: string, keep: (path: string) => boolean = () => true): string[] =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(folder, path)).isFile() && keep(path))
    .sort();

/** Package files copied from disk: `from` (a folder) into `into` inside the package. */
const copied = (from: string, into: string, keep?: (path: string) => boolean): PackageFile[] =>
  filesUnder(from, keep).map((path) => ({ path: `${into}${path}`, content: readFileSync(join(from, path)) }));

const manifest = (runtimeKey: string, entrypoint: Record<string, unknown>, persistent = false) =>
  JSON.stringify({
    manifestVersion: '1',
    runtimeKey,
    supportedProtocolVersions: ['1.0'],
    defaultEntrypoint: 'main',
    entrypoints: { main: entrypoint },
    persistent,
  });

/** How one SDK's test handler is packaged and bound to a runtime. */
export interface SdkVariant {
  /** Names the describe block and the step keys. */
  readonly name: string;
  /** Which log lines the `log` action leaves in the step's run log, `{tag}` replaced. */
  readonly logLines: readonly string[];
  /** Part of what the `surface` action reports inside the engine. */
  readonly surface: Readonly<Record<string, unknown>>;
  /** Whether the manifest says the handler speaks persistent mode, so the engine keeps it warm. */
  readonly persistent: boolean;
  /** The package's files and the step's runtime config (without artifact id and version). */
  readonly build: () => Promise<{
    files: PackageFile[];
    runtimeKey: string;
    config: Record<string, unknown>;
  }>;
}

const jsSdkFiles = () =>
  copied(
    join(SDK_ROOT, 'js'),
    'node_modules/@tempo/sdk/',
    (path) => path === 'package.json' || /^src\/[^/]+\.(c|m)?js$/.test(path),
  );

const JS_LOG_LINES = [
  '[DEBUG] sdk debug {tag}',
  '[INFO] sdk info {tag} {"n":1}',
  '[WARN] sdk warn {tag}',
  '[ERROR] sdk error {tag}',
  '[INFO] console log {tag}',
  '[WARN] console warn {tag}',
  '[ERROR] console error {tag}',
];

const processConfig = { arguments: [], environmentReferences: [] };

/** What the JavaScript and Python test apps' `surface` action reports under any host. */
const SCRIPT_SURFACE = {
  sameRequest: true,
  correlated: true,
  normalized: '1.0',
  supported: [true, false],
  marked: true,
  protocolEnvironment: '1.0',
  environmentLogger: true,
  helpers: ['Success', 'Error', 'e'],
};

/** The JavaScript SDK's test app under the engine's Artifact.JavaScript shim. */
export const javascriptShim: SdkVariant = {
  name: 'JavaScript on Artifact.JavaScript',
  logLines: JS_LOG_LINES,
  surface: SCRIPT_SURFACE,
  persistent: false,
  build: async () => ({
    files: [
      {
        path: 'tempo.step.json',
        content: manifest('Artifact.JavaScript', { module: 'handler.cjs', function: 'run' }),
      },
      { path: 'handler.cjs', content: readFileSync(join(SDK_ROOT, 'js', 'test-app', 'handler.cjs'), 'utf8') },
      ...jsSdkFiles(),
    ],
    runtimeKey: 'Artifact.JavaScript',
    config: { module: null, function: null },
  }),
};

/** The JavaScript SDK's test app as its own protocol v1 process (TempoStepHost), warm or not. */
export const javascriptHost = (persistent: boolean): SdkVariant => ({
  name: `JavaScript through TempoStepHost${persistent ? ', warm' : ''}`,
  logLines: [...JS_LOG_LINES, '[INFO] stdout write {tag}'],
  surface: SCRIPT_SURFACE,
  persistent,
  build: async () => ({
    files: [
      {
        path: 'tempo.step.json',
        content: manifest('Artifact.Process', { command: 'handler.sh' }, persistent),
      },
      { path: 'handler.sh', content: '#!/bin/sh\nexec node handler.cjs\n', executable: true },
      { path: 'handler.cjs', content: readFileSync(join(SDK_ROOT, 'js', 'test-app', 'handler.cjs'), 'utf8') },
      ...jsSdkFiles(),
    ],
    runtimeKey: 'Artifact.Process',
    config: processConfig,
  }),
});

const pythonFiles = () => [
  ...copied(join(SDK_ROOT, 'python', 'tempo_sdk'), 'tempo_sdk/', (path) => path.endsWith('.py')),
  {
    path: 'tempo_test_handler.py',
    content: readFileSync(join(SDK_ROOT, 'python', 'test_app', 'tempo_test_handler.py'), 'utf8'),
  },
];

const PYTHON_SDK_LOG_LINES = [
  '[DEBUG] sdk debug {tag}',
  '[INFO] sdk info {tag} {"n":1}',
  '[WARN] sdk warn {tag}',
  '[ERROR] sdk error {tag}',
  '[INFO] print {tag}',
];

/** The Python SDK's test app under the engine's Artifact.Python shim, warm or not. */
export const pythonShim = (persistent: boolean): SdkVariant => ({
  name: `Python on Artifact.Python${persistent ? ', warm' : ''}`,
  logLines: PYTHON_SDK_LOG_LINES,
  surface: { ...SCRIPT_SURFACE, ambient: true },
  persistent,
  build: async () => ({
    files: [
      {
        path: 'tempo.step.json',
        content: manifest('Artifact.Python', { module: 'tempo_test_handler', function: 'run' }, persistent),
      },
      ...pythonFiles(),
    ],
    runtimeKey: 'Artifact.Python',
    config: { module: null, function: null, pythonVersion: null },
  }),
});

/** The Python SDK's test app as its own protocol v1 process (TempoStepHost), warm or not. */
export const pythonHost = (persistent: boolean): SdkVariant => ({
  name: `Python through TempoStepHost${persistent ? ', warm' : ''}`,
  logLines: [...PYTHON_SDK_LOG_LINES, '[WARN] logging warning {tag}', '[ERROR] stderr write {tag}'],
  surface: { ...SCRIPT_SURFACE, ambient: true },
  persistent,
  build: async () => ({
    files: [
      {
        path: 'tempo.step.json',
        content: manifest('Artifact.Process', { command: 'handler.sh' }, persistent),
      },
      { path: 'handler.sh', content: '#!/bin/sh\nexec python3 -m tempo_test_handler\n', executable: true },
      ...pythonFiles(),
    ],
    runtimeKey: 'Artifact.Process',
    config: processConfig,
  }),
});

let published: Promise<PackageFile[]> | undefined;

/** The C# test app's publish output, built once per test file. */
const publishedTestApp = (): Promise<PackageFile[]> => {
  published ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), 'tempo-sdk-cs-publish-'));
    try {
      execFileSync(
        'dotnet',
        [
          'publish',
          join(SDK_ROOT, 'csharp', 'Tempo.Sdk.TestApp', 'Tempo.Sdk.TestApp.csproj'),
          '-c',
          'Release',
          '-o',
          out,
          '--nologo',
        ],
        { stdio: 'pipe', timeout: 600_000 },
      );
      return copied(out, 'dotnet/', (path) => !path.includes('/') && !path.endsWith('.pdb'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  })();
  return published;
};

const CSHARP_LOG_LINES = [
  '[Debug] sdk debug {tag}',
  '[Info] sdk info {tag}',
  '[Warn] sdk warn {tag}',
  '[Warn] sdk warning {tag}',
  '[Error] sdk error {tag}',
  '[Info] console out {tag}',
  '[Error] console error {tag}',
];

/** The C# SDK's test app, published and run as an Artifact.DotnetProcess, warm or not. */
export const csharpHost = (persistent: boolean): SdkVariant => ({
  name: `C# on Artifact.DotnetProcess${persistent ? ', warm' : ''}`,
  // Log frames carry the protocol's upper-case levels; the file logger writes C#'s own.
  logLines: persistent
    ? CSHARP_LOG_LINES.map((line) => line.replace(/^\[(\w+)\]/, (level) => level.toUpperCase()))
    : CSHARP_LOG_LINES,
  surface: {
    sameRequest: true,
    correlated: true,
    supported: [true, false],
    ambient: true,
    environmentLogger: true,
    helpers: ['Success', 'Error', 'e'],
    assignmentId: 'ras_1',
  },
  persistent,
  build: async () => ({
    files: [
      {
        path: 'tempo.step.json',
        content: manifest(
          'Artifact.DotnetProcess',
          {
            command: 'dotnet/Tempo.Sdk.TestApp.dll',
            handlerType: 'Tempo.Sdk.TestApp.TestHandler',
            args: ['handler'],
          },
          persistent,
        ),
      },
      ...(await publishedTestApp()),
    ],
    runtimeKey: 'Artifact.DotnetProcess',
    config: {},
  }),
});

/**
 * The SDK's own unit tests (its language's standard runner) as a child process: passes when it
 * exits 0, and shows its output when it does not.
 */
export const describeOwnTests = (name: string, command: string, args: readonly string[], folder: string) =>
  describe(`${name} SDK unit tests`, () => {
    it('pass with the language runner', { timeout: 900_000 }, async () => {
      const outcome = await new Promise<{ code: number; output: string }>((done) => {
        execFile(
          command,
          [...args],
          { cwd: join(SDK_ROOT, folder), timeout: 900_000, maxBuffer: 16 * MIB },
          (failure, stdout, stderr) =>
            done({ code: failure ? Number(failure.code ?? 1) : 0, output: `${stdout}${stderr}` }),
        );
      });
      expect(outcome.code, outcome.output).toBe(0);
    });
  });

/** What a suite shares: the server, the tenant and the uploaded package. */
interface SdkWorld {
  server: ServerProcess;
  admin: TempoClient;
  tenant: TenantClient;
  tenantId: string;
  artifactId: string;
  runtimeKey: string;
  config: Record<string, unknown>;
}

/** A step of the variant's package under `key`. */
const createStep = (world: SdkWorld, key: string) =>
  world.tenant.steps.create({
    executionKey: key,
    name: key,
    runtimeKey: world.runtimeKey,
    runtimeConfig: {
      runtimeKey: world.runtimeKey,
      artifactId: world.artifactId,
      artifactVersion: '1.0.0',
      ...world.config,
    },
  } as Parameters<TenantClient['steps']['create']>[0]);

/** A flow from `start` with `transitions`, fired through a POST trigger with `body`. */
const fire = async (world: SdkWorld, start: string, transitions: Record<string, object>, body: unknown) => {
  const flow = await world.tenant.flows.create({
    name: `Flow of ${start} ${randomBytes(4).toString('hex')}`,
    startStepId: start,
    transitions,
  });
  const trigger = await world.tenant.triggers.create({ name: `Trigger of ${flow.id}`, dataFlowId: flow.id });
  return world.admin.httpTriggers.fire(trigger.id, { body, timeoutMs: 120_000 });
};

const logsPath = (world: SdkWorld, runId: string) => `/v1.0/tenants/${world.tenantId}/runs/${runId}/logs`;

/** The step's run-log file of `runId`, through the run-log routes, once the run's log is complete. */
const stepLog = async (world: SdkWorld, runId: string, stepId: string): Promise<string> => {
  for (let i = 0; i < 200; i++) {
    const listed = await world.admin.raw('GET', logsPath(world, runId));
    const files = listed.body as RunLogFileEntry[];
    const run = files.find((file) => file.kind === 'Run');
    const step = files.find((file) => file.kind === 'Step' && file.stepId === stepId);
    if (run && step) {
      const runLog = await world.admin.raw('GET', `${logsPath(world, runId)}/content`, {
        query: { path: run.path },
      });
      if ((runLog.body as RunLogContentResponse).content.includes('run ended')) {
        const answer = await world.admin.raw('GET', `${logsPath(world, runId)}/content`, {
          query: { path: step.path },
        });
        return (answer.body as RunLogContentResponse).content;
      }
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`run ${runId} has no complete step log for ${stepId}`);
};

/**
 * The end-to-end proof of one SDK variant: its test handler packaged, uploaded to a real server
 * and run by flows fired through HTTP triggers, one feature per case.
 */
export const describeSdkVariant = (variant: SdkVariant) =>
  describe(variant.name, () => {
    const world = {} as SdkWorld;
    const slug = variant.name.toLowerCase().replace(/[^a-z]+/g, '.');
    const key = (name: string) => `${slug}.${name}`;

    beforeAll(async () => {
      const built = await variant.build();
      world.server = await startServerProcess({
        engine: { maxRunOutputBytes: 16 * MIB },
        runtimes: {
          externalExecution: { maxInputBytes: 16 * MIB, maxStdoutBytes: 16 * MIB, maxOutputBytes: 16 * MIB },
          outboundRest: { allowedTargets: ['127.0.0.1'] },
        },
      });
      world.admin = new TempoClient({
        baseUrl: world.server.baseUrl,
        credentials: { apiKey: TEST_ADMIN_API_KEY },
      });
      world.tenantId = (await world.admin.tenants.list()).items[0]?.id ?? '';
      world.tenant = world.admin.tenant(world.tenantId);
      const artifact = await world.tenant.artifacts.create({ name: `${variant.name} test app` });
      await world.tenant.artifacts.uploadVersion(artifact.id, await zipOf(built.files), { version: '1.0.0' });
      world.artifactId = artifact.id;
      world.runtimeKey = built.runtimeKey;
      world.config = built.config;
      for (const name of ['main', 'next']) await createStep(world, key(name));
    }, 900_000);

    afterAll(async () => {
      await world.server?.stop();
    });

    const fireMain = (body: unknown, transitions: Record<string, object> = { [key('main')]: {} }) =>
      fire(world, key('main'), transitions, body);

    it('installs the execution context from the request and the host', async () => {
      const answer = await fireMain({ action: 'context' });
      expect(answer.status, JSON.stringify(answer.output)).toBe(200);
      expect(answer.output).toEqual({
        tenantId: world.tenantId,
        dataFlowId: answer.run.dataFlowId,
        flowRunId: answer.run.runId,
        runAssignmentId: expect.stringMatching(/^ras_/),
        stepId: key('main'),
        stepRunId: expect.stringMatching(/^sru_/),
        requestId: expect.any(String),
        workerId: 'wrk_local_server',
        hasLogger: true,
      });
    });

    it("writes the handler's log lines to the step's run log", async () => {
      const tag = randomBytes(6).toString('hex');
      const answer = await fireMain({ action: 'log', tag });
      expect(answer.output).toEqual({ logged: tag });
      const log = await stepLog(world, answer.run.runId, key('main'));
      for (const line of variant.logLines) expect(log).toContain(line.replace('{tag}', tag));
      expect(log).toMatch(
        new RegExp(
          `^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3,6}Z \\[\\w+\\] sdk debug ${tag}$`,
          'm',
        ),
      );
    });

    it('carries unicode unchanged', async () => {
      const payload = 'héllo ✓ 😀 — 日本語 \u0000 "quoted" \\ back';
      const answer = await fireMain({ action: 'echo', payload });
      expect(answer.status).toBe(200);
      expect(answer.output).toEqual({ echoed: payload, length: expect.any(Number) });
    });

    it('carries binary bodies as base64 in JSON', async () => {
      const bytes = randomBytes(64 * 1024);
      const answer = await fireMain({ action: 'binary', base64: bytes.toString('base64') });
      const output = answer.output as { base64: string; size: number };
      expect(output.size).toBe(bytes.length);
      expect(Buffer.from(output.base64, 'base64').equals(Buffer.from(bytes.map((byte) => 255 - byte)))).toBe(
        true,
      );
    });

    it('carries a 5 MB payload out of one step, into the next and out again', async () => {
      const answer = await fireMain(
        { action: 'large', size: 5 * MIB },
        {
          [key('main')]: { onSuccess: key('next') },
          [key('next')]: {},
        },
      );
      expect(answer.status, String(answer.run.error)).toBe(200);
      const output = answer.output as { echoed: string; length: number };
      expect(output.echoed === `${'x'.repeat(5 * MIB)}✓`).toBe(true);
    }, 120_000);

    it('turns a throw into an Exception with its message', async () => {
      const answer = await fireMain({ action: 'exception' });
      expect(answer.status).toBe(500);
      const steps = await world.tenant.runs.steps(answer.run.runId);
      expect(steps.map((step) => step.result)).toEqual(['Exception']);
      expect(answer.run.error).toContain('handler failed on purpose');
    });

    it('keeps an Error result and routes it through the failure transition, with previousResult', async () => {
      const unhandled = await fireMain({ action: 'error', value: 3 });
      expect(unhandled.status).toBe(500);
      const failedSteps = await world.tenant.runs.steps(unhandled.run.runId);
      expect(failedSteps.map((step) => step.result)).toEqual(['Error']);
      expect(JSON.parse(failedSteps[0]?.outputData ?? 'null')).toEqual({
        reason: 'business rule',
        input: 3,
      });

      const first = await fireMain({ action: 'previous' });
      expect(first.output).toEqual({ previousResult: null });
      const routed = await fireMain(
        { action: 'error', value: 4, nextAction: 'previous' },
        { [key('main')]: { onFailure: key('next') }, [key('next')]: {} },
      );
      expect(routed.status).toBe(200);
      expect(routed.output).toEqual({ previousResult: 'Error' });
      const steps = await world.tenant.runs.steps(routed.run.runId);
      expect(steps.map((step) => [step.stepId, step.result])).toEqual([
        [key('main'), 'Error'],
        [key('next'), 'Success'],
      ]);
    });

    if (variant.persistent) {
      it('serves successive invocations from one warm process', async () => {
        const pids = new Set<unknown>();
        for (let i = 0; i < 3; i++) {
          const answer = await fireMain({ action: 'pid' });
          expect(answer.status).toBe(200);
          pids.add((answer.output as { pid: number }).pid);
        }
        expect(pids.size).toBe(1);
      });
    }

    it('uses every export of the SDK inside the engine', async () => {
      const answer = await fireMain({ action: 'surface' });
      expect(answer.status, JSON.stringify(answer.output)).toBe(200);
      expect(answer.output).toMatchObject(variant.surface);
    });
  });
