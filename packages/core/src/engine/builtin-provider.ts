import { StepResultType } from '@tempo/contracts';
import type { BuiltinStepRegistry } from '../runtimes/builtin-registry.ts';
import type { StepResult } from '../runtimes/step-protocol.ts';
import type { ProviderOutcome, RuntimeProvider, StepInvocation } from './runtime-provider.ts';

/** In-process code is typed but not checked at run time: its answer is checked before the engine reads it. */
const isStepResult = (value: unknown): value is StepResult => {
  if (typeof value !== 'object' || value === null) return false;
  const { result, errorMessage } = value as { result?: unknown; errorMessage?: unknown };
  return (
    StepResultType.safeParse(result).success &&
    (errorMessage === undefined || errorMessage === null || typeof errorMessage === 'string')
  );
};

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
      const answer: unknown = await registration.run(request);
      if (!isStepResult(answer)) {
        return {
          result: {
            result: 'Exception',
            errorMessage: `${runtimeKey} step "${identifier}" answered something that is not a step result (an object with a result of ${StepResultType.options.join(', ')} and a text errorMessage).`,
          },
        };
      }
      return { result: answer };
    } catch (error) {
      return {
        result: { result: 'Exception', errorMessage: error instanceof Error ? error.message : String(error) },
      };
    }
  },
});
