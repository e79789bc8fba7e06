import { join, resolve } from 'node:path';

/** The repository root (this file lives in apps/cli/src). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Entry scripts of the dev tools, run with this process's Node so every tool gets the same one. */
export const TOOL_SCRIPTS = {
  vitest: join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
  tsc: join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
  biome: join(REPO_ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome'),
  dclint: join(REPO_ROOT, 'node_modules', 'dclint', 'bin', 'dclint.cjs'),
  dockerfilelint: join(REPO_ROOT, 'node_modules', 'dockerfilelint', 'bin', 'dockerfilelint'),
} as const;

/** Where `./tempo test` keeps its database servers and reports. */
export const TEST_STATE_DIR = join(REPO_ROOT, '.tempo-test');

/** Default data folder of `./tempo up`. */
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.tempo-data');

/** Entry script of the worker daemon, which `./tempo worker` and `./tempo up --workers N` start. */
export const WORKER_MAIN_SCRIPT = join(REPO_ROOT, 'apps', 'worker', 'src', 'main.ts');
