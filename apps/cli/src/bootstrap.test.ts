import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-paths.ts';

/**
 * The `./tempo` bootstrap on a checkout that moves: a copy of the script with the tools folder
 * it lays out (Node and pnpm linked from this checkout, so nothing is downloaded), run once in
 * one place, moved to a path with spaces, its package.json changed, and run there three times
 * at once, with no recent Node on PATH. `npm` is a stand-in that fails and leaves a mark: a bootstrap that lost its tools would
 * reach for the registry.
 */

const PNPM_PACKAGE = join(REPO_ROOT, '.tempo-tools', 'pnpm', 'node_modules', 'pnpm');
const SLOW_MS = 120_000;

let base: string;
let fakeBin: string;
let npmMarks: string;
let recentNodeBin: string;

/** The files of a checkout the bootstrap reads, and the tools folder as it installs it. */
const layOut = (root: string) => {
  mkdirSync(join(root, 'apps', 'cli', 'src'), { recursive: true });
  writeFileSync(join(root, 'tempo'), readFileSync(join(REPO_ROOT, 'tempo')), { mode: 0o755 });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bootstrap-probe', private: true }));
  // Stands in for the CLI: tells which Node ran it and what it was given.
  writeFileSync(
    join(root, 'apps', 'cli', 'src', 'main.ts'),
    'console.log(JSON.stringify({ node: process.versions.node, args: process.argv.slice(2) }));\n',
  );
  const nodeBin = join(root, '.tempo-tools', 'node', 'node_modules', 'node', 'bin');
  mkdirSync(nodeBin, { recursive: true });
  symlinkSync(process.execPath, join(nodeBin, 'node'));
  const pnpmModules = join(root, '.tempo-tools', 'pnpm', 'node_modules');
  mkdirSync(pnpmModules, { recursive: true });
  symlinkSync(PNPM_PACKAGE, join(pnpmModules, 'pnpm'));
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the script; `nodeOnPath` puts a recent Node first on PATH, as on a machine that has one. */
const runTempo = (root: string, args: readonly string[], nodeOnPath = false): Promise<Run> =>
  new Promise((resolve, reject) => {
    const path = `${nodeOnPath ? `${recentNodeBin}:` : ''}${fakeBin}:/usr/bin:/bin`;
    const child = spawn(join(root, 'tempo'), [...args], {
      cwd: base,
      env: { HOME: base, PATH: path, LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });

const expectRan = (run: Run, args: readonly string[]) => {
  expect(run, run.stderr).toMatchObject({ code: 0 });
  expect(JSON.parse(run.stdout.trim())).toEqual({ node: process.versions.node, args });
};

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tempo-bootstrap-'));
  fakeBin = join(base, 'fake bin');
  npmMarks = join(base, 'npm-called');
  mkdirSync(fakeBin);
  recentNodeBin = join(base, 'recent node');
  mkdirSync(recentNodeBin);
  symlinkSync(process.execPath, join(recentNodeBin, 'node'));
  writeFileSync(join(fakeBin, 'npm'), `#!/bin/sh\necho "$*" >> '${npmMarks}'\nexit 1\n`);
  chmodSync(join(fakeBin, 'npm'), 0o755);
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('the ./tempo bootstrap', () => {
  it.skipIf(!existsSync(PNPM_PACKAGE))(
    'survives a move to a path with spaces, a changed package.json and three invocations at once',
    async () => {
      const first = join(base, 'first place', 'tempo checkout');
      layOut(first);
      // Set up where a recent Node is on PATH; the moved checkout runs where none is.
      expectRan(await runTempo(first, ['one'], true), ['one']);

      const moved = join(base, 'second place', 'moved checkout');
      mkdirSync(dirname(moved), { recursive: true });
      renameSync(first, moved);
      rmSync(join(base, 'first place'), { recursive: true });
      writeFileSync(
        join(moved, 'package.json'),
        JSON.stringify({ name: 'bootstrap-probe', private: true, description: 'changed after the move' }),
      );

      const words = ['a', 'b', 'c'];
      const runs = await Promise.all(words.map((word) => runTempo(moved, [word, 'with space'])));
      words.forEach((word, index) => {
        const run = runs[index];
        expect(run).toBeDefined();
        if (run) expectRan(run, [word, 'with space']);
      });
      // The dependencies were installed once, not three times over each other.
      expect(runs.filter((run) => run.stderr.includes('installing dependencies'))).toHaveLength(1);
      expect(existsSync(npmMarks) ? readFileSync(npmMarks, 'utf8') : '').toBe('');
      // Nothing in the tools folder names a place the checkout has been.
      expect(readFileSync(join(moved, '.tempo-tools', 'bin', 'pnpm'), 'utf8')).not.toContain(base);
      expect(existsSync(join(moved, '.tempo-tools', 'setup.lock'))).toBe(false);
      expectRan(await runTempo(moved, []), []);
    },
    SLOW_MS,
  );

  it.skipIf(!existsSync(PNPM_PACKAGE))(
    'takes a manifest rewritten with the same content as current, and renews its stamp',
    async () => {
      const root = join(base, 'touched checkout');
      layOut(root);
      expectRan(await runTempo(root, ['first'], true), ['first']);
      // The first install writes the lockfile, read by the second start, which installs once more.
      expectRan(await runTempo(root, ['second'], true), ['second']);
      const stamp = join(root, '.tempo-tools', 'deps.stamp');
      const manifest = join(root, 'package.json');
      // The manifest newer than the stamp with the same bytes, as a copy of the checkout or an
      // editor's save leaves it: here by dating the stamp back.
      const earlier = new Date(statSync(manifest).mtimeMs - 60_000);
      utimesSync(stamp, earlier, earlier);

      const run = await runTempo(root, ['third'], true);
      expectRan(run, ['third']);
      expect(run.stderr).not.toContain('installing dependencies');
      // The next start needs no checksum: the stamp is newer than every manifest again.
      expect(statSync(stamp).mtimeMs).toBeGreaterThan(statSync(manifest).mtimeMs);
    },
    SLOW_MS,
  );
});
