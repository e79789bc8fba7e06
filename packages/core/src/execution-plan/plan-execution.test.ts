import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FlowRunExecutionPlan,
  type FlowRunExecutionPlan as Plan,
  type PlanStep,
  RuntimesSettings,
  WireCompletion,
} from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArtifactBlobStore,
  ExtractionCache,
  LocalArtifactPackages,
  writeZipPackage,
} from '../artifacts/index.ts';
import { ProcessHandlerHost } from '../process-host/index.ts';
import { createRuntimeProviders } from '../process-runtimes/index.ts';
import { commandAnswers } from '../runtimes/index.ts';
import { engineInputsOf, executePlan, taskTimeoutMessage } from './plan-execution.ts';

const SYSTEM_PYTHON = '/usr/bin/python3';

let server: Server;
let baseUrl: string;
let folder: string;
let blobs: ArtifactBlobStore;
let providers: ReturnType<typeof createRuntimeProviders>;
let host: ProcessHandlerHost;

const assignment = {
  id: 'ras_test',
  workerId: 'wrk_test',
  workerSessionId: 'wse_test',
  leaseToken: 'non_test',
};

const restStep = (key: string, path: string): PlanStep => ({
  executionKey: key,
  tenantScope: 'ten_plan',
  sourceKind: 'Registry',
  signatureHash: '*',
  runtimeKey: 'External.Rest',
  step: {
    id: `stp_${key}`,
    tenantId: 'ten_plan',
    executionKey: key,
    name: key,
    runtimeKey: 'External.Rest',
    runtimeConfig: {
      runtimeKey: 'External.Rest',
      method: 'POST',
      url: `${baseUrl}${path}`,
      headers: {},
      timeoutMs: 5000,
    },
    contractType: 'Loose',
    inputSchema: null,
    outputSchema: null,
    validateInput: false,
    validateOutput: false,
    maxRuntimeMs: 0,
    artifact: null,
  },
});

/** A plan over `steps`, run in the order of `transitions`. */
const planOf = (
  steps: readonly PlanStep[],
  transitions: Record<string, object>,
  input: unknown = { n: 1 },
): Plan =>
  FlowRunExecutionPlan.parse({
    flowRunId: 'run_plan',
    tenantId: 'ten_plan',
    dataFlowId: 'flow_plan',
    triggerContext: { metadata: { from: 'plan' } },
    flow: {
      id: 'flow_plan',
      tenantId: 'ten_plan',
      startStepId: Object.keys(transitions)[0],
      maxRuntimeMs: 0,
      transitions,
    },
    steps: Object.fromEntries(steps.map((step) => [step.executionKey, step])),
    requiredCapabilities: steps.map(
      ({ executionKey, tenantScope, sourceKind, runtimeKey, signatureHash }) => ({
        executionKey,
        tenantScope,
        sourceKind,
        runtimeKey,
        signatureHash,
      }),
    ),
    initialInputData: JSON.stringify(input),
    budget: {
      maxRuntimeMs: 0,
      dispatchAttempt: 1,
      runAssignmentId: assignment.id,
      leaseToken: assignment.leaseToken,
      assignedUtc: new Date().toISOString(),
      leaseExpiresUtc: new Date(Date.now() + 60_000).toISOString(),
      leaseDurationMs: 60_000,
    },
    executionSnapshot: '{"flow":{}}',
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/slow') {
        setTimeout(() => res.end('{}'), 3000).unref();
        return;
      }
      res.statusCode = req.url === '/missing' ? 404 : req.url === '/crash' ? 500 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, received: body === '' ? null : JSON.parse(body) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  folder = await mkdtemp(join(tmpdir(), 'tempo-plan-'));
  // Searchable by the unprivileged handler user a root test run starts handlers as.
  await chmod(folder, 0o711);
  const runtimes = RuntimesSettings.parse({
    outboundRest: { allowedTargets: ['127.0.0.1'] },
    externalExecution: {
      scratchRoot: join(folder, 'scratch'),
      cacheRoot: join(folder, 'cache'),
      // The system interpreter: a per-user shim may not be readable by the handler user.
      ...(existsSync(SYSTEM_PYTHON) ? { pythonExecutable: SYSTEM_PYTHON } : {}),
    },
  });
  blobs = new ArtifactBlobStore(join(folder, 'blobs'));
  host = new ProcessHandlerHost({
    settings: runtimes.externalExecution,
    environment: process.env,
    workerId: assignment.workerId,
  });
  const packages = new LocalArtifactPackages(
    blobs,
    new ExtractionCache(runtimes.externalExecution.cacheRoot),
    {
      maxEntries: 100,
      maxTotalBytes: 1024 * 1024,
    },
  );
  providers = createRuntimeProviders({ settings: { runtimes }, host, packages });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(folder, { recursive: true, force: true });
});

describe('engineInputsOf', () => {
  it('gives the engine the plan flow, its steps by key, the input and the trigger metadata', () => {
    const plan = planOf([restStep('first', '/a')], { first: {} });
    const inputs = engineInputsOf(plan);
    expect(inputs.flow).toMatchObject({ id: 'flow_plan', tenantId: 'ten_plan', startStepId: 'first' });
    expect(inputs.steps.get('first')?.runtimeKey).toBe('External.Rest');
    expect(inputs.inputData).toBe('{"n":1}');
    expect(inputs.metadata).toEqual({ from: 'plan' });
  });
});

describe('executePlan', () => {
  it('runs a two-step REST plan against a loopback server and reports a valid Succeeded completion', async () => {
    const plan = planOf([restStep('first', '/one'), restStep('second', '/two')], {
      first: { onSuccess: 'second' },
      second: {},
    });
    const completion = await executePlan({ plan, assignment, providers });
    expect(WireCompletion.parse(completion)).toEqual(completion);
    expect(completion).toMatchObject({
      flowRunId: 'run_plan',
      runAssignmentId: 'ras_test',
      workerId: 'wrk_test',
      workerSessionId: 'wse_test',
      leaseToken: 'non_test',
      finalState: 'Succeeded',
      errorMessage: null,
      executionSnapshotJson: '{"flow":{}}',
    });
    const response = JSON.parse(completion.outputData ?? 'null') as {
      StatusCode: number;
      ResponseBody: string;
    };
    expect(response.StatusCode).toBe(200);
    expect(JSON.parse(Buffer.from(response.ResponseBody, 'base64').toString('utf8'))).toMatchObject({
      path: '/two',
    });
    expect(completion.stepRuns.map((run) => [run.stepId, run.sequence, run.result, run.nextStepId])).toEqual([
      ['first', 1, 'Success', 'second'],
      ['second', 2, 'Success', null],
    ]);
    for (const run of completion.stepRuns) {
      expect(run.id).toMatch(/^sru_/);
      expect(run).toMatchObject({
        executionState: 'Complete',
        tenantId: 'ten_plan',
        dataFlowId: 'flow_plan',
      });
      expect(Date.parse(run.completedUtc ?? '')).toBeGreaterThanOrEqual(Date.parse(run.startedUtc));
    }
    expect(JSON.parse(completion.stepRuns[0]?.inputData ?? 'null')).toEqual({ n: 1 });
  });

  it('maps a step Error to Failed and a step Exception to Exception', async () => {
    const failed = await executePlan({
      plan: planOf([restStep('gone', '/missing')], { gone: {} }),
      assignment,
      providers,
    });
    expect(failed.finalState).toBe('Failed');
    expect(failed.stepRuns[0]?.result).toBe('Error');
    const crashed = await executePlan({
      plan: planOf([restStep('down', '/crash')], { down: {} }),
      assignment,
      providers,
    });
    expect(crashed.finalState).toBe('Exception');
    expect(crashed.stepRuns[0]?.result).toBe('Exception');
  });

  it('maps a step that has no provider on this executor to Exception', async () => {
    const plan = planOf([], { missing: {} });
    const completion = await executePlan({ plan, assignment, providers });
    expect(completion.finalState).toBe('Exception');
    expect(completion.errorMessage).toContain('missing');
  });

  it('ends a run past maxTaskTimeoutMs as Exception with the spec message', async () => {
    const plan = planOf([restStep('slow', '/slow')], { slow: {} });
    const started = Date.now();
    const completion = await executePlan({ plan, assignment, providers, maxTaskTimeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(completion.finalState).toBe('Exception');
    expect(completion.errorMessage).toBe(taskTimeoutMessage(200));
    expect(completion.errorMessage).toBe('Worker task exceeded maxTaskTimeoutMs of 200');
  });

  it('ends a cancelled run as Cancelled', async () => {
    const plan = planOf([restStep('slow', '/slow')], { slow: {} });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const completion = await executePlan({ plan, assignment, providers, signal: controller.signal });
    expect(completion.finalState).toBe('Cancelled');
  });

  it('runs a Python artifact step from a pinned package', async (context) => {
    if ((await commandAnswers(existsSync(SYSTEM_PYTHON) ? SYSTEM_PYTHON : 'python3')) === null)
      context.skip();
    const bytes = await writeZipPackage([
      {
        path: 'tempo.step.json',
        bytes: Buffer.from(
          JSON.stringify({
            manifestVersion: '1',
            runtimeKey: 'Artifact.Python',
            supportedProtocolVersions: ['1.0'],
            defaultEntrypoint: 'main',
            entrypoints: { main: { module: 'handler', function: 'run' } },
          }),
        ),
        executable: false,
      },
      {
        path: 'handler.py',
        bytes: Buffer.from('def run(request):\n    return {"doubled": request["data"]["n"] * 2}\n'),
        executable: false,
      },
    ]);
    const stored = await blobs.put('ten_plan', bytes);
    const python: PlanStep = {
      executionKey: 'py',
      tenantScope: 'ten_plan',
      sourceKind: 'Artifact',
      signatureHash: '*',
      runtimeKey: 'Artifact.Python',
      step: {
        ...restStep('py', '/').step,
        runtimeKey: 'Artifact.Python',
        runtimeConfig: {
          runtimeKey: 'Artifact.Python',
          artifactId: 'art_py',
          artifactVersion: '1.0.0',
          entrypoint: null,
          arguments: [],
          environmentReferences: [],
          module: null,
          function: null,
          pythonVersion: null,
        },
        artifact: {
          kind: 'pinned',
          artifact: {
            artifactId: 'art_py',
            artifactVersionId: 'arv_py',
            version: '1.0.0',
            sha256: stored.sha256,
          },
        },
      },
    };
    const completion = await executePlan({
      plan: planOf([python], { py: {} }, { n: 21 }),
      assignment,
      providers,
    });
    expect(completion.errorMessage).toBeNull();
    expect(completion.finalState).toBe('Succeeded');
    expect(JSON.parse(completion.outputData ?? 'null')).toEqual({ doubled: 42 });
    expect(completion.stepRuns[0]).toMatchObject({
      artifactId: 'art_py',
      artifactVersionId: 'arv_py',
      artifactSha256: stored.sha256,
    });
  });
});
