import type { TenantClient } from '@tempo/client';
import yazl from 'yazl';

/** A file of a package built by a test. */
export interface TestPackageFile {
  readonly path: string;
  readonly content: string;
  readonly executable?: boolean;
}

/** Zips files the way a user's packaging tool would (modes kept, directories implied). */
export const zipOf = (files: readonly TestPackageFile[]): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const file of files) {
      zip.addBuffer(Buffer.from(file.content), file.path, { mode: file.executable ? 0o100755 : 0o100644 });
    }
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });

/** A `tempo.step.json` for an `Artifact.Process` package whose entrypoint runs `command`. */
export const processManifest = (command: string) =>
  JSON.stringify({
    manifestVersion: '1',
    runtimeKey: 'Artifact.Process',
    supportedProtocolVersions: ['1.0'],
    defaultEntrypoint: 'main',
    entrypoints: { main: { command } },
  });

/** Uploads a shell-script `Artifact.Process` package and creates a step running it. */
export const createShellStep = async (
  tenant: TenantClient,
  executionKey: string,
  script: string,
  extra: { maxRuntimeMs?: number } = {},
) => {
  const artifact = await tenant.artifacts.create({ name: `${executionKey} package` });
  await tenant.artifacts.uploadVersion(
    artifact.id,
    await zipOf([
      { path: 'tempo.step.json', content: processManifest('handler.sh') },
      { path: 'handler.sh', content: script, executable: true },
    ]),
    { version: '1.0.0' },
  );
  return tenant.steps.create({
    executionKey,
    name: executionKey,
    runtimeKey: 'Artifact.Process',
    runtimeConfig: { runtimeKey: 'Artifact.Process', artifactId: artifact.id, artifactVersion: '1.0.0' },
    ...extra,
  });
};

/** A one-step flow with a POST trigger; resolves to the trigger id. */
export const triggerFor = async (tenant: TenantClient, executionKey: string, extra: object = {}) => {
  const flow = await tenant.flows.create({
    name: `Flow of ${executionKey}`,
    startStepId: executionKey,
    transitions: { [executionKey]: {} },
    ...extra,
  });
  const trigger = await tenant.triggers.create({ name: `Trigger of ${executionKey}`, dataFlowId: flow.id });
  return trigger.id;
};
