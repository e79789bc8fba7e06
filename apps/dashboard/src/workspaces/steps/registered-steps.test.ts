import type { RegisteredStep, StepRecord } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { builtinCardRows, builtinIdentifier } from './registered-steps.ts';

const builtin = (identifier: string, tenantId = 'global'): RegisteredStep => ({
  identifier,
  runtimeKey: 'Builtin.Method',
  tenantId,
  name: identifier,
  description: null,
  typeName: null,
  methodName: 'run',
  signatureHash: 'h',
});

const step = (id: string, overrides: Partial<StepRecord>): StepRecord =>
  ({
    id,
    tenantId: 'ten_a',
    executionKey: id,
    name: id,
    description: null,
    runtimeKey: 'Builtin.Method',
    runtimeConfig: null,
    runtimeBindingState: 'Resolved',
    runtimeBindingMessage: null,
    ...overrides,
  }) as StepRecord;

const method = (identifier: string) =>
  ({
    runtimeKey: 'Builtin.Method',
    identifier,
    declaringType: null,
    methodName: null,
    assemblyName: null,
    assemblyVersion: null,
    signatureHash: null,
  }) as const;

describe('registered steps card rows', () => {
  it('lists the built-ins visible to the tenant with the resolved steps bound to each', () => {
    const bound = step('step_1', { runtimeConfig: method('echo') });
    const rest = step('step_2', { runtimeKey: 'External.Rest' });
    const rows = builtinCardRows(
      [builtin('echo'), builtin('mine', 'ten_a'), builtin('theirs', 'ten_b')],
      [bound, rest],
      'ten_a',
    );
    expect(rows.map((row) => (row.kind === 'registered' ? row.builtin.identifier : row.step.id))).toEqual([
      'echo',
      'mine',
    ]);
    expect(rows[0]).toMatchObject({ steps: [bound] });
    expect(rows[1]).toMatchObject({ steps: [] });
  });

  it('keeps steps whose runtime or built-in no longer resolves as rows of their own', () => {
    const orphan = step('step_o', {
      runtimeConfig: method('gone'),
      runtimeBindingState: 'Orphaned',
      runtimeBindingMessage: 'No built-in step "gone" is registered in this process.',
    });
    const legacy = step('step_l', {
      runtimeKey: 'Builtin.Unknown',
      runtimeConfig: { runtimeKey: 'Builtin.Unknown', identifier: 'old' },
      runtimeBindingState: 'Unresolved',
    });
    const pinned = step('step_p', { runtimeKey: 'Artifact.Python', runtimeBindingState: 'Unresolved' });
    const rows = builtinCardRows([builtin('echo')], [orphan, legacy, pinned], 'ten_a');
    expect(
      rows.filter((row) => row.kind === 'dangling').map((row) => row.kind === 'dangling' && row.step.id),
    ).toEqual(['step_o', 'step_l']);
    expect(rows[0]).toMatchObject({ kind: 'registered', steps: [] });
    expect(builtinIdentifier(orphan)).toBe('gone');
    expect(builtinIdentifier(pinned)).toBeNull();
  });
});
