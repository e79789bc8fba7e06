import type { RuntimeDescriptor, RuntimeKey, WorkerCapability } from '@tempo/contracts';

/** The capability `sourceKind` of each runtime a worker can advertise (spec §4.4). */
export const CAPABILITY_SOURCE_KINDS: Readonly<
  Partial<Record<RuntimeKey, 'Artifact' | 'Registry' | 'Inline'>>
> = {
  'Artifact.Process': 'Artifact',
  'Artifact.Python': 'Artifact',
  'Artifact.JavaScript': 'Artifact',
  'Artifact.DotnetProcess': 'Artifact',
  'External.Rest': 'Registry',
  'Host.Executable': 'Registry',
  'Legacy.InlineRest': 'Inline',
};

const ADVERTISED = new Set<RuntimeDescriptor['availability']>(['Available', 'Preview']);

/**
 * The capabilities a worker advertises in `hello`: one per runtime of its catalog that is
 * `Available` or `Preview` and has a source kind, every other field `*`. Built-in runtimes have
 * none: their code lives in the server process, so a remote worker never claims them.
 */
export const advertisedCapabilities = (
  catalog: readonly Pick<RuntimeDescriptor, 'runtimeKey' | 'availability'>[],
): WorkerCapability[] =>
  catalog.flatMap((runtime) => {
    const sourceKind = CAPABILITY_SOURCE_KINDS[runtime.runtimeKey];
    if (!sourceKind || !ADVERTISED.has(runtime.availability)) return [];
    return [
      { executionKey: '*', tenantScope: '*', sourceKind, runtimeKey: runtime.runtimeKey, signatureHash: '*' },
    ];
  });
