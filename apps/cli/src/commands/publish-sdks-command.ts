import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { REPO_ROOT } from '../repo-paths.ts';
import { installDebianPackages } from '../services/apt-install.ts';
import { stageTypeScriptPackage } from './publish-npm-stage.ts';
import { runTool, toolWorks } from './publish-tools.ts';

/** Options of `./tempo publish-sdks`. */
export interface PublishSdksOptions {
  /** Build and check every package, publish nothing (needs no network). */
  readonly dryRun: boolean;
  /** Where the packages are written; default a new temporary folder. */
  readonly outDir?: string;
  /** NuGet feed URL to push to (or `TEMPO_NUGET_SOURCE`); required unless dry-run. */
  readonly nugetSource?: string;
}

/** One built package. */
export interface BuiltPackage {
  readonly ecosystem: 'npm' | 'PyPI' | 'NuGet';
  readonly name: string;
  readonly version: string;
  readonly file: string;
}

/** The npm packages that are published, in dependency order (contracts is what client and core need). */
const TYPESCRIPT_PACKAGES = ['contracts', 'client', 'core'] as const;

interface NpmPackResult {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
}

const npmPack = async (folder: string, out: string): Promise<BuiltPackage> => {
  const answer = await runTool('npm', [
    'pack',
    folder,
    '--pack-destination',
    out,
    '--json',
    '--ignore-scripts',
  ]);
  const [packed] = JSON.parse(answer) as NpmPackResult[];
  if (!packed) throw new Error(`npm pack ${folder} reported no package.`);
  return { ecosystem: 'npm', name: packed.name, version: packed.version, file: join(out, packed.filename) };
};

/** Debian's interpreter, whose python3-setuptools / python3-wheel / python3-build the build uses. */
const DEBIAN_PYTHON = '/usr/bin/python3';

/** Debian's Python with setuptools and wheel, installed with apt-get when they are missing. */
const debianPython = async (logFolder: string): Promise<string> => {
  if (!(await toolWorks(DEBIAN_PYTHON, ['-c', 'import setuptools, wheel']))) {
    await installDebianPackages({
      packages: ['python3-setuptools', 'python3-wheel', 'python3-build'],
      logFile: join(logFolder, 'apt-python-build.log'),
      log: (line) => process.stdout.write(`tempo publish-sdks: ${line}\n`),
    });
  }
  return DEBIAN_PYTHON;
};

/**
 * The Python wheel and sdist, built from a copy of `sdk/python` so no build folder is left in the
 * tree, without build isolation (PyPI is not needed): `python -m build --no-isolation` when
 * Debian's python3-build is there, else setuptools' build backend called directly, which is what
 * it runs.
 */
const pythonPackages = async (out: string, work: string): Promise<BuiltPackage[]> => {
  const python = await debianPython(out);
  const source = join(work, 'python');
  for (const entry of ['pyproject.toml', 'README.md', 'tempo_sdk']) {
    await cp(join(REPO_ROOT, 'sdk', 'python', entry), join(source, entry), {
      recursive: true,
      filter: (path) => !path.includes('__pycache__'),
    });
  }
  const dist = join(work, 'python-dist');
  await mkdir(dist, { recursive: true });
  if (await toolWorks(python, ['-c', 'import build'])) {
    await runTool(python, ['-m', 'build', '--no-isolation', '--sdist', '--wheel', '--outdir', dist, source]);
  } else {
    // The backend reads and rewrites sys.argv, so the output folder comes through the environment.
    const hooks =
      'import os\nfrom setuptools import build_meta as b\nb.build_sdist(os.environ["DIST"])\nb.build_wheel(os.environ["DIST"])';
    await runTool(python, ['-c', hooks], { cwd: source, env: { ...process.env, DIST: dist } });
  }
  const version = /^version = "([^"]+)"/m.exec(await readFile(join(source, 'pyproject.toml'), 'utf8'))?.[1];
  const made = (await readdir(dist)).filter((file) => /\.(whl|tar\.gz)$/.test(file)).sort();
  if (!version || made.length !== 2)
    throw new Error(`The Python build made ${made.join(', ') || 'nothing'}, not one wheel and one sdist.`);
  for (const file of made) await cp(join(dist, file), join(out, file));
  return made.map((file) => ({
    ecosystem: 'PyPI' as const,
    name: 'tempo-sdk',
    version,
    file: join(out, file),
  }));
};

const nugetPackage = async (out: string): Promise<BuiltPackage> => {
  const project = join(REPO_ROOT, 'sdk', 'csharp', 'Tempo.Sdk', 'Tempo.Sdk.csproj');
  // Deterministic paths: the DLLs would otherwise carry this machine's checkout path (in the PDB path).
  await runTool('dotnet', [
    'pack',
    project,
    '--configuration',
    'Release',
    '--output',
    out,
    '--nologo',
    '-p:ContinuousIntegrationBuild=true',
    `-p:PathMap=${REPO_ROOT}=/_/`,
  ]);
  const version = /<Version>([^<]+)<\/Version>/.exec(await readFile(project, 'utf8'))?.[1];
  if (!version) throw new Error('Tempo.Sdk.csproj names no <Version>.');
  return { ecosystem: 'NuGet', name: 'Tempo.Sdk', version, file: join(out, `Tempo.Sdk.${version}.nupkg`) };
};

/** Builds every SDK package into `out` and proves each file is there. */
export const buildSdkPackages = async (out: string): Promise<BuiltPackage[]> => {
  const work = await mkdtemp(join(tmpdir(), 'tempo-publish-work-'));
  try {
    const built: BuiltPackage[] = [];
    for (const name of TYPESCRIPT_PACKAGES) {
      const stage = join(work, 'npm', name);
      await stageTypeScriptPackage(join(REPO_ROOT, 'packages', name), stage);
      built.push(await npmPack(stage, out));
    }
    built.push(await npmPack(join(REPO_ROOT, 'sdk', 'js'), out));
    built.push(...(await pythonPackages(out, work)));
    built.push(await nugetPackage(out));
    for (const item of built) await stat(item.file);
    return built;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

/** Pushes the built npm and NuGet packages (the Python files are left for the operator's uploader). */
const publish = async (built: readonly BuiltPackage[], nugetSource: string): Promise<void> => {
  for (const item of built) {
    if (item.ecosystem === 'npm') await runTool('npm', ['publish', item.file, '--access', 'public']);
    if (item.ecosystem === 'NuGet') {
      const apiKey = process.env.TEMPO_NUGET_API_KEY;
      if (!apiKey) throw new Error('Set TEMPO_NUGET_API_KEY to push the NuGet package.');
      await runTool('dotnet', ['nuget', 'push', item.file, '--source', nugetSource, '--api-key', apiKey]);
    }
  }
};

/**
 * `./tempo publish-sdks`: builds the npm packages `@tempo/contracts`, `@tempo/client`,
 * `@tempo/core` and `@tempo/sdk`, the Python wheel and sdist and the `Tempo.Sdk` NuGet package,
 * then publishes the npm and NuGet ones; with `--dry-run` it stops after building and lists them.
 */
export const runPublishSdks = async (options: PublishSdksOptions): Promise<number> => {
  const nugetSource = options.nugetSource ?? process.env.TEMPO_NUGET_SOURCE;
  if (!options.dryRun && !nugetSource) {
    process.stderr.write(
      'tempo publish-sdks: give --nuget-source URL (or TEMPO_NUGET_SOURCE), or use --dry-run.\n',
    );
    return 2;
  }
  const out = options.outDir ? resolve(options.outDir) : await mkdtemp(join(tmpdir(), 'tempo-sdks-'));
  await mkdir(out, { recursive: true });
  const built = await buildSdkPackages(out);
  for (const item of built) {
    process.stdout.write(
      `${item.ecosystem.padEnd(5)} ${item.name}@${item.version}  ${basename(item.file)}\n`,
    );
  }
  if (options.dryRun) {
    process.stdout.write(
      `tempo publish-sdks: dry run, ${built.length} packages built in ${out}, nothing published\n`,
    );
    return 0;
  }
  await publish(built, nugetSource ?? '');
  process.stdout.write(`tempo publish-sdks: published the npm and NuGet packages from ${out}\n`);
  return 0;
};
