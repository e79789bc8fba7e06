import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ArtifactEntrypoint, ArtifactManifest, ExternalExecutionSettings } from '@tempo/contracts';
import { runChildProcess } from '../process-host/child-process-run.ts';
import { safePathSegment } from '../process-host/scratch-folder.ts';
import { insidePackage } from './artifact-launch-paths.ts';

const READY_MARKER = '.tempo-venv-ready';
const VENV_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 600_000;
const OUTPUT_LIMIT_BYTES = 1024 * 1024;

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The requirements file a Python entrypoint names (entrypoint settings first), default `requirements.txt`. */
const requirementsFileOf = (manifest: ArtifactManifest, entrypoint: ArtifactEntrypoint): string => {
  const named = entrypoint.runtimeSettings.requirementsFile ?? manifest.runtimeSettings.requirementsFile;
  return typeof named === 'string' && named.trim() !== '' ? named : 'requirements.txt';
};

/** The interpreter to run, or why the package cannot run here. */
export type PythonInterpreter =
  | { readonly ok: true; readonly python: string }
  | { readonly ok: false; readonly message: string };

/**
 * The interpreter of a Python package: the configured one when the package has no requirements
 * file, else a virtual environment of the cache built once per package and interpreter with
 * `pip install -r` (only when the operator allows dependency installation).
 */
export const pythonInterpreterFor = async (
  settings: ExternalExecutionSettings,
  python: string,
  pkg: { readonly root: string; readonly sha256: string; readonly manifest: ArtifactManifest },
  entrypoint: ArtifactEntrypoint,
): Promise<PythonInterpreter> => {
  const requirementsName = requirementsFileOf(pkg.manifest, entrypoint);
  if (!(await exists(resolve(pkg.root, requirementsName)))) return { ok: true, python };
  const requirements = await insidePackage(pkg.root, requirementsName);
  if (!requirements) return { ok: false, message: 'requirementsFile escaped artifact root.' };
  if (!settings.allowPythonDependencyInstall) {
    return { ok: false, message: 'Artifact.Python dependency installation is disabled by settings.' };
  }
  const venv = join(
    resolve(settings.cacheRoot),
    'python',
    safePathSegment(pkg.sha256),
    safePathSegment(python),
  );
  const interpreter = join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  if ((await exists(join(venv, READY_MARKER))) && (await exists(interpreter)))
    return { ok: true, python: interpreter };

  await rm(venv, { recursive: true, force: true });
  await mkdir(venv, { recursive: true, mode: 0o700 });
  const run = async (command: string, args: string[], timeoutMs: number) =>
    runChildProcess({
      command,
      args,
      cwd: pkg.root,
      env: { PATH: process.env.PATH ?? '', HOME: venv },
      stdin: Buffer.alloc(0),
      timeoutMs,
      maxStdoutBytes: OUTPUT_LIMIT_BYTES,
      maxStderrBytes: OUTPUT_LIMIT_BYTES,
      killTree: true,
    });
  const created = await run(python, ['-m', 'venv', venv], VENV_TIMEOUT_MS);
  if (created.kind !== 'exited' || created.exitCode !== 0) {
    return {
      ok: false,
      message: `Could not create the Python environment of the artifact (${created.kind}).`,
    };
  }
  const installed = await run(
    interpreter,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', requirements],
    INSTALL_TIMEOUT_MS,
  );
  if (installed.kind !== 'exited' || installed.exitCode !== 0) {
    const detail =
      'stderr' in installed ? installed.stderr.toString('utf8').trim().slice(-2000) : installed.kind;
    return { ok: false, message: `pip install of the artifact's requirements failed: ${detail}` };
  }
  await writeFile(join(venv, READY_MARKER), new Date().toISOString(), { mode: 0o600 });
  return { ok: true, python: interpreter };
};
