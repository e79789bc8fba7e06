import {
  CommonErrors,
  CURRENT_ARTIFACT_VERSION,
  type RuntimeConfig,
  type SourceStepCreateRequest,
  type SourceStepCreateResponse,
  TempoError,
} from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { ServerContext } from '../server-context.ts';
import { buildCsharpSource } from './csharp-source-build.ts';
import {
  csharpSourcePackage,
  type SourcePackage,
  scriptSourcePackage,
  sourceFileName,
} from './source-packages.ts';
import type { SourceSyntaxChecker } from './source-syntax-check.ts';

const runtimeConfigOf = (
  pkg: SourcePackage,
  request: SourceStepCreateRequest,
  artifactId: string,
): RuntimeConfig => {
  const common = {
    artifactId,
    artifactVersion: CURRENT_ARTIFACT_VERSION,
    entrypoint: request.entrypoint,
    arguments: [],
    environmentReferences: [],
  };
  switch (pkg.runtimeKey) {
    case 'Artifact.Python':
      return {
        runtimeKey: 'Artifact.Python',
        ...common,
        module: pkg.module,
        function: request.function,
        pythonVersion: null,
      };
    case 'Artifact.JavaScript':
      return { runtimeKey: 'Artifact.JavaScript', ...common, module: pkg.module, function: request.function };
    case 'Artifact.DotnetProcess':
      return { runtimeKey: 'Artifact.DotnetProcess', ...common };
  }
};

/** Builds C# source in one of the server's build slots; `429` when they are all taken. */
const buildInSlot = async (context: ServerContext, request: SourceStepCreateRequest) => {
  const release = context.sourceBuilds.enter();
  try {
    return await buildCsharpSource(context.settings.runtimes.externalExecution, request);
  } finally {
    release();
  }
};

/**
 * A step from pasted source: packages the code (C# is published with `dotnet publish` first,
 * Python and JavaScript are parsed by their interpreters) into a new artifact whose `current`
 * snapshot the step runs. Nothing is left behind when a part fails.
 */
export const createSourceStep = async (
  context: ServerContext,
  tenantId: string,
  request: SourceStepCreateRequest,
  syntax: SourceSyntaxChecker,
): Promise<SourceStepCreateResponse> => {
  const { repositories, artifacts } = context;
  const executionKey = request.executionKey ?? request.name.trim();
  const steps = repositories.steps.inTenant(tenantId);
  if (await steps.findOne({ executionKey })) {
    throw CommonErrors.conflict(
      `A step with execution key "${executionKey}" already exists in this tenant.`,
      { executionKey },
    );
  }
  if (request.language !== 'CSharp')
    await syntax.check(request.language, sourceFileName(request.language, request.fileName), request.code);
  const pkg =
    request.language === 'CSharp'
      ? csharpSourcePackage(request, await buildInSlot(context, request))
      : scriptSourcePackage(request);

  const artifact = await repositories.artifacts.inTenant(tenantId).create({
    id: newId('artifact'),
    name: request.artifactName ?? `${request.name} source package`,
    description: `Generated from pasted ${request.language} source for step '${request.name}'.`,
  });
  try {
    const snapshot = await artifacts.replaceFiles(tenantId, artifact.id, pkg.files);
    if (!snapshot.artifactVersion) {
      throw new TempoError(
        'BadRequest',
        400,
        snapshot.snapshotError ?? 'The generated package is not valid.',
      );
    }
    const runtimeConfig = runtimeConfigOf(pkg, request, artifact.id);
    const step = await steps.create({
      id: newId('step'),
      executionKey,
      name: request.name,
      description: request.description ?? null,
      runtimeKey: pkg.runtimeKey,
      runtimeConfig,
      stepType: 'Code',
      contractType: request.contractType,
      inputSchema: request.inputSchema ?? null,
      outputSchema: request.outputSchema ?? null,
      validateInput: request.validateInput,
      validateOutput: request.validateOutput,
      maxRuntimeMs: request.maxRuntimeMs,
      active: request.active,
      artifactId: artifact.id,
      artifactVersion: CURRENT_ARTIFACT_VERSION,
      runtimeBindingState: 'Resolved',
      runtimeBindingMessage: null,
    });
    const artifactVersion = await artifacts.getVersion(tenantId, artifact.id, CURRENT_ARTIFACT_VERSION);
    return { step, artifact, artifactVersion };
  } catch (error) {
    await artifacts.purge(tenantId, artifact.id);
    await repositories.artifacts.inTenant(tenantId).delete(artifact.id);
    throw error;
  }
};
