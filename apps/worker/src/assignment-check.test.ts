import { AssignFrame, AssignRejection, type WorkerCapability } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { type AssignmentContext, assignmentRejection } from './assignment-check.ts';

const rest: WorkerCapability = {
  executionKey: '*',
  tenantScope: '*',
  sourceKind: 'Registry',
  runtimeKey: 'External.Rest',
  signatureHash: '*',
};

const frame = (required: WorkerCapability[] = [rest], sessionId = 'wse_1'): AssignFrame =>
  AssignFrame.parse({
    type: 'assign',
    assignment: {
      id: 'ras_1',
      flowRunId: 'run_1',
      workerId: 'wrk_1',
      workerSessionId: sessionId,
      attemptNumber: 1,
      state: 'Assigned',
      leaseToken: 'non_1',
      leaseExpiresUtc: '2030-01-01T00:00:00.000Z',
      assignedUtc: '2030-01-01T00:00:00.000Z',
    },
    plan: {
      flowRunId: 'run_1',
      tenantId: 'ten_1',
      dataFlowId: 'flow_1',
      triggerContext: {},
      flow: { id: 'flow_1', tenantId: 'ten_1', startStepId: 'a', maxRuntimeMs: 0, transitions: { a: {} } },
      steps: {},
      requiredCapabilities: required,
      initialInputData: null,
      budget: {
        maxRuntimeMs: 0,
        dispatchAttempt: 1,
        runAssignmentId: 'ras_1',
        leaseToken: 'non_1',
        assignedUtc: null,
        leaseExpiresUtc: null,
        leaseDurationMs: 0,
      },
      executionSnapshot: '{}',
    },
  });

const ready: AssignmentContext = {
  workerSessionId: 'wse_1',
  draining: false,
  capabilities: [rest],
  activeRuns: 0,
  maxConcurrentRuns: 1,
};

describe('assignmentRejection', () => {
  it('accepts an assignment of this session that the worker can run and has room for', () => {
    expect(assignmentRejection(ready, frame())).toBeNull();
  });

  it('refuses each failed check with its spec message', () => {
    expect(assignmentRejection(ready, frame([rest], 'wse_other'))).toBe(
      'Assignment was issued for a different worker session',
    );
    expect(assignmentRejection({ ...ready, workerSessionId: null }, frame())).toBe(
      AssignRejection.wrongSession,
    );
    expect(assignmentRejection({ ...ready, draining: true }, frame())).toBe('Worker is draining');
    const python = { ...rest, sourceKind: 'Artifact', runtimeKey: 'Artifact.Python' };
    expect(assignmentRejection(ready, frame([rest, python]))).toBe(
      'Worker capabilities do not satisfy the execution plan',
    );
    expect(assignmentRejection({ ...ready, capabilities: [] }, frame([]))).toBe(
      AssignRejection.missingCapability,
    );
    expect(assignmentRejection({ ...ready, activeRuns: 1 }, frame())).toBe('Worker is at max concurrency');
  });

  it('checks in the spec order: session, drain, capabilities, concurrency', () => {
    const everythingWrong = {
      workerSessionId: 'wse_x',
      draining: true,
      capabilities: [],
      activeRuns: 9,
      maxConcurrentRuns: 1,
    };
    expect(assignmentRejection(everythingWrong, frame())).toBe(AssignRejection.wrongSession);
    expect(assignmentRejection({ ...everythingWrong, workerSessionId: 'wse_1' }, frame())).toBe(
      AssignRejection.draining,
    );
    expect(
      assignmentRejection({ ...everythingWrong, workerSessionId: 'wse_1', draining: false }, frame()),
    ).toBe(AssignRejection.missingCapability);
    expect(
      assignmentRejection(
        { ...everythingWrong, workerSessionId: 'wse_1', draining: false, capabilities: [rest] },
        frame(),
      ),
    ).toBe(AssignRejection.atCapacity);
  });
});
