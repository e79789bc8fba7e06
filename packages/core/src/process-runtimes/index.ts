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
  type ProcessRuntimeDependencies,
} from './artifact-providers.ts';
export {
  type HostExecutableResolution,
  type HostExecutableSettings,
  hostExecutableProvider,
  resolveHostExecutable,
} from './host-executable-provider.ts';
export {
  type PythonInterpreter,
  pythonInterpreterFor,
} from './python-dependencies.ts';
export { createRuntimeProviders, type RuntimeProviderOptions } from './runtime-providers.ts';
