import type { RuntimeDescriptor, RuntimeKey } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { advertisedCapabilities } from './capability-advertisement.ts';

const runtime = (runtimeKey: RuntimeKey, availability: RuntimeDescriptor['availability'] = 'Available') => ({
  runtimeKey,
  availability,
});

describe('advertisedCapabilities', () => {
  it('advertises available and preview runtimes with their source kind, every other field *', () => {
    const advertised = advertisedCapabilities([
      runtime('Artifact.Python'),
      runtime('External.Rest'),
      runtime('Legacy.InlineRest'),
      runtime('Host.Executable', 'Preview'),
    ]);
    expect(advertised).toEqual([
      {
        executionKey: '*',
        tenantScope: '*',
        sourceKind: 'Artifact',
        runtimeKey: 'Artifact.Python',
        signatureHash: '*',
      },
      {
        executionKey: '*',
        tenantScope: '*',
        sourceKind: 'Registry',
        runtimeKey: 'External.Rest',
        signatureHash: '*',
      },
      {
        executionKey: '*',
        tenantScope: '*',
        sourceKind: 'Inline',
        runtimeKey: 'Legacy.InlineRest',
        signatureHash: '*',
      },
      {
        executionKey: '*',
        tenantScope: '*',
        sourceKind: 'Registry',
        runtimeKey: 'Host.Executable',
        signatureHash: '*',
      },
    ]);
  });

  it('leaves out unavailable runtimes and built-ins', () => {
    const advertised = advertisedCapabilities([
      runtime('Artifact.Python', 'MissingDependency'),
      runtime('Host.Executable', 'DisabledBySettings'),
      runtime('Artifact.DotnetProcess', 'UnsupportedPlatform'),
      runtime('Builtin.Class'),
      runtime('Builtin.Method'),
      runtime('Artifact.Process'),
    ]);
    expect(advertised.map((capability) => capability.runtimeKey)).toEqual(['Artifact.Process']);
  });
});
