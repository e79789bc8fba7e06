import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../repo-paths.ts';
import { runNode } from '../run-process.ts';

/** The dashboard package. */
export const DASHBOARD_DIR = join(REPO_ROOT, 'apps', 'dashboard');
/** Where its build lands and is served from. */
export const DASHBOARD_DIST = join(DASHBOARD_DIR, 'dist');
/** The file in the build output that holds the hash of the sources it was made from. */
const SOURCE_HASH_NAME = 'source-hash.txt';
const VITE_SCRIPT = join(DASHBOARD_DIR, 'node_modules', 'vite', 'bin', 'vite.js');

/** What goes into the bundle: the dashboard's sources and the two packages it imports. */
const SOURCE_ROOTS = [
  join(DASHBOARD_DIR, 'src'),
  join(DASHBOARD_DIR, 'scripts'),
  join(DASHBOARD_DIR, 'index.html'),
  join(DASHBOARD_DIR, 'vite.config.ts'),
  join(DASHBOARD_DIR, 'package.json'),
  join(REPO_ROOT, 'packages', 'client', 'src'),
  join(REPO_ROOT, 'packages', 'contracts', 'src'),
  join(REPO_ROOT, 'package.json'),
];

const filesUnder = async (path: string): Promise<string[]> => {
  if (!existsSync(path)) return [];
  const entries = await readdir(path, { withFileTypes: true }).catch(() => null);
  if (entries === null) return [path];
  const files: string[] = [];
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(child)));
    else if (entry.isFile() && !/\.test\.tsx?$/.test(entry.name)) files.push(child);
  }
  return files;
};

/** A SHA-256 over the path and content of every source file of the bundle, in a stable order. */
export const dashboardSourceHash = async (): Promise<string> => {
  const files = (await Promise.all(SOURCE_ROOTS.map(filesUnder))).flat().sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash
      .update(relative(REPO_ROOT, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
};

/** Why a build could not be made. */
export class DashboardBuildError extends Error {
  constructor(code: number) {
    super(
      `building the dashboard failed (vite exited with code ${code}); run it in apps/dashboard to see why`,
    );
    this.name = 'DashboardBuildError';
  }
}

/**
 * Builds the dashboard when its sources changed since the build in `dist` (or there is none).
 * Resolves to whether it built.
 */
export const ensureDashboardBuild = async (log: (line: string) => void): Promise<boolean> => {
  const wanted = await dashboardSourceHash();
  const built = await readFile(join(DASHBOARD_DIST, SOURCE_HASH_NAME), 'utf8').then(
    (text) => text.trim(),
    () => null,
  );
  if (built === wanted && existsSync(join(DASHBOARD_DIST, 'index.html'))) return false;
  log(
    built === null ? 'building the dashboard (first start)' : 'building the dashboard (its sources changed)',
  );
  // Built beside `dist` and swapped in whole, so a second `up` building at the same time, or a
  // dashboard server reading `dist`, never sees half a build.
  const next = `${DASHBOARD_DIST}.build-${process.pid}`;
  try {
    // A production build whatever started `up` (a test runner sets NODE_ENV=test, which would
    // bundle React's development build).
    const code = await runNode(VITE_SCRIPT, ['build', '--logLevel', 'warn', '--outDir', next], {
      cwd: DASHBOARD_DIR,
      env: { NODE_ENV: 'production' },
    });
    if (code !== 0) throw new DashboardBuildError(code);
    await writeFile(join(next, SOURCE_HASH_NAME), `${wanted}\n`);
    await rm(DASHBOARD_DIST, { recursive: true, force: true });
    await rename(next, DASHBOARD_DIST);
  } finally {
    await rm(next, { recursive: true, force: true });
  }
  return true;
};
