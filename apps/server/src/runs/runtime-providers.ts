import type { RuntimeKey, TempoSettings } from '@tempo/contracts';
import {
  builtinProvider,
  type RuntimeProvider,
  type RuntimeProviders,
  restProvider,
} from '@tempo/core/engine';
import type { HandlerHost } from '@tempo/core/process-host';
import {
  ARTIFACT_RUNTIME_KEYS,
  type ArtifactPackageSource,
  artifactProvider,
  hostExecutableProvider,
} from '@tempo/core/process-runtimes';
import type { BuiltinStepRegistry } from '@tempo/core/runtimes';

/** What the providers of this process run on. */
export interface RuntimeProviderOptions {
  readonly settings: TempoSettings;
  readonly builtins: BuiltinStepRegistry;
  readonly host: HandlerHost;
  readonly packages: ArtifactPackageSource;
}

/** The providers of the runtimes this process can execute. */
export const createRuntimeProviders = (options: RuntimeProviderOptions): RuntimeProviders => {
  const { settings, builtins, host, packages } = options;
  const processDeps = { settings: settings.runtimes.externalExecution, host, packages };
  const providers: RuntimeProvider[] = [
    builtinProvider('Builtin.Class', builtins),
    builtinProvider('Builtin.Method', builtins),
    restProvider('External.Rest', { settings: settings.runtimes.outboundRest }),
    restProvider('Legacy.InlineRest', { settings: settings.runtimes.outboundRest }),
    ...ARTIFACT_RUNTIME_KEYS.map((key) => artifactProvider(key, processDeps)),
    hostExecutableProvider(processDeps, settings.runtimes.hostExecutables),
  ];
  return new Map<RuntimeKey, RuntimeProvider>(providers.map((provider) => [provider.runtimeKey, provider]));
};
