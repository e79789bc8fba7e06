import { FlowRunExecutionPlan } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { buildExecutionPlan, PlanBuildError, type PlanSource } from './plan-builder.ts';
import { PlanCache } from './plan-cache.ts';

const REST = { runtimeKey: 'External.Rest', method: 'GET', url: 'https://example.test/', timeoutMs: 1000 };

const snapshotOf = (flowId: string, metadata: unknown = null) =>
  JSON.stringify({
    flow: {
      id: flowId,
      tenantId: 'ten_1',
      startStepId: 'call',
      maxRuntimeMs: 7000,
      transitions: { call: {} },
    },
    steps: {
      call: {
        id: 'stp_call',
        tenantId: 'ten_1',
        executionKey: 'call',
        name: 'call',
        runtimeKey: 'External.Rest',
        runtimeConfig: REST,
        contractType: 'Loose',
        inputSchema: null,
        outputSchema: null,
        validateInput: false,
        validateOutput: false,
        maxRuntimeMs: 0,
      },
    },
    metadata,
  });

const runOf = (id: string, overrides: Partial<PlanSource> = {}): PlanSource => ({
  id,
  tenantId: 'ten_1',
  dataFlowId: 'dfl_1',
  triggerId: `trg_${id}`,
  triggeredByUserId: null,
  inputData: JSON.stringify({ run: id }),
  executionSnapshotJson: snapshotOf('dfl_1'),
  ...overrides,
});

describe('PlanCache', () => {
  it('answers for a known snapshot the plan a fresh build would, with the run’s own fields', () => {
    const cache = new PlanCache();
    cache.build(runOf('run_first'), 'eu');
    const second = runOf('run_second', { triggeredByUserId: 'usr_1', inputData: null });
    const plan = cache.build(second, 'eu');
    expect(cache.size).toBe(1);
    expect(plan).toEqual(buildExecutionPlan(second, 'eu'));
    expect(plan.flowRunId).toBe('run_second');
    expect(plan.triggerContext).toEqual({
      triggerId: 'trg_run_second',
      triggeredByUserId: 'usr_1',
      metadata: null,
    });
    expect(FlowRunExecutionPlan.safeParse(plan).success).toBe(true);
  });

  it('keeps one entry per tenant, placement label and snapshot text', () => {
    const cache = new PlanCache();
    cache.build(runOf('run_1'), null);
    cache.build(runOf('run_2'), 'eu');
    cache.build(runOf('run_3', { tenantId: 'ten_2' }), null);
    const withMetadata = runOf('run_4', { executionSnapshotJson: snapshotOf('dfl_1', { source: 'api' }) });
    expect(cache.build(withMetadata, null).triggerContext.metadata).toEqual({ source: 'api' });
    expect(cache.size).toBe(4);
    expect(cache.build(runOf('run_5', { tenantId: 'ten_2' }), null).tenantId).toBe('ten_2');
    expect(cache.size).toBe(4);
  });

  it('drops the oldest snapshot past its bound', () => {
    const cache = new PlanCache(2);
    for (const flowId of ['dfl_a', 'dfl_b', 'dfl_c'])
      cache.build(runOf(`run_${flowId}`, { executionSnapshotJson: snapshotOf(flowId) }), null);
    expect(cache.size).toBe(2);
    const again = cache.build(runOf('run_again', { executionSnapshotJson: snapshotOf('dfl_a') }), null);
    expect(again.flow.id).toBe('dfl_a');
    expect(cache.size).toBe(2);
  });

  it('keeps no failed snapshot: each run of it fails as a fresh build does', () => {
    const cache = new PlanCache();
    const broken = runOf('run_broken', { executionSnapshotJson: '{"flow":{}}' });
    expect(() => cache.build(broken, null)).toThrow(PlanBuildError);
    expect(() => cache.build(broken, null)).toThrow(PlanBuildError);
    expect(() => cache.build(runOf('run_none', { executionSnapshotJson: null }), null)).toThrow(
      /no execution snapshot/,
    );
    expect(cache.size).toBe(0);
  });

  it('holds neither a run’s input nor snapshots past its size bound', () => {
    const cache = new PlanCache();
    const first = runOf('run_big_input', { inputData: 'x'.repeat(100_000) });
    expect(cache.build(first, null).initialInputData).toHaveLength(100_000);
    expect(cache.build(runOf('run_next', { inputData: null }), null).initialInputData).toBeNull();
    // A snapshot of more than a megabyte (source code of many steps) is built, never kept.
    const huge = JSON.parse(snapshotOf('dfl_huge')) as { metadata: unknown };
    huge.metadata = { padding: 'y'.repeat(1_100_000) };
    const hugeRun = runOf('run_huge', { executionSnapshotJson: JSON.stringify(huge) });
    expect(cache.build(hugeRun, null).flow.id).toBe('dfl_huge');
    expect(cache.size).toBe(1);
    // Snapshots under that go in until their text passes the whole bound, oldest out first.
    for (let index = 0; index < 12; index++) {
      const big = JSON.parse(snapshotOf(`dfl_${index}`)) as { metadata: unknown };
      big.metadata = { padding: 'z'.repeat(900_000) };
      cache.build(runOf(`run_${index}`, { executionSnapshotJson: JSON.stringify(big) }), null);
    }
    expect(cache.size).toBeLessThanOrEqual(9);
    expect(cache.size).toBeGreaterThanOrEqual(8);
  });
});
