import {
  ExecutionNodeKind,
  FlowRunDispatchState,
  FlowRunState,
  RunAssignmentState,
  StepResultType,
  StepRunExecutionState,
} from '@tempo/contracts';
import { col, table } from '../table-model.ts';
import { nowUtc } from './common-columns.ts';

/** `flow_runs`: one execution of one flow; no `active`/`is_protected`. */
export const flowRuns = table(
  'flow_runs',
  {
    id: col.id(),
    tenantId: col.id(),
    dataFlowId: col.id(),
    triggeredByUserId: col.id().nullable(),
    triggerId: col.id().nullable(),
    sourceIp: col.text(64).nullable(),
    state: col.enumText(FlowRunState.options).default('Queued'),
    inputData: col.longText().nullable(),
    outputData: col.longText().nullable(),
    errorMessage: col.longText().nullable(),
    executionSnapshotJson: col.longText().nullable(),
    dispatchState: col.enumText(FlowRunDispatchState.options).default('Pending'),
    dispatchAttempt: col.int().default(0),
    assignedWorkerId: col.id().nullable(),
    runAssignmentId: col.id().nullable(),
    queueWaitMs: col.bigint().nullable(),
    assignedUtc: col.timestamp().nullable(),
    leaseExpiresUtc: col.timestamp().nullable(),
    executionNodeKind: col.enumText(ExecutionNodeKind.options).nullable(),
    createdUtc: col.timestamp().default(nowUtc),
    startedUtc: col.timestamp().nullable(),
    completedUtc: col.timestamp().nullable(),
    lastUpdateUtc: col.timestamp().default(nowUtc),
  },
  {
    indexes: [
      ['tenantId', 'dataFlowId'],
      ['tenantId', 'createdUtc'],
      // A tenant's runs in one state, newest first: the start-up's queued runs, `?state=` lists.
      ['tenantId', 'state', 'createdUtc'],
      ['dispatchState', 'state', 'createdUtc'],
    ],
  },
);

/** `step_runs`: one row per executed node. */
export const stepRuns = table(
  'step_runs',
  {
    id: col.id(),
    tenantId: col.id(),
    flowRunId: col.id(),
    dataFlowId: col.id(),
    stepId: col.text(),
    sequence: col.int().default(0),
    result: col.enumText(StepResultType.options).default('Success'),
    nextStepId: col.text().nullable(),
    inputData: col.longText().nullable(),
    outputData: col.longText().nullable(),
    errorMessage: col.longText().nullable(),
    artifactId: col.id().nullable(),
    artifactVersionId: col.id().nullable(),
    artifactVersion: col.text().nullable(),
    artifactSha256: col.text(64).nullable(),
    manifestEntrypoint: col.text().nullable(),
    executionState: col.enumText(StepRunExecutionState.options).default('Complete'),
    protocolVersion: col.text(16).default('1.0'),
    startedUtc: col.timestamp().default(nowUtc),
    capacityQueuedUtc: col.timestamp().nullable(),
    capacityAcquiredUtc: col.timestamp().nullable(),
    capacityWaitMs: col.bigint().nullable(),
    completedUtc: col.timestamp().nullable(),
  },
  { indexes: [['tenantId', 'flowRunId']] },
);

/** `run_assignments`: one row per dispatch attempt; global. */
export const runAssignments = table(
  'run_assignments',
  {
    id: col.id(),
    flowRunId: col.id(),
    workerId: col.id(),
    workerSessionId: col.id().nullable(),
    attemptNumber: col.int().default(1),
    state: col.enumText(RunAssignmentState.options).default('Assigned'),
    leaseToken: col.id(),
    leaseExpiresUtc: col.timestamp().default(nowUtc),
    assignedUtc: col.timestamp().default(nowUtc),
    completedUtc: col.timestamp().nullable(),
  },
  {
    indexes: [
      ['state', 'leaseExpiresUtc'],
      ['flowRunId', 'attemptNumber'],
    ],
  },
);
