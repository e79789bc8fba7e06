import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRunEnd } from './api-fixture.ts';
import { waitUntil } from './process-probe.ts';
import { zipOf } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// These packages have a requirements file with nothing to install (no package index is reachable
// here): the environment is still built, with `python -m venv` and `pip install -r`, which is the
// part that raced and ignored the step's limits.
const MANIFEST = JSON.stringify({
  manifestVersion: '1',
  runtimeKey: 'Artifact.Python',
  supportedProtocolVersions: ['1.0'],
  defaultEntrypoint: 'main',
  entrypoints: { main: { module: 'handler', function: 'run' } },
});
const HANDLER =
  'import sys\n\ndef run(request):\n    return {"inEnvironment": sys.prefix != sys.base_prefix}\n';

let server: ServerProcess;
let t: TenantClient;

beforeAll(async () => {
  server = await startServerProcess({
    runtimes: {
      externalExecution: {
        allowPythonDependencyInstall: true,
        maxConcurrentProcessesServerWide: 8,
        maxConcurrentProcessesPerTenant: 8,
      },
    },
  });
  const admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  t = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
});

afterAll(async () => {
  await server?.stop();
});

/** A Python step whose package has a requirements file; `marker` gives it an environment of its own. */
const pythonStep = async (executionKey: string, maxRuntimeMs = 0) => {
  const artifact = await t.artifacts.create({ name: `${executionKey} package` });
  await t.artifacts.uploadVersion(
    artifact.id,
    await zipOf([
      { path: 'tempo.step.json', content: MANIFEST },
      { path: 'handler.py', content: HANDLER },
      { path: 'requirements.txt', content: '# nothing to install\n' },
      { path: 'marker.txt', content: executionKey },
    ]),
    { version: '1.0.0' },
  );
  await t.steps.create({
    executionKey,
    name: executionKey,
    runtimeKey: 'Artifact.Python',
    runtimeConfig: {
      runtimeKey: 'Artifact.Python',
      artifactId: artifact.id,
      artifactVersion: '1.0.0',
      module: null,
      function: null,
      pythonVersion: null,
    },
    maxRuntimeMs,
  });
  return t.flows.create({
    name: `flow of ${executionKey}`,
    startStepId: executionKey,
    transitions: { [executionKey]: {} },
  });
};

/** Processes still building an environment in this server's cache (`python -m venv …`, `pip install`). */
const buildProcesses = (): string[] => {
  const cache = join(server.dataDir, 'runtime-cache');
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(cache) && /-m (venv|pip)/.test(cmdline)) found.push(`${entry}: ${cmdline}`);
    } catch {
      // The process ended while the list was read.
    }
  }
  return found;
};

describe('Python environments', () => {
  it('are built once when three runs need the same one at the same time', { timeout: 180_000 }, async () => {
    const flow = await pythonStep('py.shared');
    const first = await t.flows.run(flow.id);
    // The others arrive while the first run's build is under way, as they would under load.
    await waitUntil(() => buildProcesses().length > 0, 30_000, 'the first build to start');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const others = await Promise.all([1, 2].map(() => t.flows.run(flow.id)));
    const runs = await Promise.all([first, ...others].map((queued) => waitForRunEnd(t, queued.id, 150_000)));
    for (const run of runs) {
      expect(run, run.errorMessage ?? '').toMatchObject({ state: 'Succeeded' });
      expect(JSON.parse(run.outputData ?? 'null')).toEqual({ inEnvironment: true });
    }
    const environments = join(server.dataDir, 'runtime-cache', 'python');
    const [shaFolder] = readdirSync(environments);
    // One environment and no lock left behind.
    expect(readdirSync(join(environments, shaFolder ?? ''))).toEqual(['python3']);
  });

  it('end the step at its own time limit while the environment is still being built', {
    timeout: 120_000,
  }, async () => {
    const flow = await pythonStep('py.hurried', 1_500);
    const started = Date.now();
    const run = await waitForRunEnd(t, (await t.flows.run(flow.id)).id, 60_000);
    const tookMs = Date.now() - started;
    expect(run.state).not.toBe('Succeeded');
    const [stepRun] = await t.runs.steps(run.id);
    expect(stepRun?.errorMessage ?? run.errorMessage).toMatch(/time limit/);
    // Building an environment takes several seconds here; the step may not take them.
    expect(tookMs).toBeLessThan(6_000);
    await waitUntil(() => buildProcesses().length === 0, 5_000, 'the stopped build to leave no process');
  });

  it('stop building when the run is cancelled', { timeout: 120_000 }, async () => {
    const flow = await pythonStep('py.cancelled', 120_000);
    const queued = await t.flows.run(flow.id);
    await waitUntil(() => buildProcesses().length > 0, 30_000, 'the environment build to start');
    const started = Date.now();
    await t.runs.cancel(queued.id);
    const run = await waitForRunEnd(t, queued.id, 30_000);
    expect(run.state).toBe('Cancelled');
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitUntil(() => buildProcesses().length === 0, 5_000, 'the cancelled build to leave no process');
    const environments = join(server.dataDir, 'runtime-cache', 'python');
    await waitUntil(
      () => !readdirSync(environments).some((name) => existsSync(join(environments, name, 'python3.lock'))),
      5_000,
      'the cancelled build to give up its lock',
    );
  });
});
