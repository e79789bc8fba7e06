import type { BuiltinStepRegistry } from '../runtimes/builtin-registry.ts';
import type { ProviderOutcome, RuntimeProvider, StepInvocation } from './runtime-provider.ts';

/** Runs `Builtin.Class` or `Builtin.Method` steps from the process's registry. */
export const builtinProvider = (
  runtimeKey: 'Builtin.Class' | 'Builtin.Method',
  registry: BuiltinStepRegistry,
): RuntimeProvider => ({
  runtimeKey,
  execute: async ({ step, request }: StepInvocation): Promise<ProviderOutcome> => {
    const config = step.runtimeConfig;
    const identifier = config && 'identifier' in config ? config.identifier : step.executionKey;
    const registration = registry.resolve(step.tenantId, identifier);
    if (!registration || registration.runtimeKey !== runtimeKey) {
      return {
        result: {
          result: 'Exception',
          errorMessage: `No ${runtimeKey} step "${identifier}" is registered in this process.`,
        },
      };
    }
    try {
      return { result: await registration.run(request) };
    } catch (error) {
      return {
        result: { result: 'Exception', errorMessage: error instanceof Error ? error.message : String(error) },
      };
    }
  },
});
