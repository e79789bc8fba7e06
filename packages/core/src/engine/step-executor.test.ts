import type { RuntimeConfig, RuntimeKey } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { resolvedStep, stepRequest } from './flow-test-kit.ts';
import type { ProviderOutcome, ResolvedStep, RuntimeProvider, StepInvocation } from './runtime-provider.ts';
import { type ExecuteStepOptions, executeStep } from './step-executor.ts';

// `executeStep` with providers written for the test: what it needs from a provider is only the
// interface, so these stand in for runtimes that are slow, ignore their signal, or throw.

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A provider that answers Success after `ms`, ignoring its signal, and keeps the invocations it got. */
const slowProvider = (runtimeKey: RuntimeKey, ms: number) => {
  const invocations: StepInvocation[] = [];
  const provider: RuntimeProvider = {
    runtimeKey,
    execute: async (invocation) => {
      invocations.push(invocation);
      await waitMs(ms);
      return { result: { result: 'Success', data: { after: ms } } };
    },
  };
  return { provider, invocations };
};

const request = stepRequest();

const stepOf = (runtimeKey: RuntimeKey, extra: Partial<ResolvedStep> = {}): ResolvedStep =>
  resolvedStep(runtimeKey, 'work', extra);

const restConfig = (runtimeKey: 'External.Rest' | 'Legacy.InlineRest', timeoutMs: number): RuntimeConfig => ({
  runtimeKey,
  method: 'GET',
  url: 'http://127.0.0.1/',
  headers: {},
  timeoutMs,
});

const execute = (
  provider: RuntimeProvider,
  step: ResolvedStep,
  extra: Partial<Pick<ExecuteStepOptions, 'flowRemainingMs' | 'flowMaxRuntimeMs' | 'signal'>> = {},
): Promise<ProviderOutcome> =>
  executeStep({
    step,
    request,
    dataFlowId: 'flow_1',
    providers: new Map([[provider.runtimeKey, provider]]),
    flowRemainingMs: 0,
    flowMaxRuntimeMs: 0,
    ...extra,
  });

describe('executeStep: whose limit applies', () => {
  it.each([
    'Artifact.Process',
    'Artifact.Python',
    'Artifact.JavaScript',
    'Artifact.DotnetProcess',
    'Host.Executable',
  ] as const)('sets no engine timer for %s, whose process host times it', async (runtimeKey) => {
    const { provider, invocations } = slowProvider(runtimeKey, 80);
    const outcome = await execute(provider, stepOf(runtimeKey, { maxRuntimeMs: 20 }));
    expect(outcome.result).toEqual({ result: 'Success', data: { after: 80 } });
    expect(invocations[0]?.signal.aborted).toBe(false);
  });

  it('still bounds a self-timed runtime by the time the flow has left', async () => {
    const { provider } = slowProvider('Artifact.Process', 2_000);
    const outcome = await execute(provider, stepOf('Artifact.Process', { maxRuntimeMs: 20 }), {
      flowRemainingMs: 40,
      flowMaxRuntimeMs: 700,
    });
    expect(outcome.result).toEqual({
      result: 'Timeout',
      errorMessage: 'The flow exceeded its maximum runtime of 700 ms.',
    });
  });

  it.each(['External.Rest', 'Legacy.InlineRest'] as const)(
    "ends a %s step at its timeoutMs when it has no maxRuntimeMs, and aborts the provider's signal",
    async (runtimeKey) => {
      const { provider, invocations } = slowProvider(runtimeKey, 2_000);
      const started = Date.now();
      const outcome = await execute(
        provider,
        stepOf(runtimeKey, { runtimeConfig: restConfig(runtimeKey, 40) }),
      );
      expect(outcome.result).toEqual({
        result: 'Timeout',
        errorMessage: 'Step "work" exceeded its maximum runtime of 40 ms.',
      });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(invocations[0]?.signal.aborted).toBe(true);
      expect(invocations[0]?.signal.reason).toEqual(new Error('timeout'));
    },
  );

  it("prefers a REST step's maxRuntimeMs over its timeoutMs", async () => {
    const { provider } = slowProvider('External.Rest', 2_000);
    const outcome = await execute(
      provider,
      stepOf('External.Rest', { maxRuntimeMs: 30, runtimeConfig: restConfig('External.Rest', 60_000) }),
    );
    expect(outcome.result.errorMessage).toBe('Step "work" exceeded its maximum runtime of 30 ms.');
  });

  it('sets no limit for a step that has none, whatever its configuration', async () => {
    const builtin: RuntimeConfig = {
      runtimeKey: 'Builtin.Method',
      identifier: 'x',
      declaringType: null,
      methodName: null,
      assemblyName: null,
      assemblyVersion: null,
      signatureHash: null,
    };
    for (const runtimeConfig of [null, builtin]) {
      const { provider, invocations } = slowProvider('Builtin.Method', 60);
      const outcome = await execute(provider, stepOf('Builtin.Method', { runtimeConfig }));
      expect(outcome.result.result).toBe('Success');
      expect(invocations[0]?.signal.aborted).toBe(false);
    }
  });

  it.each([
    // [step limit, flow remaining, expected message]
    [0, 40, 'The flow exceeded its maximum runtime of 900 ms.'],
    [5_000, 40, 'The flow exceeded its maximum runtime of 900 ms.'],
    [40, 5_000, 'Step "work" exceeded its maximum runtime of 40 ms.'],
    [40, 0, 'Step "work" exceeded its maximum runtime of 40 ms.'],
    // A tie is the step's own limit.
    [40, 40, 'Step "work" exceeded its maximum runtime of 40 ms.'],
  ])(
    'with a step limit of %i ms and %i ms of the flow left, times out as: %s',
    async (stepMs, flowMs, message) => {
      const { provider } = slowProvider('Builtin.Method', 2_000);
      const outcome = await execute(provider, stepOf('Builtin.Method', { maxRuntimeMs: stepMs }), {
        flowRemainingMs: flowMs,
        flowMaxRuntimeMs: 900,
      });
      expect(outcome.result).toEqual({ result: 'Timeout', errorMessage: message });
    },
  );

  it('clears its timer once the step has answered', async () => {
    const { provider, invocations } = slowProvider('Builtin.Method', 5);
    const outcome = await execute(provider, stepOf('Builtin.Method', { maxRuntimeMs: 40 }));
    expect(outcome.result.result).toBe('Success');
    await waitMs(80);
    expect(invocations[0]?.signal.aborted).toBe(false);
  });
});

describe('executeStep: cancellation and failures', () => {
  it('ends the step at once when the run is cancelled, passing the reason to the provider', async () => {
    const { provider, invocations } = slowProvider('Builtin.Method', 2_000);
    const controller = new AbortController();
    const reason = new Error('stop now');
    setTimeout(() => controller.abort(reason), 30);
    const started = Date.now();
    const outcome = await execute(provider, stepOf('Builtin.Method'), { signal: controller.signal });
    expect(outcome.result).toEqual({ result: 'Exception', errorMessage: 'The run was cancelled.' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(invocations[0]?.signal.reason).toBe(reason);
  });

  it('stops listening to the run once the step has answered', async () => {
    const { provider, invocations } = slowProvider('Builtin.Method', 5);
    const controller = new AbortController();
    await execute(provider, stepOf('Builtin.Method'), { signal: controller.signal });
    controller.abort();
    expect(invocations[0]?.signal.aborted).toBe(false);
  });

  it('names a runtime this host has no provider for', async () => {
    const { provider } = slowProvider('Builtin.Method', 5);
    const outcome = await execute(provider, stepOf('Artifact.Python'));
    expect(outcome.result).toEqual({
      result: 'Exception',
      errorMessage: 'Runtime Artifact.Python is not available on this host.',
    });
  });

  it('turns what a provider throws into an Exception', async () => {
    const throwing = (thrown: unknown): RuntimeProvider => ({
      runtimeKey: 'Builtin.Method',
      execute: async () => {
        throw thrown;
      },
    });
    expect((await execute(throwing(new Error('broken')), stepOf('Builtin.Method'))).result).toEqual({
      result: 'Exception',
      errorMessage: 'broken',
    });
    expect((await execute(throwing('plain text'), stepOf('Builtin.Method'))).result).toEqual({
      result: 'Exception',
      errorMessage: 'plain text',
    });
  });
});
