import type { BuiltinStepRegistry } from '@tempo/core/runtimes';

/** The server's sample built-in steps, as the spec seeds them (`tempo.sample.builtin.*`). */
export const registerSampleBuiltins = (registry: BuiltinStepRegistry): void => {
  registry.register({
    identifier: 'tempo.sample.builtin.class',
    runtimeKey: 'Builtin.Class',
    name: 'Sample built-in class',
    description: 'Answers {"sample":"builtin-class"}.',
    typeName: 'SampleBuiltinClassStep',
    run: async () => ({ result: 'Success', data: { sample: 'builtin-class' } }),
  });
  registry.register({
    identifier: 'tempo.sample.builtin.method',
    runtimeKey: 'Builtin.Method',
    name: 'Sample built-in method',
    description: 'Answers {"sample":"builtin-method"}.',
    typeName: 'SampleBuiltinSteps',
    methodName: 'sampleMethod',
    run: async () => ({ result: 'Success', data: { sample: 'builtin-method' } }),
  });
};
