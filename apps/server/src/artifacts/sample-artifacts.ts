import { CURRENT_ARTIFACT_VERSION, type RuntimeConfig, type RuntimeDescriptor } from '@tempo/contracts';
import type { PackageFile } from '@tempo/core/artifacts';
import { newId } from '@tempo/core/ids';
import { type SeedLogger, stableSeedId } from '@tempo/core/seeding';
import type { Repositories } from '@tempo/core/store';
import type { ArtifactService } from './artifact-service.ts';
import { manifestFile } from './source-packages.ts';

interface SampleArtifact {
  readonly executionKey: string;
  readonly name: string;
  readonly artifactName: string;
  readonly runtimeKey: 'Artifact.Process' | 'Artifact.Python' | 'Artifact.JavaScript';
  readonly files: readonly PackageFile[];
  readonly runtimeConfig: (artifactId: string) => RuntimeConfig;
}

const file = (path: string, content: string, executable = false): PackageFile => ({
  path,
  bytes: Buffer.from(content),
  executable,
});

const pinned = {
  artifactVersion: CURRENT_ARTIFACT_VERSION,
  entrypoint: 'main',
  arguments: [],
  environmentReferences: [],
};

/** The spec's artifact samples (data model, seeding): one per script runtime. */
const SAMPLES: readonly SampleArtifact[] = [
  {
    executionKey: 'tempo.sample.artifact.process',
    name: 'Sample artifact process',
    artifactName: 'Sample Artifact.Process',
    runtimeKey: 'Artifact.Process',
    files: [
      manifestFile({
        runtimeKey: 'Artifact.Process',
        supportedProtocolVersions: ['1.0'],
        defaultEntrypoint: 'main',
        entrypoints: { main: { command: 'tempo-sample.sh' } },
      }),
      file(
        'tempo-sample.sh',
        '#!/bin/sh\n# Reads the step request and answers a fixed Success result.\ncat > /dev/null\nprintf \'{"result":"Success","data":{"sample":"artifact-process"}}\'\n',
        true,
      ),
    ],
    runtimeConfig: (artifactId) => ({ runtimeKey: 'Artifact.Process', artifactId, ...pinned }),
  },
  {
    executionKey: 'tempo.sample.artifact.python',
    name: 'Sample artifact Python',
    artifactName: 'Sample Artifact.Python',
    runtimeKey: 'Artifact.Python',
    files: [
      manifestFile({
        runtimeKey: 'Artifact.Python',
        supportedProtocolVersions: ['1.0'],
        defaultEntrypoint: 'main',
        entrypoints: { main: { module: 'handler', function: 'run' } },
      }),
      file(
        'handler.py',
        'def run(request):\n    return {"sample": "artifact-python", "input": request.get("data")}\n',
      ),
    ],
    runtimeConfig: (artifactId) => ({
      runtimeKey: 'Artifact.Python',
      artifactId,
      ...pinned,
      module: null,
      function: null,
      pythonVersion: null,
    }),
  },
  {
    executionKey: 'tempo.sample.artifact.javascript',
    name: 'Sample artifact JavaScript',
    artifactName: 'Sample Artifact.JavaScript',
    runtimeKey: 'Artifact.JavaScript',
    files: [
      manifestFile({
        runtimeKey: 'Artifact.JavaScript',
        supportedProtocolVersions: ['1.0'],
        defaultEntrypoint: 'main',
        entrypoints: { main: { module: 'handler.js', function: 'run' } },
      }),
      file(
        'handler.js',
        "exports.run = async (request) => ({ sample: 'artifact-javascript', input: request.data });\n",
      ),
    ],
    runtimeConfig: (artifactId) => ({
      runtimeKey: 'Artifact.JavaScript',
      artifactId,
      ...pinned,
      module: null,
      function: null,
    }),
  },
];

/**
 * Seeds the artifact samples into every tenant for the runtimes available here: a protected
 * artifact with a protected `current` version, and a protected step running it. A tenant that
 * already has the step keeps it. The sample artifact is found by an id of its own, derived from
 * the tenant and the sample, never by its name: an artifact a tenant created under the sample's
 * name is the tenant's and is left as it is (the sample is then not seeded there). (The .NET
 * sample needs a prebuilt assembly, which this server does not ship; C# source steps build their
 * own.)
 */
export const seedSampleArtifacts = async (
  repositories: Repositories,
  artifacts: ArtifactService,
  catalog: readonly RuntimeDescriptor[],
  log: SeedLogger,
): Promise<void> => {
  const available = (key: string) =>
    catalog.some((runtime) => runtime.runtimeKey === key && runtime.availability === 'Available');
  for (const tenant of await repositories.tenants.find()) {
    for (const sample of SAMPLES.filter((candidate) => available(candidate.runtimeKey))) {
      const steps = repositories.steps.inTenant(tenant.id);
      if (await steps.findOne({ executionKey: sample.executionKey })) continue;
      const tenantArtifacts = repositories.artifacts.inTenant(tenant.id);
      const artifactId = stableSeedId('artifact', tenant.id, sample.executionKey);
      let artifact = await tenantArtifacts.get(artifactId);
      if (!artifact) {
        if (await tenantArtifacts.findOne({ name: sample.artifactName })) {
          log.info(
            { tenantId: tenant.id, artifactName: sample.artifactName },
            "sample artifact not seeded: the tenant has an artifact of its own under the sample's name",
          );
          continue;
        }
        artifact = await tenantArtifacts.create({
          id: artifactId,
          name: sample.artifactName,
          description: `Sample package of the ${sample.runtimeKey} runtime.`,
          isProtected: true,
        });
      }
      await artifacts.replaceFiles(tenant.id, artifact.id, sample.files);
      await repositories.artifactVersions
        .inTenant(tenant.id)
        .updateWhere(
          { artifactId: artifact.id, version: CURRENT_ARTIFACT_VERSION, deletedUtc: null },
          { isProtected: true },
        );
      await steps.create({
        id: newId('step'),
        executionKey: sample.executionKey,
        name: sample.name,
        runtimeKey: sample.runtimeKey,
        runtimeConfig: sample.runtimeConfig(artifact.id),
        stepType: 'Code',
        isProtected: true,
        artifactId: artifact.id,
        artifactVersion: CURRENT_ARTIFACT_VERSION,
        runtimeBindingState: 'Resolved',
      });
    }
  }
};
