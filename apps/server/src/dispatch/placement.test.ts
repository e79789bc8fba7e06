import type { FlowRunExecutionPlan, WorkerCapability } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { type ExecutorView, isEligible, placeRun } from './placement.ts';
import { SERVER_ONLY_SOURCE_KIND } from './plan-builder.ts';

const REST: WorkerCapability = {
  executionKey: '*',
  tenantScope: 'ten_1',
  sourceKind: 'Registry',
  runtimeKey: 'External.Rest',
  signatureHash: '*',
};
const ALL_REGISTRY: WorkerCapability = { ...REST, tenantScope: '*' };

const planOf = (fields: Partial<FlowRunExecutionPlan> = {}): FlowRunExecutionPlan =>
  ({
    flowRunId: 'run_1',
    requiredCapabilities: [REST],
    placementLabel: null,
    ...fields,
  }) as FlowRunExecutionPlan;

const worker = (workerId: string, fields: Partial<ExecutorView> = {}): ExecutorView => ({
  workerId,
  kind: 'Worker',
  connected: true,
  enabled: true,
  drainMode: false,
  hasFreeSlot: true,
  runCount: 0,
  labels: [],
  capabilities: [ALL_REGISTRY],
  ...fields,
});

const server = (fields: Partial<ExecutorView> = {}): ExecutorView =>
  worker('wrk_local_server', { kind: 'Server', capabilities: [], ...fields });

const placed = (decision: ReturnType<typeof placeRun>) =>
  decision.kind === 'place' ? decision.executor.workerId : decision.kind;

describe('remote eligibility (spec §6)', () => {
  it('needs a live session, the enabled flag, no drain and a free slot', () => {
    const plan = planOf();
    expect(isEligible(worker('w'), plan)).toBe(true);
    expect(isEligible(worker('w', { connected: false }), plan)).toBe(false);
    expect(isEligible(worker('w', { enabled: false }), plan)).toBe(false);
    expect(isEligible(worker('w', { drainMode: true }), plan)).toBe(false);
    expect(isEligible(worker('w', { hasFreeSlot: false }), plan)).toBe(false);
  });

  it('matches the label ignoring case, under every strategy; no label passes', () => {
    const plan = planOf({ placementLabel: 'GPU' });
    expect(isEligible(worker('w', { labels: ['gpu'] }), plan)).toBe(true);
    expect(isEligible(worker('w', { labels: ['cpu'] }), plan)).toBe(false);
    expect(isEligible(worker('w', { labels: [] }), planOf())).toBe(true);
    expect(
      placeRun(plan, [worker('w', { labels: ['cpu'] }), worker('x', { labels: ['Gpu'] })], 'LeastLoaded'),
    ).toMatchObject({
      kind: 'place',
      executor: { workerId: 'x' },
    });
  });

  it('needs every required capability; a worker advertising none is never eligible', () => {
    expect(isEligible(worker('w', { capabilities: [] }), planOf({ requiredCapabilities: [] }))).toBe(false);
    const python: WorkerCapability = { ...REST, sourceKind: 'Artifact', runtimeKey: 'Artifact.Python' };
    expect(isEligible(worker('w'), planOf({ requiredCapabilities: [REST, python] }))).toBe(false);
    expect(
      isEligible(
        worker('w', { capabilities: [ALL_REGISTRY, { ...python, tenantScope: '*' }] }),
        planOf({
          requiredCapabilities: [REST, python],
        }),
      ),
    ).toBe(true);
  });

  it('never places a plan with a built-in step remotely, even on a wildcard worker', () => {
    const builtin: WorkerCapability = {
      ...REST,
      sourceKind: SERVER_ONLY_SOURCE_KIND,
      runtimeKey: 'Builtin.Method',
    };
    const wildcard = worker('w', { capabilities: [{ ...ALL_REGISTRY, sourceKind: '*', runtimeKey: '*' }] });
    const plan = planOf({ requiredCapabilities: [builtin] });
    expect(isEligible(wildcard, plan)).toBe(false);
    expect(placed(placeRun(plan, [wildcard, server()], 'LeastLoaded'))).toBe('wrk_local_server');
  });
});

describe('pseudo-worker eligibility', () => {
  it('needs enabled, not draining and a local slot; ignores labels and capabilities', () => {
    const plan = planOf({ placementLabel: 'gpu' });
    expect(isEligible(server(), plan)).toBe(true);
    expect(isEligible(server({ enabled: false }), plan)).toBe(false);
    expect(isEligible(server({ drainMode: true }), plan)).toBe(false);
    expect(isEligible(server({ hasFreeSlot: false }), plan)).toBe(false);
  });
});

describe('selection order', () => {
  it('takes the lowest run count first', () => {
    const decision = placeRun(
      planOf(),
      [worker('a', { runCount: 3 }), worker('b', { runCount: 1 }), server({ runCount: 2 })],
      'LeastLoaded',
    );
    expect(placed(decision)).toBe('b');
  });

  it('with LabelPinned and a labelled plan, prefers labelled executors at equal load', () => {
    const plan = planOf({ placementLabel: 'gpu' });
    const executors = [server(), worker('a', { labels: ['gpu'] })];
    expect(placed(placeRun(plan, executors, 'LabelPinned'))).toBe('a');
    // At a lower load, the server still wins: the run count comes first.
    expect(
      placed(placeRun(plan, [server(), worker('a', { labels: ['gpu'], runCount: 1 })], 'LabelPinned')),
    ).toBe('wrk_local_server');
  });

  it('puts workers before the server at equal load, then keeps enumeration order', () => {
    expect(placed(placeRun(planOf(), [server(), worker('a'), worker('b')], 'LeastLoaded'))).toBe('a');
    expect(placed(placeRun(planOf(), [worker('b'), worker('a')], 'LeastLoaded'))).toBe('b');
  });
});

describe('nothing eligible', () => {
  it('fails fast when live executors exist but none could ever host the run', () => {
    const decision = placeRun(
      planOf({ placementLabel: 'gpu' }),
      [worker('a'), worker('b', { drainMode: true })],
      'LeastLoaded',
    );
    expect(decision).toEqual({ kind: 'never', reason: 'No eligible worker was available for run run_1' });
  });

  it('waits with a reason when nothing is connected, all are busy or all are draining', () => {
    expect(placeRun(planOf(), [], 'LeastLoaded')).toMatchObject({
      kind: 'wait',
      reason: expect.stringMatching(/no worker is connected/),
    });
    expect(placeRun(planOf(), [worker('a', { hasFreeSlot: false })], 'LeastLoaded')).toMatchObject({
      kind: 'wait',
      reason: expect.stringMatching(/concurrency limit/),
    });
    expect(placeRun(planOf(), [worker('a', { drainMode: true })], 'LeastLoaded')).toMatchObject({
      kind: 'wait',
      reason: expect.stringMatching(/draining/),
    });
    // A blocked pseudo-worker is no live executor: the run waits rather than fails.
    expect(placeRun(planOf(), [server({ enabled: false })], 'LeastLoaded')).toMatchObject({ kind: 'wait' });
  });
});

describe('a run that could find a host later', () => {
  const gpuPlan = planOf({ placementLabel: 'gpu' });
  const lessCapable = worker('cpu', { labels: ['cpu'] });

  it('waits instead of failing once it has been dispatched before', () => {
    expect(placeRun(gpuPlan, [lessCapable], 'LeastLoaded')).toMatchObject({ kind: 'never' });
    expect(placeRun(gpuPlan, [lessCapable], 'LeastLoaded', { dispatchedBefore: true })).toMatchObject({
      kind: 'wait',
      reason: expect.stringMatching(/no connected worker can run it/),
    });
  });

  it('waits for a recently seen worker that could host it, though its session is down', () => {
    const reconnecting = worker('gpu', { labels: ['gpu'], connected: false, hasFreeSlot: false });
    expect(placeRun(gpuPlan, [lessCapable], 'LeastLoaded', { recentlySeen: [reconnecting] })).toMatchObject({
      kind: 'wait',
    });
  });

  it('still fails fast when no recently seen worker could host it either', () => {
    const blocked = worker('gpu', { labels: ['gpu'], connected: false, enabled: false });
    const wrongLabel = worker('other', { labels: ['tpu'], connected: false });
    const decision = placeRun(gpuPlan, [lessCapable], 'LeastLoaded', { recentlySeen: [blocked, wrongLabel] });
    expect(decision).toMatchObject({ kind: 'never' });
  });

  it('never places a run on a recently seen worker: it is no executor until it connects', () => {
    const reconnecting = worker('gpu', { labels: ['gpu'], connected: false });
    expect(placeRun(gpuPlan, [], 'LeastLoaded', { recentlySeen: [reconnecting] })).toMatchObject({
      kind: 'wait',
    });
  });
});
