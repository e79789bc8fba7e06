import type { RuntimeDescriptor, TempoSettings } from '@tempo/contracts';
import type { BuiltinStepRegistry } from '@tempo/core/runtimes';
import type { SampleStep } from '@tempo/core/seeding';

/** Registers the server's sample built-in steps (`tempo.sample.builtin.*`). */
export const registerSampleBuiltins = (registry: BuiltinStepRegistry): void => {
  registry.register({
    identifier: 'tempo.builtin.echo',
    runtimeKey: 'Builtin.Method',
    name: 'Echo',
    description: 'Answers with its input, unchanged.',
    typeName: 'BuiltinSteps',
    methodName: 'echo',
    run: async (request) => ({ result: 'Success', data: request.data, metadata: request.metadata }),
  });
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

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '*', '+', '']);

/**
 * The sample steps seeded into every tenant for the runtimes available here (spec: data model
 * §11): the built-in class and method, and the External.Rest call of this server's sample
 * route. Artifact-backed samples join when their runtimes are installed.
 */
export const sampleSteps = (settings: TempoSettings, catalog: readonly RuntimeDescriptor[]): SampleStep[] => {
  const available = (key: string) =>
    catalog.some((runtime) => runtime.runtimeKey === key && runtime.availability === 'Available');
  const samples: SampleStep[] = [];
  const common = { isProtected: true, active: true, runtimeBindingState: 'Resolved' } as const;
  if (available('Builtin.Class')) {
    samples.push({
      ...common,
      executionKey: 'tempo.sample.builtin.class',
      name: 'Sample built-in class',
      runtimeKey: 'Builtin.Class',
      runtimeConfig: {
        runtimeKey: 'Builtin.Class',
        identifier: 'tempo.sample.builtin.class',
        typeName: 'SampleBuiltinClassStep',
        assemblyName: null,
        assemblyVersion: null,
        signatureHash: null,
      },
    });
  }
  if (available('Builtin.Method')) {
    samples.push({
      ...common,
      executionKey: 'tempo.sample.builtin.method',
      name: 'Sample built-in method',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: {
        runtimeKey: 'Builtin.Method',
        identifier: 'tempo.sample.builtin.method',
        declaringType: 'SampleBuiltinSteps',
        methodName: 'sampleMethod',
        assemblyName: null,
        assemblyVersion: null,
        signatureHash: null,
      },
    });
  }
  if (available('External.Rest')) {
    const { hostname, port, ssl } = settings.rest;
    const host = WILDCARD_HOSTS.has(hostname)
      ? '127.0.0.1'
      : hostname.includes(':')
        ? `[${hostname}]`
        : hostname;
    samples.push({
      ...common,
      executionKey: 'tempo.sample.external.rest',
      name: 'Sample external REST',
      runtimeKey: 'External.Rest',
      stepType: 'Rest',
      runtimeConfig: {
        runtimeKey: 'External.Rest',
        method: 'GET',
        url: `http${ssl ? 's' : ''}://${host}:${port}/v1.0/samples/external-rest`,
        headers: {},
        timeoutMs: 5000,
      },
    });
  }
  return samples;
};
