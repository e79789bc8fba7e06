import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactManifest, ExternalExecutionSettings, type StepProtocolRequest } from '@tempo/contracts';
import { ProcessHandlerHost } from '@tempo/core/process-host';
import { planArtifactLaunch } from '@tempo/core/process-runtimes';
import { type CallSample, FIB_HANDLERS, handlerMsOf } from './steps-handlers.ts';

/** The script languages measured through the engine directly: their source steps run in our shims. */
export type ScriptLanguage = 'Python' | 'JavaScript';

const RUNTIME_KEYS = { Python: 'Artifact.Python', JavaScript: 'Artifact.JavaScript' } as const;
const FILES = { Python: 'handler.py', JavaScript: 'handler.js' } as const;

/**
 * A source step's package as the server generates it (the generator named in its manifest, so
 * the engine treats it as a source step), unpacked in a temporary folder.
 */
const sourcePackage = (language: ScriptLanguage) => {
  const root = mkdtempSync(join(tmpdir(), 'tempo-bench-package-'));
  // Readable by the handler user a root server runs handlers as, like the extraction cache.
  chmodSync(root, 0o755);
  writeFileSync(join(root, FILES[language]), FIB_HANDLERS[language]);
  const manifest = ArtifactManifest.parse({
    runtimeKey: RUNTIME_KEYS[language],
    supportedProtocolVersions: ['1.0'],
    defaultEntrypoint: 'main',
    entrypoints: { main: { module: language === 'Python' ? 'handler' : FILES[language] } },
    metadata: { sourceLanguage: language, generatedBy: 'Tempo.SourceStepPackageService' },
  });
  return { root, sha256: language.toLowerCase().padEnd(64, '0'), manifest };
};

/**
 * `iterations` sequential calls of a language's `fib(n)` source step through the process host
 * (no server, no database, no run log), after `warmup` calls; `persistentMode` Off starts a
 * process per call, Auto keeps one warm.
 */
export const measureEngineCalls = async (
  language: ScriptLanguage,
  persistentMode: 'Auto' | 'Off',
  iterations: number,
  warmup: number,
): Promise<CallSample[]> => {
  const scratchRoot = mkdtempSync(join(tmpdir(), 'tempo-bench-scratch-'));
  const settings = ExternalExecutionSettings.parse({
    scratchRoot,
    persistentMode,
    nodeExecutable: process.execPath,
    maxConcurrentProcessesServerWide: 1,
    maxConcurrentProcessesPerTenant: 1,
  });
  // As the server does: the host paths it hides, with an interpreter below one put back read-only.
  const host = new ProcessHandlerHost({
    settings,
    environment: process.env,
    workerId: 'wrk_bench',
    serverPaths: settings.hiddenHostPaths,
  });
  const pkg = sourcePackage(language);
  try {
    const plan = await planArtifactLaunch(settings, pkg, {
      runtimeKey: RUNTIME_KEYS[language],
      artifactId: 'art_bench',
      artifactVersion: 'current',
      entrypoint: null,
      arguments: [],
      environmentReferences: [],
      module: null,
      function: null,
      ...(language === 'Python' ? { pythonVersion: null } : {}),
    } as Parameters<typeof planArtifactLaunch>[2]);
    if (!plan.ok) throw new Error(plan.message);
    const samples: CallSample[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const request: StepProtocolRequest = {
        protocolVersion: '1.0',
        tenantId: 'ten_bench',
        dataFlowId: 'flow_bench',
        flowRunId: `run_bench_${i}`,
        stepRunId: `sru_bench_${i}`,
        requestId: `req_bench_${i}`,
        data: { n: 10 },
        metadata: null,
        previousResult: null,
      };
      const started = performance.now();
      const outcome = await host.invoke({
        request,
        stepId: 'bench',
        launch: plan.launch,
        timeoutMs: 30_000,
        signal: new AbortController().signal,
      });
      const stepMs = performance.now() - started;
      if (outcome.result.result !== 'Success')
        throw new Error(`handler failed: ${outcome.result.errorMessage}`);
      if (i >= warmup) samples.push({ stepMs, handlerMs: handlerMsOf(outcome.result.data) });
    }
    return samples;
  } finally {
    await host.close();
    for (const folder of [pkg.root, scratchRoot]) rmSync(folder, { recursive: true, force: true });
  }
};
