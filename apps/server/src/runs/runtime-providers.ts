import type { RuntimeKey } from '@tempo/contracts';
import {
  builtinProvider,
  type RuntimeProvider,
  type RuntimeProviders,
  restProvider,
} from '@tempo/core/engine';
import type { BuiltinStepRegistry } from '@tempo/core/runtimes';

/** The providers of the runtimes this process can execute. */
export const createRuntimeProviders = (builtins: BuiltinStepRegistry): RuntimeProviders => {
  const providers: RuntimeProvider[] = [
    builtinProvider('Builtin.Class', builtins),
    builtinProvider('Builtin.Method', builtins),
    restProvider('External.Rest'),
    restProvider('Legacy.InlineRest'),
  ];
  return new Map<RuntimeKey, RuntimeProvider>(providers.map((provider) => [provider.runtimeKey, provider]));
};
