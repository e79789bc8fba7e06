import type { TenantClient } from '@tempo/client';
import { zipOf } from './runtime-fixture.ts';

/**
 * A flow of one JavaScript handler that answers the `TRACEPARENT` and `TRACESTATE` it was started
 * with, behind a trigger; answers the trigger's id.
 */
export const createTraceEchoTrigger = async (tenant: TenantClient, executionKey: string): Promise<string> => {
  const artifact = await tenant.artifacts.create({ name: `${executionKey} package` });
  await tenant.artifacts.uploadVersion(
    artifact.id,
    await zipOf([
      {
        path: 'tempo.step.json',
        content: JSON.stringify({
          manifestVersion: '1',
          runtimeKey: 'Artifact.JavaScript',
          supportedProtocolVersions: ['1.0'],
          defaultEntrypoint: 'main',
          entrypoints: { main: { module: 'handler.js', function: 'run' } },
        }),
      },
      {
        path: 'handler.js',
        content:
          'exports.run = async () => ({ traceparent: process.env.TRACEPARENT ?? null, tracestate: process.env.TRACESTATE ?? null });\n',
      },
    ]),
    { version: '1.0.0' },
  );
  await tenant.steps.create({
    executionKey,
    name: executionKey,
    runtimeKey: 'Artifact.JavaScript',
    runtimeConfig: {
      runtimeKey: 'Artifact.JavaScript',
      artifactId: artifact.id,
      artifactVersion: '1.0.0',
      module: null,
      function: null,
    },
  });
  const flow = await tenant.flows.create({
    name: `Flow of ${executionKey}`,
    startStepId: executionKey,
    transitions: { [executionKey]: {} },
  });
  return (await tenant.triggers.create({ name: `Trigger of ${executionKey}`, dataFlowId: flow.id })).id;
};
