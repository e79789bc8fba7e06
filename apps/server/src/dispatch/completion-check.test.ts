import type { StepRunRecord, WireCompletion } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { completionMismatch, stepRunsToStore } from './completion-check.ts';

const stored = {
  id: 'ras_1',
  flowRunId: 'run_1',
  workerId: 'wrk_a',
  workerSessionId: 'wse_a',
  leaseToken: 'non_a',
  state: 'Assigned',
  completedUtc: null,
};
const session = { workerId: 'wrk_a', workerSessionId: 'wse_a' };
const stepRun = {
  id: 'sru_other_run_row',
  tenantId: 'ten_other',
  flowRunId: 'run_1',
  dataFlowId: 'dfl_other',
  stepId: 'first',
  sequence: 1,
} as StepRunRecord;
const completion = {
  flowRunId: 'run_1',
  runAssignmentId: 'ras_1',
  workerId: 'wrk_a',
  workerSessionId: 'wse_a',
  leaseToken: 'non_a',
  finalState: 'Succeeded',
  stepRuns: [stepRun],
} as WireCompletion;

describe('completionMismatch', () => {
  it('accepts only the open assignment of this run, worker, session and lease token', () => {
    expect(completionMismatch(completion, session, stored)).toBeNull();
    expect(completionMismatch(completion, session, null)).toMatch(/no such assignment/);
    expect(completionMismatch(completion, session, { ...stored, state: 'LeaseExpired' })).toMatch(/ended/);
    expect(
      completionMismatch(completion, session, { ...stored, completedUtc: '2026-01-01T00:00:00Z' }),
    ).toMatch(/ended/);
    expect(completionMismatch({ ...completion, flowRunId: 'run_2' }, session, stored)).toMatch(/another run/);
    expect(completionMismatch({ ...completion, workerId: 'wrk_b' }, session, stored)).toMatch(
      /another worker/,
    );
    expect(completionMismatch(completion, { ...session, workerId: 'wrk_b' }, stored)).toMatch(
      /another worker/,
    );
    expect(completionMismatch({ ...completion, workerSessionId: 'wse_b' }, session, stored)).toMatch(
      /another session/,
    );
    expect(completionMismatch(completion, { ...session, workerSessionId: 'wse_old' }, stored)).toMatch(
      /another session/,
    );
    expect(completionMismatch({ ...completion, leaseToken: 'non_b' }, session, stored)).toMatch(
      /lease token/,
    );
  });
});

describe('stepRunsToStore', () => {
  it('stores step runs under the assignment run and flow with fresh ids, never the frame tenant', () => {
    const [row] = stepRunsToStore(completion, { flowRunId: 'run_1', dataFlowId: 'dfl_1' }) ?? [];
    expect(row).toMatchObject({ flowRunId: 'run_1', dataFlowId: 'dfl_1', stepId: 'first' });
    expect(row?.id).toMatch(/^sru_/);
    expect(row?.id).not.toBe('sru_other_run_row');
    expect(row && 'tenantId' in row).toBe(false);
  });

  it('refuses a report naming another run', () => {
    const foreign = { ...completion, stepRuns: [{ ...stepRun, flowRunId: 'run_2' }] };
    expect(stepRunsToStore(foreign, { flowRunId: 'run_1', dataFlowId: 'dfl_1' })).toBeNull();
  });
});
