/** The process-backed runtimes: the four artifact runtimes and `Host.Executable`, over the protocol v1 host. */
export {
  type ArtifactRuntimeConfig,
  type LaunchPlan,
  type OpenedArtifactPackage,
  planArtifactLaunch,
} from './artifact-launch.ts';
export { insidePackage } from './artifact-launch-paths.ts';
export {
  ARTIFACT_RUNTIME_KEYS,
  type ArtifactPackageSource,
  artifactProvider,
  isArtifactRuntime,
  type ProcessRuntimeDependencies,
  processTimeoutMs,
  protocolRequestOf,
} from './artifact-providers.ts';
export {
  findHostExecutable,
  type HostExecutableSettings,
  hostArgumentProblem,
  hostExecutableProblem,
  hostExecutableProvider,
} from './host-executable-provider.ts';
export { type PythonInterpreter, pythonInterpreterFor } from './python-dependencies.ts';
