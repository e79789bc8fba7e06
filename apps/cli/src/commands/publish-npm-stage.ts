import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { REPO_ROOT } from '../repo-paths.ts';
import { runTool } from './publish-tools.ts';

/** A workspace package's manifest, as far as publishing reads it. */
interface WorkspaceManifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  [field: string]: unknown;
}

/** The manifest a staged package is published with. */
interface PublishedManifest {
  name: string;
  version: string;
  exports: Record<string, { types: string; default: string }>;
  dependencies: Record<string, string>;
  files: string[];
  [field: string]: unknown;
}

const readManifest = async (folder: string): Promise<WorkspaceManifest> =>
  JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as WorkspaceManifest;

/** The versions of every workspace package under `packages/` and `sdk/js`, by name. */
const workspaceVersions = async (): Promise<Map<string, string>> => {
  const versions = new Map<string, string>();
  const folders = [
    ...(await readdir(join(REPO_ROOT, 'packages'))).map((name) => join(REPO_ROOT, 'packages', name)),
    join(REPO_ROOT, 'sdk', 'js'),
  ];
  for (const folder of folders) {
    const manifest = await readManifest(folder).catch(() => undefined);
    if (manifest) versions.set(manifest.name, manifest.version);
  }
  return versions;
};

/** `./src/x.ts` → the compiled file and its declarations under `dist/`. */
const compiledExport = (source: string) => {
  const base = source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
  return { types: `${base}.d.ts`, default: `${base}.js` };
};

/** Files of `src/` that are not TypeScript (handler shims, say): the compiled package needs them too. */
const copyAssets = async (source: string, target: string): Promise<void> => {
  for (const entry of await readdir(source, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    // Bytecode a test run left beside a Python shim is not part of the package.
    if (path.split(sep).includes('__pycache__') || entry.name.endsWith('.pyc')) continue;
    const destination = join(target, relative(source, path));
    await mkdir(dirname(destination), { recursive: true });
    await cp(path, destination);
  }
};

/**
 * Builds a publishable copy of a TypeScript workspace package in `stage`: `src/` compiled to
 * `dist/` (JavaScript and declarations, tests left out), its other files copied, and a manifest
 * without `private`, pointing at `dist/`, with `workspace:*` ranges turned into versions.
 * Type checking is `tsc --noEmit`'s job in CI; here it only emits.
 */
export const stageTypeScriptPackage = async (
  packageFolder: string,
  stage: string,
): Promise<PublishedManifest> => {
  const manifest = await readManifest(packageFolder);
  const versions = await workspaceVersions();
  const source = join(packageFolder, 'src');
  const dist = join(stage, 'dist');
  await mkdir(stage, { recursive: true });
  const tsconfig = join(stage, 'tsconfig.publish.json');
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: join(packageFolder, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        noCheck: true,
        declaration: true,
        rewriteRelativeImportExtensions: true,
        rootDir: source,
        outDir: dist,
        // The config sits outside the repository, so type packages are looked up where they are.
        typeRoots: [join(packageFolder, 'node_modules', '@types'), join(REPO_ROOT, 'node_modules', '@types')],
      },
      include: [source],
      exclude: [join(source, '**', '*.test.ts'), join(source, 'test-support')],
    }),
  );
  await runTool(process.execPath, [
    join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    tsconfig,
  ]);
  await copyAssets(source, dist);
  const { private: _private, devDependencies: _dev, scripts: _scripts, ...kept } = manifest;
  const dependencies = Object.fromEntries(
    Object.entries(manifest.dependencies ?? {}).map(([name, range]) => {
      if (!range.startsWith('workspace:')) return [name, range];
      const version = versions.get(name);
      if (version === undefined)
        throw new Error(`${manifest.name} depends on ${name}, which is not in the workspace.`);
      return [name, `^${version}`];
    }),
  );
  const published: PublishedManifest = {
    ...kept,
    exports: Object.fromEntries(
      Object.entries(manifest.exports ?? {}).map(([path, file]) => [path, compiledExport(file)]),
    ),
    dependencies,
    files: ['dist'],
  };
  await writeFile(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  await cp(join(REPO_ROOT, 'LICENSE.md'), join(stage, 'LICENSE.md'));
  return published;
};
