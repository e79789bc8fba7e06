import { describe, expect, it } from 'vitest';
import { builtinFlows, node, builtinStep as step } from './flow-test-kit.ts';

// The engine's promises that the first tests left open: the flow's time limit, what follows a
// Timeout, cancellation of the running step, schema flags, and keys a flow does not have.

const { register, run } = builtinFlows();
const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

register('echo', async (request) => ({
  result: 'Success',
  data: { data: request.data, previous: request.previousResult, metadata: request.metadata },
}));
register('ids', async (request) => ({
  result: 'Success',
  data: {
    tenantId: request.tenantId,
    flowRunId: request.flowRunId,
    requestId: request.requestId,
    stepRunId: request.stepRunId,
  },
}));
register('value', async () => ({ result: 'Success', data: { value: 7 } }));
register('fail.value', async () => ({
  result: 'Error',
  data: { value: 'not a number' },
  errorMessage: 'no',
}));
register('sleep.300', async (request) => {
  await waitMs(300);
  return { result: 'Success', data: request.data };
});
register('sleep.long', async (request) => {
  await waitMs(5_000);
  return { result: 'Success', data: request.data };
});
// Holds the thread past the flow's limit, so no timer can end it: the check between steps must.
register('busy.80', async () => {
  const until = Date.now() + 80;
  while (Date.now() < until) {
    // spin
  }
  return { result: 'Success', data: { busy: true } };
});

describe('runFlow: keys the flow does not have', () => {
  it('ends the run Exception when a next key is not a transition', async () => {
    const { outcome, reports } = await run({ a: node({ onSuccess: 'b' }) }, { a: step('a', 'value') }, null);
    expect(outcome).toEqual({
      state: 'Exception',
      outputData: null,
      errorMessage: 'The flow has no transition for step "b".',
      steps: 1,
    });
    expect(reports.map((report) => [report.stepId, report.nextStepId])).toEqual([['a', 'b']]);
  });

  it('ends the run Exception when the start key is not a transition', async () => {
    const { outcome, reports } = await run({ a: node() }, { a: step('a', 'value') }, null, { start: 'zz' });
    expect(outcome).toMatchObject({ state: 'Exception', steps: 0 });
    expect(outcome.errorMessage).toBe('The flow has no transition for step "zz".');
    expect(reports).toEqual([]);
  });

  // The graph check of the API asks `key in transitions`, which every object answers yes for
  // `toString` or `constructor`: the engine must not take what a plain object inherits for a node.
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'ends the run Exception when the key reached is "%s", which every object inherits',
    async (key) => {
      const { outcome, reports } = await run(
        { a: node({ onSuccess: key }) },
        { a: step('a', 'value') },
        null,
      );
      expect(outcome).toEqual({
        state: 'Exception',
        outputData: null,
        errorMessage: `The flow has no transition for step "${key}".`,
        steps: 1,
      });
      expect(reports.map((report) => [report.stepId, report.nextStepId])).toEqual([['a', key]]);
    },
  );
});

describe("runFlow: the flow's time limit", () => {
  it('lets a flow that stays within its maxRuntimeMs succeed', async () => {
    const { outcome, reports } = await run(
      { a: node({ onSuccess: 'b' }), b: node() },
      { a: step('a', 'value'), b: step('b', 'echo') },
      null,
      { maxRuntimeMs: 10_000 },
    );
    expect(outcome).toMatchObject({ state: 'Succeeded', errorMessage: null, steps: 2 });
    expect(reports.map((report) => report.result)).toEqual(['Success', 'Success']);
  });

  it('ends the run between steps once the limit has passed, with the last output kept', async () => {
    const { outcome, reports } = await run(
      { a: node({ onSuccess: 'b' }), b: node() },
      { a: step('a', 'busy.80'), b: step('b', 'echo') },
      null,
      { maxRuntimeMs: 40 },
    );
    expect(reports.map((report) => [report.stepId, report.result])).toEqual([['a', 'Success']]);
    expect(outcome).toEqual({
      state: 'Exception',
      outputData: '{"busy":true}',
      errorMessage: 'The flow exceeded its maximum runtime of 40 ms.',
      steps: 1,
    });
  });

  it('gives a later step only the time the flow has left, never more and never none', async () => {
    const started = Date.now();
    const { outcome, reports } = await run(
      { a: node({ onSuccess: 'b' }), b: node() },
      { a: step('a', 'sleep.300'), b: step('b', 'sleep.long') },
      '{}',
      { maxRuntimeMs: 900 },
    );
    const tookMs = Date.now() - started;
    expect(reports.map((report) => [report.stepId, report.result])).toEqual([
      ['a', 'Success'],
      ['b', 'Timeout'],
    ]);
    expect(reports[1]?.errorMessage).toBe('The flow exceeded its maximum runtime of 900 ms.');
    expect(outcome).toMatchObject({ state: 'Exception', steps: 2 });
    // The second step is cut when the flow's 900 ms are up: not at once, and not 900 ms after it began.
    expect(tookMs).toBeGreaterThanOrEqual(850);
    expect(tookMs).toBeLessThan(1_150);
    const secondMs = Date.parse(reports[1]?.completedUtc ?? '') - Date.parse(reports[1]?.startedUtc ?? '');
    expect(secondMs).toBeGreaterThanOrEqual(400);
  });

  it('binds a step by its own limit when that is the tighter one', async () => {
    const { reports } = await run({ a: node() }, { a: step('a', 'sleep.long', { maxRuntimeMs: 60 }) }, null, {
      maxRuntimeMs: 10_000,
    });
    expect(reports[0]).toMatchObject({
      result: 'Timeout',
      errorMessage: 'Step "a" exceeded its maximum runtime of 60 ms.',
    });
  });
});

describe('runFlow: what follows a failure', () => {
  it('hands the step after a Timeout no data and the timeout as its exception', async () => {
    const { outcome, reports } = await run(
      { s: node({ onException: 'e' }), e: node() },
      { s: step('s', 'sleep.long', { maxRuntimeMs: 40 }), e: step('e', 'echo') },
      '{"kept":false}',
    );
    expect(reports.map((report) => [report.stepId, report.result, report.nextStepId])).toEqual([
      ['s', 'Timeout', 'e'],
      ['e', 'Success', null],
    ]);
    expect(reports[1]?.inputData).toBeNull();
    expect(JSON.parse(outcome.outputData ?? '')).toEqual({
      data: null,
      previous: 'Exception',
      metadata: { exception: 'Step "s" exceeded its maximum runtime of 40 ms.' },
    });
  });

  it('ends the run Exception when a Timeout is the last result', async () => {
    const { outcome } = await run({ s: node() }, { s: step('s', 'sleep.long', { maxRuntimeMs: 30 }) }, null);
    expect(outcome).toEqual({
      state: 'Exception',
      outputData: null,
      errorMessage: 'Step "s" exceeded its maximum runtime of 30 ms.',
      steps: 1,
    });
  });

  it("hands the step after an Error the failed step's data and metadata", async () => {
    const { outcome, reports } = await run(
      { f: node({ onFailure: 'e' }), e: node() },
      { f: step('f', 'fail.value'), e: step('e', 'echo') },
      null,
    );
    expect(reports[1]?.inputData).toBe('{"value":"not a number"}');
    expect(JSON.parse(outcome.outputData ?? '')).toEqual({
      data: { value: 'not a number' },
      previous: 'Error',
      metadata: null,
    });
  });
});

describe('runFlow: the first request', () => {
  it("carries the run's identifiers, its metadata, and empty input as null", async () => {
    const { outcome, reports } = await run(
      { i: node({ onSuccess: 'e' }), e: node() },
      { i: step('i', 'ids'), e: step('e', 'echo') },
      null,
    );
    expect(JSON.parse(reports[0]?.outputData ?? '')).toEqual({
      tenantId: 'ten_test',
      flowRunId: 'run_test',
      requestId: 'run_test',
      stepRunId: reports[0]?.stepRunId,
    });
    expect(reports[0]?.inputData).toBeNull();
    expect(JSON.parse(outcome.outputData ?? '').previous).toBe('Success');
    const withMetadata = await run({ e: node() }, { e: step('e', 'echo') }, '', {
      metadata: { caller: 'test' },
    });
    expect(JSON.parse(withMetadata.outcome.outputData ?? '')).toEqual({
      data: null,
      previous: null,
      metadata: { caller: 'test' },
    });
    expect(withMetadata.reports[0]?.inputData).toBeNull();
  });

  it('records when each step started and ended', async () => {
    const { reports } = await run({ s: node() }, { s: step('s', 'sleep.300') }, null);
    const startedMs = Date.parse(reports[0]?.startedUtc ?? '');
    const completedMs = Date.parse(reports[0]?.completedUtc ?? '');
    expect(completedMs - startedMs).toBeGreaterThanOrEqual(250);
  });

  it('answers an output of exactly maxOutputBytes whole', async () => {
    const { outcome } = await run({ v: node() }, { v: step('v', 'value') }, null, { maxOutputBytes: 11 });
    expect(outcome).toMatchObject({ state: 'Succeeded', outputData: '{"value":7}' });
  });
});

describe('runFlow: cancellation', () => {
  it('interrupts the running step at once and follows no transition', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const { outcome, reports } = await run(
      { s: node({ onSuccess: 'e', onException: 'e' }), e: node() },
      { s: step('s', 'sleep.long'), e: step('e', 'echo') },
      '{}',
      { signal: controller.signal },
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome).toEqual({
      state: 'Cancelled',
      outputData: null,
      errorMessage: 'The run was cancelled.',
      steps: 1,
    });
    expect(
      reports.map((report) => [report.stepId, report.result, report.errorMessage, report.nextStepId]),
    ).toEqual([['s', 'Exception', 'The run was cancelled.', null]]);
  });

  it('runs no step of a run cancelled before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    const { outcome, reports } = await run({ e: node() }, { e: step('e', 'echo') }, null, {
      signal: controller.signal,
    });
    expect(outcome).toEqual({
      state: 'Cancelled',
      outputData: null,
      errorMessage: 'The run was cancelled.',
      steps: 0,
    });
    expect(reports).toEqual([]);
  });

  it('starts no further step once cancelled between steps', async () => {
    const controller = new AbortController();
    const { outcome, reports } = await run(
      { a: node({ onSuccess: 'b' }), b: node() },
      { a: step('a', 'value'), b: step('b', 'echo') },
      null,
      { signal: controller.signal, onStep: () => controller.abort() },
    );
    expect(reports.map((report) => [report.stepId, report.nextStepId])).toEqual([['a', 'b']]);
    expect(outcome).toMatchObject({ state: 'Cancelled', steps: 1 });
  });
});

describe('runFlow: schema flags', () => {
  const schema = '{"type":"object","required":["value"],"properties":{"value":{"type":"number"}}}';

  it('passes output that matches the output schema', async () => {
    const { outcome } = await run(
      { v: node() },
      { v: step('v', 'value', { validateOutput: true, outputSchema: schema }) },
      null,
    );
    expect(outcome).toMatchObject({ state: 'Succeeded', outputData: '{"value":7}', errorMessage: null });
  });

  it('checks nothing when the flags are off, even against a schema the data breaks', async () => {
    const { outcome } = await run(
      { e: node() },
      {
        e: step('e', 'echo', {
          validateInput: false,
          inputSchema: '{"type":"number"}',
          validateOutput: false,
          outputSchema: '{"type":"number"}',
        }),
      },
      '"text"',
    );
    expect(outcome.state).toBe('Succeeded');
  });

  it('checks nothing when a flag is on but the step has no schema', async () => {
    const { outcome } = await run(
      { e: node() },
      { e: step('e', 'echo', { validateInput: true, validateOutput: true }) },
      '"text"',
    );
    expect(outcome.state).toBe('Succeeded');
  });

  it("checks only a Success's output: an Error keeps its result and message", async () => {
    const { outcome, reports } = await run(
      { f: node() },
      { f: step('f', 'fail.value', { validateOutput: true, outputSchema: schema }) },
      null,
    );
    expect(reports[0]).toMatchObject({ result: 'Error', errorMessage: 'no' });
    expect(outcome).toMatchObject({ state: 'Failed', errorMessage: 'no' });
  });

  it('refuses input before the step runs, and follows onException', async () => {
    const { outcome, reports } = await run(
      { v: node({ onException: 'e' }), e: node() },
      { v: step('v', 'value', { validateInput: true, inputSchema: schema }), e: step('e', 'echo') },
      '{"value":"x"}',
    );
    expect(reports[0]).toMatchObject({
      result: 'Exception',
      outputData: null,
      errorMessage: "Input does not match the step's input schema: /value must be number.",
      nextStepId: 'e',
    });
    expect(JSON.parse(outcome.outputData ?? '').metadata).toEqual({
      exception: "Input does not match the step's input schema: /value must be number.",
    });
  });
});
