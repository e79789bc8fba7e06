import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactManifest, ExternalExecutionSettings, type StepProtocolRequest } from '@tempo/contracts';
import { ProcessHandlerHost } from '@tempo/core/process-host';
import { planArtifactLaunch } from '@tempo/core/process-runtimes';

/**
 * bench/steps: the cost of one protocol v1 call of a Python and a JavaScript handler through the
 * process host (scratch folder, shim, clean environment, spawn, result parsing), against a bare
 * spawn of the same interpreter doing nothing (`python3 -c pass`, `node -e 0`) measured in the
 * same run. Calls run one after another, so the figures are latencies, not throughput.
 */
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 40);
const WARMUP = 3;

const settings = ExternalExecutionSettings.parse({
  scratchRoot: mkdtempSync(join(tmpdir(), 'tempo-bench-scratch-')),
  maxConcurrentProcessesServerWide: 1,
  maxConcurrentProcessesPerTenant: 1,
});
const python = settings.pythonExecutable;
const node = process.execPath;

const request: StepProtocolRequest = {
  protocolVersion: '1.0',
  tenantId: 'ten_bench',
  dataFlowId: 'flow_bench',
  flowRunId: 'run_bench',
  stepRunId: 'sru_bench',
  requestId: 'run_bench',
  data: { n: 21 },
  metadata: null,
  previousResult: null,
};

/** A package folder with one handler, and its manifest. */
const packageOf = (runtimeKey: 'Artifact.Python' | 'Artifact.JavaScript', file: string, source: string) => {
  const root = mkdtempSync(join(tmpdir(), 'tempo-bench-package-'));
  writeFileSync(join(root, file), source);
  const manifest = ArtifactManifest.parse({
    runtimeKey,
    supportedProtocolVersions: ['1.0'],
    defaultEntrypoint: 'main',
    entrypoints: { main: { module: runtimeKey === 'Artifact.Python' ? 'handler' : file } },
  });
  return { root, sha256: '0'.repeat(64), manifest };
};

const timed = async (run: () => Promise<void>): Promise<number[]> => {
  for (let i = 0; i < WARMUP; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
};

const bareSpawn = (command: string, args: string[]) => () =>
  new Promise<void>((resolve, reject) =>
    execFile(command, args, (error) => (error ? reject(error) : resolve())),
  );

const handlerCall = async (
  pkg: ReturnType<typeof packageOf>,
  runtimeKey: 'Artifact.Python' | 'Artifact.JavaScript',
) => {
  const host = new ProcessHandlerHost({
    settings: { ...settings, nodeExecutable: node },
    environment: process.env,
    workerId: 'wrk_bench',
  });
  const plan = await planArtifactLaunch({ ...settings, nodeExecutable: node }, pkg, {
    runtimeKey,
    artifactId: 'art_bench',
    artifactVersion: 'current',
    entrypoint: null,
    arguments: [],
    environmentReferences: [],
    module: null,
    function: null,
    ...(runtimeKey === 'Artifact.Python' ? { pythonVersion: null } : {}),
  } as Parameters<typeof planArtifactLaunch>[2]);
  if (!plan.ok) throw new Error(plan.message);
  return async () => {
    const outcome = await host.invoke({
      request,
      stepId: 'bench',
      launch: plan.launch,
      timeoutMs: 30_000,
      signal: new AbortController().signal,
    });
    if (outcome.result.result !== 'Success')
      throw new Error(`handler failed: ${outcome.result.errorMessage}`);
  };
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

const main = async () => {
  const py = packageOf(
    'Artifact.Python',
    'handler.py',
    'def run(request):\n    return {"doubled": request["data"]["n"] * 2}\n',
  );
  const js = packageOf(
    'Artifact.JavaScript',
    'handler.js',
    'exports.run = (request) => ({ doubled: request.data.n * 2 });\n',
  );
  const rows: [string, number[]][] = [];
  rows.push([`bare ${python} -c pass`, await timed(bareSpawn(python, ['-c', 'pass']))]);
  rows.push(['Artifact.Python handler', await timed(await handlerCall(py, 'Artifact.Python'))]);
  rows.push(['bare node -e 0', await timed(bareSpawn(node, ['-e', '0']))]);
  rows.push(['Artifact.JavaScript handler', await timed(await handlerCall(js, 'Artifact.JavaScript'))]);

  console.log(`bench/steps: ${ITERATIONS} sequential calls each (after ${WARMUP} warm-up calls)\n`);
  console.log('| what | mean ms | p50 ms | p99 ms |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, samples] of rows) {
    console.log(
      `| ${name} | ${mean(samples).toFixed(1)} | ${percentile(samples, 50).toFixed(1)} | ${percentile(samples, 99).toFixed(1)} |`,
    );
  }
  const ratio = (handler: number, bare: number) =>
    (mean(rows[handler]?.[1] ?? []) / mean(rows[bare]?.[1] ?? [1])).toFixed(2);
  console.log(`\nPython handler / bare python spawn: ${ratio(1, 0)}×`);
  console.log(`JavaScript handler / bare node spawn: ${ratio(3, 2)}×`);
  for (const folder of [py.root, js.root, settings.scratchRoot])
    rmSync(folder, { recursive: true, force: true });
};

await main();
