import { FlowRunExecutionPlan } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import {
  buildExecutionPlan,
  PlanBuildError,
  requiresServer,
  SERVER_ONLY_SOURCE_KIND,
  stampBudget,
} from './plan-builder.ts';

const stepOf = (executionKey: string, runtimeKey: string, runtimeConfig: unknown = null) => ({
  id: `stp_${executionKey}`,
  tenantId: 'ten_1',
  executionKey,
  name: executionKey,
  runtimeKey,
  runtimeConfig,
  contractType: 'Loose',
  inputSchema: null,
  outputSchema: null,
  validateInput: false,
  validateOutput: false,
  maxRuntimeMs: 0,
});

const snapshot = (steps: Record<string, unknown>, metadata: unknown = { source: 'test' }) =>
  JSON.stringify({
    flow: {
      id: 'dfl_1',
      tenantId: 'ten_1',
      startStepId: 'first',
      maxRuntimeMs: 5000,
      transitions: { first: {} },
    },
    steps,
    metadata,
  });

const runOf = (executionSnapshotJson: string | null) => ({
  id: 'run_1',
  tenantId: 'ten_1',
  dataFlowId: 'dfl_1',
  triggerId: 'trg_1',
  triggeredByUserId: null,
  inputData: '{"a":1}',
  executionSnapshotJson,
});

describe('buildExecutionPlan', () => {
  it('builds a plan the wire schema accepts, with one requirement per runtime and source kind', () => {
    const rest = {
      runtimeKey: 'External.Rest',
      method: 'GET',
      url: 'https://example.test/',
      timeoutMs: 1000,
    };
    const json = snapshot({
      first: stepOf('first', 'External.Rest', rest),
      second: stepOf('second', 'External.Rest', rest),
      third: stepOf('third', 'Legacy.InlineRest'),
      fourth: stepOf('fourth', 'Artifact.Python'),
      fifth: stepOf('fifth', 'Host.Executable'),
    });
    const plan = buildExecutionPlan(runOf(json), ' gpu ');
    expect(FlowRunExecutionPlan.parse(plan)).toEqual(plan);
    expect(plan.requiredCapabilities.map((need) => [need.sourceKind, need.runtimeKey])).toEqual([
      ['Registry', 'External.Rest'],
      ['Inline', 'Legacy.InlineRest'],
      ['Artifact', 'Artifact.Python'],
      ['Registry', 'Host.Executable'],
    ]);
    expect(plan.requiredCapabilities.every((need) => need.tenantScope === 'ten_1')).toBe(true);
    expect(plan).toMatchObject({
      flowRunId: 'run_1',
      tenantId: 'ten_1',
      placementLabel: 'gpu',
      initialInputData: '{"a":1}',
      executionSnapshot: json,
      triggerContext: { triggerId: 'trg_1', triggeredByUserId: null, metadata: { source: 'test' } },
      budget: { maxRuntimeMs: 5000, dispatchAttempt: 0, leaseToken: null },
    });
    expect(plan.steps.first).toMatchObject({
      executionKey: 'first',
      sourceKind: 'Registry',
      step: { artifact: null },
    });
    expect(requiresServer(plan)).toBe(false);
  });

  it('marks built-in steps as server-only', () => {
    const plan = buildExecutionPlan(runOf(snapshot({ first: stepOf('first', 'Builtin.Method') })), null);
    expect(plan.requiredCapabilities[0]?.sourceKind).toBe(SERVER_ONLY_SOURCE_KIND);
    expect(requiresServer(plan)).toBe(true);
    expect(plan.placementLabel).toBeNull();
  });

  it('refuses a missing, unparsable or malformed snapshot with a PlanBuildError', () => {
    expect(() => buildExecutionPlan(runOf(null), null)).toThrow(PlanBuildError);
    expect(() => buildExecutionPlan(runOf('{nope'), null)).toThrow(/not valid JSON/);
    expect(() => buildExecutionPlan(runOf('{"flow":{}}'), null)).toThrow(/no flow or steps/);
    expect(() =>
      buildExecutionPlan(runOf(snapshot({ first: stepOf('first', 'No.Such.Runtime') })), null),
    ).toThrow(PlanBuildError);
  });

  it('stamps the budget of an attempt and keeps the flow limit', () => {
    const plan = buildExecutionPlan(runOf(snapshot({ first: stepOf('first', 'Builtin.Method') })), null);
    const stamped = stampBudget(plan, {
      dispatchAttempt: 2,
      runAssignmentId: 'ras_1',
      leaseToken: 'non_1',
      assignedUtc: '2026-01-01T00:00:00.000Z',
      leaseExpiresUtc: '2026-01-01T00:05:00.000Z',
      leaseDurationMs: 300_000,
    });
    expect(stamped.budget).toEqual({
      maxRuntimeMs: 5000,
      dispatchAttempt: 2,
      runAssignmentId: 'ras_1',
      leaseToken: 'non_1',
      assignedUtc: '2026-01-01T00:00:00.000Z',
      leaseExpiresUtc: '2026-01-01T00:05:00.000Z',
      leaseDurationMs: 300_000,
    });
  });
});
