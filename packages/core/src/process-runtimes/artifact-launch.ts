import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ArtifactEntrypoint,
  ArtifactManifest,
  ExternalExecutionSettings,
  RuntimeConfig,
} from '@tempo/contracts';
import { assertNever } from '@tempo/contracts';
import type { HandlerLaunch } from '../process-host/index.ts';
import { insidePackage } from './artifact-launch-paths.ts';
import { type PythonBuildBounds, pythonInterpreterFor } from './python-dependencies.ts';

/** An artifact package ready to run: its unpacked folder and its manifest. */
export interface OpenedArtifactPackage {
  /** Absolute folder holding the package's files. */
  readonly root: string;
  /** The package's SHA-256, which keys caches built from it. */
  readonly sha256: string;
  readonly manifest: ArtifactManifest;
}

/** The runtime configs of artifact-backed steps. */
export type ArtifactRuntimeConfig = Extract<
  RuntimeConfig,
  { runtimeKey: 'Artifact.Process' | 'Artifact.Python' | 'Artifact.JavaScript' | 'Artifact.DotnetProcess' }
>;

/** A launch, or the message of why there is none (which fails the step). */
export type LaunchPlan =
  | { readonly ok: true; readonly launch: HandlerLaunch; readonly entrypointName: string }
  | { readonly ok: false; readonly message: string };

const refuse = (message: string): LaunchPlan => ({ ok: false, message });

/** The manifest `metadata.generatedBy` of a source step's package (spec §8). */
export const SOURCE_STEP_GENERATOR = 'Tempo.SourceStepPackageService';

/** The spec's `pythonVersion` rule: `python…` is a command, anything else is appended to `python`. */
const pythonCommand = (
  settings: ExternalExecutionSettings,
  pythonVersion: string | null,
): string | LaunchPlan => {
  if (!pythonVersion) return settings.pythonExecutable;
  if (/[\\/:]/.test(pythonVersion)) return refuse('pythonVersion must not contain path separators or ":".');
  return pythonVersion.startsWith('python') ? pythonVersion : `python${pythonVersion}`;
};

/** How an `Artifact.Process` command is started: `.dll` through dotnet, `.sh` through `/bin/sh`. */
const processCommand = async (
  settings: ExternalExecutionSettings,
  commandPath: string,
): Promise<{ command: string; args: string[] } | LaunchPlan> => {
  if (commandPath.endsWith('.dll')) return { command: settings.dotnetExecutable, args: [commandPath] };
  if (commandPath.endsWith('.sh')) return { command: '/bin/sh', args: [commandPath] };
  try {
    await access(commandPath, constants.X_OK);
  } catch {
    return refuse('Artifact command is not executable.');
  }
  return { command: commandPath, args: [] };
};

/** What every artifact launch shares: the variables a handler is asked for and the fixed ones. */
const environmentOf = (
  manifest: ArtifactManifest,
  entrypoint: ArtifactEntrypoint,
  config: ArtifactRuntimeConfig,
) => [...manifest.environmentAllowList, ...entrypoint.environmentAllowList, ...config.environmentReferences];

/**
 * Builds the command line of an artifact step from its manifest entrypoint and the step's
 * configuration: the spec's launch rules per runtime, with every package path proven to stay
 * inside the package. A Python environment built on the way ends by `bounds` (default: the
 * default handler time limit from now).
 */
export const planArtifactLaunch = async (
  settings: ExternalExecutionSettings,
  opened: OpenedArtifactPackage,
  config: ArtifactRuntimeConfig,
  bounds: PythonBuildBounds = { deadline: Date.now() + settings.defaultMaxRuntimeMs },
): Promise<LaunchPlan> => {
  const { manifest, root } = opened;
  if (manifest.runtimeKey !== config.runtimeKey) {
    return refuse(`The artifact's manifest is for ${manifest.runtimeKey}, not ${config.runtimeKey}.`);
  }
  const entrypointName = config.entrypoint ?? manifest.defaultEntrypoint;
  const entrypoint = manifest.entrypoints[entrypointName];
  if (!entrypoint) return refuse(`The artifact's manifest has no entrypoint '${entrypointName}'.`);
  const requestedEnvironment = environmentOf(manifest, entrypoint, config);
  const tail = [...entrypoint.args, ...config.arguments];
  const base = { cwd: root, requestedEnvironment, env: { TEMPO_ARTIFACT_ROOT: root } };
  const identity = `${config.runtimeKey}:${opened.sha256}:${entrypointName}`;
  // Our shims speak persistent mode, but a handler written for one process per call may count
  // on a fresh process: only a source step's generated package, or a manifest that says so, runs warm.
  const shimWarm = manifest.persistent || manifest.metadata.generatedBy === SOURCE_STEP_GENERATOR;
  const persistent = (warm: boolean) => (warm ? { persistentIdentity: identity } : {});

  switch (config.runtimeKey) {
    case 'Artifact.Process':
    case 'Artifact.DotnetProcess': {
      const commandPath = entrypoint.command ? await insidePackage(root, entrypoint.command) : null;
      if (!commandPath) return refuse('Artifact command escaped artifact root.');
      if (config.runtimeKey === 'Artifact.DotnetProcess') {
        if (!commandPath.endsWith('.dll'))
          return refuse(`entrypoint '${entrypointName}' command must reference a .NET assembly dll.`);
        return {
          ok: true,
          entrypointName,
          launch: {
            ...base,
            ...persistent(manifest.persistent),
            command: settings.dotnetExecutable,
            args: [commandPath, ...tail],
          },
        };
      }
      const started = await processCommand(settings, commandPath);
      if ('ok' in started) return started;
      return {
        ok: true,
        entrypointName,
        launch: {
          ...base,
          ...persistent(manifest.persistent),
          command: started.command,
          args: [...started.args, ...tail],
        },
      };
    }
    case 'Artifact.Python': {
      const python = pythonCommand(settings, config.pythonVersion);
      if (typeof python !== 'string') return python;
      const module = config.module ?? entrypoint.module;
      const fn = config.function ?? entrypoint.function;
      if (!module) return refuse(`entrypoint '${entrypointName}' requires module.`);
      const interpreter = await pythonInterpreterFor(settings, python, opened, entrypoint, bounds);
      if (!interpreter.ok) return refuse(interpreter.message);
      return {
        ok: true,
        entrypointName,
        launch: {
          ...base,
          ...persistent(shimWarm),
          env: { ...base.env, PYTHONPATH: root },
          command: interpreter.python,
          shim: 'python',
          args: [module, fn, ...tail],
        },
      };
    }
    case 'Artifact.JavaScript': {
      const module = config.module ?? entrypoint.module;
      const fn = config.function ?? entrypoint.function;
      if (!module || !(await insidePackage(root, module))) return refuse('module escaped artifact root.');
      return {
        ok: true,
        entrypointName,
        launch: {
          ...base,
          ...persistent(shimWarm),
          command: settings.nodeExecutable,
          shim: 'javascript',
          args: [join('.', module), fn, ...tail],
        },
      };
    }
    default:
      return assertNever(config, 'artifact runtime');
  }
};
