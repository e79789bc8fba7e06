import { describe, expect, it } from 'vitest';
import { type ComparedCapability, capabilitiesSatisfy, capabilityCovers } from './capability-match.ts';

const cap = (fields: Partial<ComparedCapability> = {}): ComparedCapability => ({
  tenantScope: '*',
  sourceKind: 'Registry',
  runtimeKey: 'External.Rest',
  signatureHash: '*',
  ...fields,
});

describe('capabilityCovers', () => {
  it('matches sourceKind, runtimeKey and signatureHash ignoring case', () => {
    expect(capabilityCovers(cap({ sourceKind: 'registry', runtimeKey: 'external.rest' }), cap())).toBe(true);
    expect(capabilityCovers(cap({ signatureHash: 'ABC' }), cap({ signatureHash: 'abc' }))).toBe(true);
  });

  it('lets an empty or * advertised value match anything, even an empty requirement', () => {
    for (const wildcard of ['', '*']) {
      expect(capabilityCovers(cap({ sourceKind: wildcard }), cap({ sourceKind: 'Artifact' }))).toBe(true);
      expect(capabilityCovers(cap({ runtimeKey: wildcard }), cap({ runtimeKey: 'Artifact.Python' }))).toBe(
        true,
      );
      expect(capabilityCovers(cap({ signatureHash: wildcard }), cap({ signatureHash: 'sha' }))).toBe(true);
      expect(capabilityCovers(cap({ runtimeKey: wildcard }), cap({ runtimeKey: '' }))).toBe(true);
    }
  });

  it('refuses a different value, and a concrete advertised value against an empty requirement', () => {
    expect(capabilityCovers(cap(), cap({ runtimeKey: 'Artifact.Python' }))).toBe(false);
    expect(capabilityCovers(cap(), cap({ sourceKind: 'Artifact' }))).toBe(false);
    expect(capabilityCovers(cap({ signatureHash: 'abc' }), cap({ signatureHash: 'abd' }))).toBe(false);
    expect(capabilityCovers(cap(), cap({ runtimeKey: '' }))).toBe(false);
    expect(capabilityCovers(cap({ signatureHash: 'abc' }), cap({ signatureHash: '' }))).toBe(false);
    // A requirement of `*` is a value like any other for a concrete offer.
    expect(capabilityCovers(cap({ signatureHash: 'abc' }), cap({ signatureHash: '*' }))).toBe(false);
  });

  it('matches tenantScope when advertised is a wildcard, nothing is required, or exactly equal', () => {
    expect(capabilityCovers(cap({ tenantScope: '*' }), cap({ tenantScope: 'ten_a' }))).toBe(true);
    expect(capabilityCovers(cap({ tenantScope: '' }), cap({ tenantScope: 'ten_a' }))).toBe(true);
    expect(capabilityCovers(cap({ tenantScope: 'ten_a' }), cap({ tenantScope: '' }))).toBe(true);
    expect(capabilityCovers(cap({ tenantScope: 'ten_a' }), cap({ tenantScope: 'ten_a' }))).toBe(true);
    expect(capabilityCovers(cap({ tenantScope: 'ten_a' }), cap({ tenantScope: 'ten_b' }))).toBe(false);
    // Case-sensitive, unlike the other fields.
    expect(capabilityCovers(cap({ tenantScope: 'ten_a' }), cap({ tenantScope: 'TEN_A' }))).toBe(false);
    expect(capabilityCovers(cap({ tenantScope: 'ten_a' }), cap({ tenantScope: '*' }))).toBe(false);
  });

  it('does not compare executionKey', () => {
    const offer = { ...cap(), executionKey: 'one' };
    const need = { ...cap(), executionKey: 'other' };
    expect(capabilityCovers(offer, need)).toBe(true);
  });
});

describe('capabilitiesSatisfy', () => {
  const rest = cap();
  const python = cap({ sourceKind: 'Artifact', runtimeKey: 'Artifact.Python' });

  it('needs every requirement covered by some advertised capability', () => {
    expect(capabilitiesSatisfy([rest, python], [python, rest])).toBe(true);
    expect(capabilitiesSatisfy([rest], [rest, python])).toBe(false);
    expect(capabilitiesSatisfy([rest, python], [rest, rest])).toBe(true);
  });

  it('never lets an executor advertising nothing satisfy a plan, even an empty one', () => {
    expect(capabilitiesSatisfy([], [])).toBe(false);
    expect(capabilitiesSatisfy([], [rest])).toBe(false);
  });

  it('lets any advertising executor satisfy a plan that requires nothing', () => {
    expect(capabilitiesSatisfy([rest], [])).toBe(true);
  });

  it('lets one full wildcard cover every requirement', () => {
    const anything = cap({ sourceKind: '*', runtimeKey: '*', signatureHash: '*', tenantScope: '*' });
    expect(capabilitiesSatisfy([anything], [rest, python, cap({ tenantScope: 'ten_x' })])).toBe(true);
  });
});
