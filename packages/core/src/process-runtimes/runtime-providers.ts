import type { RuntimeKey, TempoSettings } from '@tempo/contracts';
import { builtinProvider } from '../engine/builtin-provider.ts';
import { restProvider } from '../engine/rest-provider.ts';
import type { RuntimeProvider, RuntimeProviders } from '../engine/runtime-provider.ts';
import type { HandlerHost } from '../process-host/index.ts';
import type { BuiltinStepRegistry } from '../runtimes/builtin-registry.ts';
import { ARTIFACT_RUNTIME_KEYS, type ArtifactPackageSource, artifactProvider } from './artifact-providers.ts';
import { hostExecutableProvider } from './host-executable-provider.ts';

/** What the providers of this process run on. */
export interface RuntimeProviderOptions {
  /** The `runtimes` section: the server's, or a worker's of the same shape. */
  readonly settings: Pick<TempoSettings, 'runtimes'>;
  /**
   * The built-in steps of this process; absent on a remote worker, which runs no built-ins (it
   * does not advertise them, so placement never sends it one).
   */
  readonly builtins?: BuiltinStepRegistry;
  readonly host: HandlerHost;
  readonly packages: ArtifactPackageSource;
}

/** The providers of the runtimes this process can execute: the server's pseudo-worker and a remote worker alike. */
export const createRuntimeProviders = (options: RuntimeProviderOptions): RuntimeProviders => {
  const { settings, builtins, host, packages } = options;
  const { runtimes } = settings;
  const processDeps = { settings: runtimes.externalExecution, host, packages };
  const providers: RuntimeProvider[] = [
    ...(builtins
      ? [builtinProvider('Builtin.Class', builtins), builtinProvider('Builtin.Method', builtins)]
      : []),
    restProvider('External.Rest', { settings: runtimes.outboundRest }),
    restProvider('Legacy.InlineRest', { settings: runtimes.outboundRest }),
    ...ARTIFACT_RUNTIME_KEYS.map((key) => artifactProvider(key, processDeps)),
    hostExecutableProvider(processDeps, runtimes.hostExecutables),
  ];
  return new Map<RuntimeKey, RuntimeProvider>(providers.map((provider) => [provider.runtimeKey, provider]));
};
