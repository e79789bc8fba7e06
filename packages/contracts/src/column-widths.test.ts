import { describe, expect, it } from 'vitest';
import { CreateArtifactRequest, SourceStepCreateRequest } from './artifacts-api.ts';
import { StepRunRecord } from './runs.ts';
import { ArtifactPythonConfig } from './runtime-configs.ts';

// Requests and worker frames are bounded by the widths of the columns they are stored in:
// PostgreSQL and MySQL refuse a longer text, so an unbounded field let one caller fail writes.

const stepRun = {
  id: 'srn_1',
  tenantId: 'ten_1',
  flowRunId: 'run_1',
  dataFlowId: 'dfl_1',
  stepId: 'call',
  sequence: 0,
  result: 'Success',
  nextStepId: null,
  inputData: null,
  outputData: null,
  errorMessage: null,
  artifactId: null,
  artifactVersionId: null,
  artifactVersion: null,
  artifactSha256: null,
  manifestEntrypoint: 'e'.repeat(255),
  executionState: 'Complete',
  protocolVersion: '1.0',
  startedUtc: '2026-12-02T10:00:00.000Z',
  capacityQueuedUtc: null,
  capacityAcquiredUtc: null,
  capacityWaitMs: null,
  completedUtc: null,
};

describe('column widths', () => {
  it('bound the step runs a worker reports', () => {
    expect(StepRunRecord.safeParse(stepRun).success).toBe(true);
    for (const [field, value] of [
      ['stepId', 's'.repeat(256)],
      ['nextStepId', 's'.repeat(256)],
      ['manifestEntrypoint', 'e'.repeat(256)],
      ['artifactVersion', 'v'.repeat(256)],
      ['artifactSha256', 'a'.repeat(65)],
      ['artifactId', 'a'.repeat(65)],
      ['protocolVersion', '1'.repeat(17)],
      ['sequence', 2 ** 31],
      ['sequence', -1],
    ] as const)
      expect(StepRunRecord.safeParse({ ...stepRun, [field]: value }).success, field).toBe(false);
  });

  it('bound artifact names and entrypoints in requests', () => {
    expect(CreateArtifactRequest.safeParse({ name: 'n'.repeat(255) }).success).toBe(true);
    expect(CreateArtifactRequest.safeParse({ name: 'n'.repeat(256) }).success).toBe(false);
    const source = {
      executionKey: 'ep',
      name: 'ep',
      language: 'Python',
      code: 'def run(i, c=None):\n  return i\n',
    };
    expect(SourceStepCreateRequest.safeParse({ ...source, entrypoint: 'e'.repeat(255) }).success).toBe(true);
    expect(SourceStepCreateRequest.safeParse({ ...source, entrypoint: 'e'.repeat(256) }).success).toBe(false);
    expect(SourceStepCreateRequest.safeParse({ ...source, artifactName: 'n'.repeat(256) }).success).toBe(
      false,
    );
    expect(ArtifactPythonConfig.safeParse({ artifactId: 'art_1', entrypoint: 'e'.repeat(256) }).success).toBe(
      false,
    );
  });
});
