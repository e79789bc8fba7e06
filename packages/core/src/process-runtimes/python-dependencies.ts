import { access, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ArtifactEntrypoint, ArtifactManifest, ExternalExecutionSettings } from '@tempo/contracts';
import { runChildProcess } from '../process-host/child-process-run.ts';
import { ensureTreeOpenToHandlers, openTreeToHandlers } from '../process-host/handler-user.ts';
import { readProcessStatSync } from '../process-host/process-tree.ts';
import { safePathSegment } from '../process-host/scratch-folder.ts';
import { insidePackage } from './artifact-launch-paths.ts';

const READY_MARKER = '.tempo-venv-ready';
const VENV_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 600_000;
const OUTPUT_LIMIT_BYTES = 1024 * 1024;
/** How often a run waiting for another's build looks again. */
const LOCK_POLL_MS = 100;
/** A lock older than the longest build outlived its builder, whatever its owner file says. */
const STALE_LOCK_MS = VENV_TIMEOUT_MS + INSTALL_TIMEOUT_MS + 60_000;

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

/** What bounds the build of an environment: the step's own time and its run's cancellation. */
export interface PythonBuildBounds {
  /** Epoch milliseconds by which the environment must be ready (the step's time limit). */
  readonly deadline: number;
  /** Aborted when the run is cancelled. */
  readonly signal?: AbortSignal;
}

const refuse = (message: string): PythonInterpreter => ({ ok: false, message });

/** Why waiting or building stopped early, or null while there is time left. */
const outOfTime = (bounds: PythonBuildBounds): PythonInterpreter | null => {
  if (bounds.signal?.aborted) return refuse('The run was cancelled while its Python environment was built.');
  if (Date.now() >= bounds.deadline) {
    return refuse("The artifact's Python environment was not ready within the step's time limit.");
  }
  return null;
};

/**
 * This process as a lock owner: its pid and start time, so a pid reused by another process after
 * the owner died does not keep the lock (on systems without `/proc`, the pid alone).
 */
const ownerMark = (): string => `${process.pid}.${readProcessStatSync(process.pid)?.startTicks ?? 0}`;

/** Whether the owner a lock names still runs: the same pid, started at the same time. */
const ownerIsAlive = (mark: string): boolean => {
  const [pid = 0, startTicks = 0] = mark.split('.').map(Number);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  const now = readProcessStatSync(pid);
  if (now) return !now.zombie && (startTicks === 0 || now.startTicks === startTicks);
  try {
    // No `/proc`: whether the pid exists at all. EPERM: alive, but another user's.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Whether a build lock was left by a process that is gone, or is older than any build may take. */
const isStale = async (lock: string): Promise<boolean> => {
  try {
    if (Date.now() - (await stat(lock)).mtimeMs > STALE_LOCK_MS) return true;
    return !ownerIsAlive((await readFile(join(lock, 'owner'), 'utf8')).trim());
  } catch {
    // No owner file yet (its builder is just starting), or the lock is already gone.
    return false;
  }
};

/** Builds the environment with `pip install -r`; runs only while holding the build lock. */
const build = async (
  python: string,
  venv: string,
  interpreter: string,
  root: string,
  requirements: string,
  bounds: PythonBuildBounds,
): Promise<PythonInterpreter> => {
  // Only the lock holder gets here, so no other build is using the folder being replaced.
  await rm(venv, { recursive: true, force: true });
  await mkdir(venv, { recursive: true, mode: 0o700 });
  const run = async (command: string, args: string[], limitMs: number) =>
    runChildProcess({
      command,
      args,
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: venv },
      stdin: Buffer.alloc(0),
      // The step's remaining time bounds each phase as much as the phase's own limit.
      timeoutMs: Math.max(1, Math.min(limitMs, bounds.deadline - Date.now())),
      maxStdoutBytes: OUTPUT_LIMIT_BYTES,
      maxStderrBytes: OUTPUT_LIMIT_BYTES,
      killTree: true,
      ...(bounds.signal ? { signal: bounds.signal } : {}),
    });
  const created = await run(python, ['-m', 'venv', venv], VENV_TIMEOUT_MS);
  if (created.kind !== 'exited' || created.exitCode !== 0) {
    return (
      outOfTime(bounds) ??
      refuse(`Could not create the Python environment of the artifact (${created.kind}).`)
    );
  }
  const installed = await run(
    interpreter,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', requirements],
    INSTALL_TIMEOUT_MS,
  );
  if (installed.kind !== 'exited' || installed.exitCode !== 0) {
    const detail =
      'stderr' in installed ? installed.stderr.toString('utf8').trim().slice(-2000) : installed.kind;
    return outOfTime(bounds) ?? refuse(`pip install of the artifact's requirements failed: ${detail}`);
  }
  // Built under the server's umask (077); a hidden call runs its handler as the handler user,
  // which must read and run it. Inside a call only this environment of the cache is in view.
  await openTreeToHandlers(venv);
  await writeFile(join(venv, READY_MARKER), new Date().toISOString(), { mode: 0o600 });
  return { ok: true, python: interpreter };
};

/**
 * The interpreter of a Python package: the configured one when the package has no requirements
 * file, else a virtual environment of the cache built once per package and interpreter with
 * `pip install -r` (only when the operator allows dependency installation). One build per
 * environment at a time, across processes sharing the cache: the builder holds `{venv}.lock`
 * (made with an atomic `mkdir`), and others wait for its ready marker. Building and waiting both
 * end at `bounds.deadline` or when `bounds.signal` aborts.
 */
export const pythonInterpreterFor = async (
  settings: ExternalExecutionSettings,
  python: string,
  pkg: { readonly root: string; readonly sha256: string; readonly manifest: ArtifactManifest },
  entrypoint: ArtifactEntrypoint,
  bounds: PythonBuildBounds,
): Promise<PythonInterpreter> => {
  const requirementsName = requirementsFileOf(pkg.manifest, entrypoint);
  if (!(await exists(resolve(pkg.root, requirementsName)))) return { ok: true, python };
  const requirements = await insidePackage(pkg.root, requirementsName);
  if (!requirements) return refuse('requirementsFile escaped artifact root.');
  if (!settings.allowPythonDependencyInstall) {
    return refuse('Artifact.Python dependency installation is disabled by settings.');
  }
  const venv = join(
    resolve(settings.cacheRoot),
    'python',
    safePathSegment(pkg.sha256),
    safePathSegment(python),
  );
  const interpreter = join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  const ready = async () => {
    if (!(await exists(join(venv, READY_MARKER))) || !(await exists(interpreter))) return false;
    // An environment built before handlers ran as their own user is owner-only.
    await ensureTreeOpenToHandlers(venv);
    return true;
  };
  const lock = `${venv}.lock`;
  await mkdir(resolve(venv, '..'), { recursive: true, mode: 0o700 });
  for (;;) {
    if (await ready()) return { ok: true, python: interpreter };
    const stopped = outOfTime(bounds);
    if (stopped) return stopped;
    let holding = false;
    try {
      await mkdir(lock, { mode: 0o700 });
      holding = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (holding) {
      try {
        await writeFile(join(lock, 'owner'), ownerMark(), { mode: 0o600 });
        // The previous holder may have finished between the check above and taking the lock.
        if (await ready()) return { ok: true, python: interpreter };
        return await build(python, venv, interpreter, pkg.root, requirements, bounds);
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    }
    if (await isStale(lock)) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    await sleep(LOCK_POLL_MS, undefined, bounds.signal ? { signal: bounds.signal } : {}).catch(
      () => undefined,
    );
  }
};
