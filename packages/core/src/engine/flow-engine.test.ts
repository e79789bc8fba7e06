import { describe, expect, it } from 'vitest';
import type { StepResult } from '../runtimes/step-protocol.ts';
import { MAX_STEPS_PER_RUN, RUN_STEP_DATA_BUDGET_BYTES } from './flow-engine.ts';
import { builtinFlows, node, builtinStep as step } from './flow-test-kit.ts';

const { register, run } = builtinFlows();

register('tick', async () => ({ result: 'Success', data: { ok: true } }));
register('double', async ({ data }) => ({
  result: 'Success',
  data: { value: ((data as { value: number }).value ?? 0) * 2 },
}));
register('fail', async () => ({
  result: 'Error',
  data: { reason: 'business rule' },
  errorMessage: 'rejected',
}));
register('throw', async () => {
  throw new Error('boom');
});
register('echo', async (request) => ({
  result: 'Success',
  data: { data: request.data, previous: request.previousResult, metadata: request.metadata },
}));
register(
  'sleep',
  (request) =>
    new Promise((resolve) => setTimeout(() => resolve({ result: 'Success', data: request.data }), 1000)),
);

register('big', async () => ({ result: 'Success', data: { text: 'x'.repeat(100_000) } }));
register('function', async () => ({ result: 'Success', data: () => 1 }));
register('function.nested', async () => ({ result: 'Success', data: { handler: () => 1 } }));
register('undefined.in.array', async () => ({ result: 'Success', data: [1, undefined] }));
register('bigint', async () => ({ result: 'Success', data: { count: 10n } }));
register('cycle', async () => {
  const data: { self?: unknown } = {};
  data.self = data;
  return { result: 'Success', data };
});
register('bad.metadata', async () => ({ result: 'Success', data: {}, metadata: { at: Symbol('x') } }));
register('no.result', async () => undefined as unknown as StepResult);

describe('runFlow', () => {
  it("passes each step's output to the next and ends with the last output", async () => {
    const { outcome, reports } = await run(
      { a: node({ onSuccess: 'b' }), b: node({ onSuccess: 'c' }), c: node() },
      { a: step('a', 'double'), b: step('b', 'double'), c: step('c', 'echo') },
      '{"value":3}',
    );
    expect(outcome).toMatchObject({ state: 'Succeeded', steps: 3, errorMessage: null });
    expect(JSON.parse(outcome.outputData ?? '')).toEqual({
      data: { value: 12 },
      previous: 'Success',
      metadata: null,
    });
    expect(reports.map((r) => [r.stepId, r.sequence, r.result, r.nextStepId])).toEqual([
      ['a', 1, 'Success', 'b'],
      ['b', 2, 'Success', 'c'],
      ['c', 3, 'Success', null],
    ]);
    expect(reports[0]?.inputData).toBe('{"value":3}');
    expect(reports[0]?.stepRunId).toMatch(/^sru_/);
  });

  it('passes a non-JSON input as text', async () => {
    const { outcome } = await run({ e: node() }, { e: step('e', 'echo') }, 'plain text');
    expect(JSON.parse(outcome.outputData ?? '').data).toBe('plain text');
  });

  it('follows onFailure after an Error and onException after a thrown error, with the exception as metadata', async () => {
    const failure = await run(
      { f: node({ onFailure: 'e' }), e: node() },
      { f: step('f', 'fail'), e: step('e', 'echo') },
      null,
    );
    expect(failure.outcome.state).toBe('Succeeded');
    expect(JSON.parse(failure.outcome.outputData ?? '')).toMatchObject({
      data: { reason: 'business rule' },
      previous: 'Error',
    });
    const exception = await run(
      { t: node({ onException: 'e' }), e: node() },
      { t: step('t', 'throw'), e: step('e', 'echo') },
      null,
    );
    expect(JSON.parse(exception.outcome.outputData ?? '')).toEqual({
      data: null,
      previous: 'Exception',
      metadata: { exception: 'boom' },
    });
    expect(exception.reports[0]).toMatchObject({
      result: 'Exception',
      errorMessage: 'boom',
      nextStepId: 'e',
    });
  });

  it('maps the final result to the run state', async () => {
    expect((await run({ f: node() }, { f: step('f', 'fail') }, null)).outcome).toMatchObject({
      state: 'Failed',
      errorMessage: 'rejected',
    });
    expect((await run({ t: node() }, { t: step('t', 'throw') }, null)).outcome).toMatchObject({
      state: 'Exception',
      errorMessage: 'boom',
    });
  });

  it('ends a step at its maxRuntimeMs with Timeout and follows onException', async () => {
    const { outcome, reports } = await run(
      { s: node({ onException: 'e' }), e: node() },
      { s: step('s', 'sleep', { maxRuntimeMs: 50 }), e: step('e', 'echo') },
      '{}',
    );
    expect(reports[0]).toMatchObject({ result: 'Timeout', nextStepId: 'e' });
    expect(reports[0]?.errorMessage).toContain('50 ms');
    expect(outcome.state).toBe('Succeeded');
  });

  it("ends the run at the flow's maxRuntimeMs", async () => {
    const { outcome } = await run(
      { s: node({ onSuccess: 's2' }), s2: node() },
      { s: step('s', 'sleep'), s2: step('s2', 'echo') },
      '{}',
      {
        maxRuntimeMs: 100,
      },
    );
    expect(outcome.state).toBe('Exception');
    expect(outcome.errorMessage).toContain('100 ms');
  });

  it('stops a loop at maxTransitions with MaxIterationsExceeded', async () => {
    const { outcome, reports } = await run(
      { loop: node({ onSuccess: 'loop', maxTransitions: 3 }) },
      { loop: step('loop', 'double') },
      '{"value":1}',
    );
    expect(reports).toHaveLength(3);
    expect(outcome.state).toBe('Failed');
    expect(outcome.errorMessage).toContain('maxTransitions of 3');
    expect(JSON.parse(outcome.outputData ?? '')).toEqual({ value: 8 });
  });

  it('ends an unbounded loop at MAX_STEPS_PER_RUN without starving the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 1);
    const { outcome, reports } = await run(
      { loop: node({ onSuccess: 'loop' }) },
      { loop: step('loop', 'tick') },
      '{}',
    );
    clearInterval(timer);
    expect(outcome.state).toBe('Failed');
    expect(outcome.errorMessage).toContain(`${MAX_STEPS_PER_RUN} steps`);
    expect(reports).toHaveLength(MAX_STEPS_PER_RUN);
    expect(ticks).toBeGreaterThan(0);
  });

  it('fails with a clear message when a key has no step or the runtime is missing', async () => {
    const missing = await run({ a: node() }, {}, null);
    expect(missing.outcome).toMatchObject({ state: 'Exception' });
    expect(missing.outcome.errorMessage).toContain('No active step with execution key "a"');
    const noRuntime = await run(
      { a: node() },
      { a: step('a', 'echo', { runtimeKey: 'Artifact.Python' }) },
      null,
    );
    expect(noRuntime.outcome.errorMessage).toContain('Artifact.Python is not available');
    const unregistered = await run({ a: node() }, { a: step('a', 'nope') }, null);
    expect(unregistered.outcome.errorMessage).toContain('No Builtin.Method step "nope"');
  });

  it('validates input and output against the step schemas when asked', async () => {
    const schema = '{"type":"object","required":["value"],"properties":{"value":{"type":"number"}}}';
    const badInput = await run(
      { d: node() },
      { d: step('d', 'double', { validateInput: true, inputSchema: schema }) },
      '{"value":"x"}',
    );
    expect(badInput.outcome.state).toBe('Exception');
    expect(badInput.outcome.errorMessage).toContain('input schema: /value must be number');
    const goodInput = await run(
      { d: node() },
      { d: step('d', 'double', { validateInput: true, inputSchema: schema }) },
      '{"value":2}',
    );
    expect(goodInput.outcome.state).toBe('Succeeded');
    const badOutput = await run(
      { e: node() },
      {
        e: step('e', 'echo', {
          validateOutput: true,
          outputSchema: '{"type":"object","required":["missing"]}',
        }),
      },
      '{}',
    );
    expect(badOutput.outcome.errorMessage).toContain(
      "output schema: (root) must have required property 'missing'",
    );
  });

  it('stops at cancellation', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { outcome } = await run(
      { s: node({ onSuccess: 'e' }), e: node() },
      { s: step('s', 'sleep'), e: step('e', 'echo') },
      '{}',
      {
        signal: controller.signal,
      },
    );
    expect(outcome.state).toBe('Cancelled');
  });

  it('answers a large final output whole, and keeps a marked, parseable copy on the step run', async () => {
    const { outcome, reports } = await run({ b: node() }, { b: step('b', 'big') }, null);
    expect(outcome.state).toBe('Succeeded');
    expect(JSON.parse(outcome.outputData ?? '')).toEqual({ text: 'x'.repeat(100_000) });
    const stored = JSON.parse(reports[0]?.outputData ?? '') as Record<string, unknown>;
    expect(stored).toMatchObject({ truncated: true, originalBytes: outcome.outputData?.length });
    expect(String(stored.prefix)).toMatch(/^\{"text":"x+$/);
    expect(Buffer.byteLength(reports[0]?.outputData ?? '')).toBeLessThanOrEqual(65_536);
  });

  it('keeps the step-run copies of one run within RUN_STEP_DATA_BUDGET_BYTES, markers past it', async () => {
    register('wide', async () => ({ result: 'Success', data: { text: 'y'.repeat(60_000) } }));
    const { outcome, reports } = await run(
      { w: node({ onSuccess: 'w', maxTransitions: 300 }) },
      { w: step('w', 'wide') },
      null,
    );
    expect(outcome.state).toBe('Failed');
    expect(reports.length).toBeGreaterThan(200);
    const storedBytes = reports.reduce(
      (sum, report) =>
        sum + Buffer.byteLength(report.inputData ?? '') + Buffer.byteLength(report.outputData ?? ''),
      0,
    );
    // 300 steps of 60 KB in and out would keep about 36 MB; the budget plus small markers is all.
    expect(storedBytes).toBeLessThan(RUN_STEP_DATA_BUDGET_BYTES + reports.length * 2 * 200);
    expect(JSON.parse(reports.at(-1)?.outputData ?? '')).toMatchObject({
      truncated: true,
      originalBytes: 60_011,
      prefix: '',
    });
  });

  it('fails the run with a clear message when its output is over maxOutputBytes', async () => {
    const { outcome } = await run({ b: node() }, { b: step('b', 'big') }, null, { maxOutputBytes: 50_000 });
    expect(outcome).toMatchObject({ state: 'Exception', outputData: null });
    expect(outcome.errorMessage).toContain('100011 bytes, more than the 50000 bytes');
  });

  it('fails a step whose data or metadata has no faithful JSON form instead of throwing', async () => {
    const cases: [string, string][] = [
      ['function', 'a function as the whole value'],
      ['function.nested', 'a function at key "handler"'],
      ['undefined.in.array', 'undefined at index 1'],
      ['bigint', 'a BigInt at key "count"'],
      ['cycle', 'a cycle'],
      ['bad.metadata', 'returned metadata that cannot be serialised as JSON: it holds a symbol at key "at"'],
    ];
    for (const [identifier, message] of cases) {
      const { outcome, reports } = await run(
        { s: node({ onException: 'e' }), e: node() },
        { s: step('s', identifier), e: step('e', 'echo') },
        null,
      );
      expect(reports[0], identifier).toMatchObject({
        result: 'Exception',
        outputData: null,
        nextStepId: 'e',
      });
      expect(reports[0]?.errorMessage, identifier).toContain(message);
      expect(outcome.state, identifier).toBe('Succeeded');
    }
  });

  it('fails a built-in step that answers something other than a step result', async () => {
    const { outcome } = await run({ n: node() }, { n: step('n', 'no.result') }, null);
    expect(outcome.state).toBe('Exception');
    expect(outcome.errorMessage).toContain('not a step result');
  });
});
