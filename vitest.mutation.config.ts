import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { partsInOwnMounts } from './stryker.config.mjs';
import base from './vitest.config.ts';

/**
 * Test files that drive whole handler hosts over real runtimes (node, python, the namespace and
 * hiding wrappers), seconds per test. The runs of the process host's parts whose logic quicker
 * tests pin one function or class at a time leave them out: with them, every surviving mutant of
 * those parts costs a minute of host runs. Leaving tests out can only lower a score, never raise it.
 */
const HOST_SUITES = [
  'packages/core/src/process-host/process-handler-host.test.ts',
  'packages/core/src/process-host/warm-handler-host.test.ts',
  'packages/core/src/process-host/server-file-hiding.test.ts',
  'packages/core/src/process-host/python-shim.test.ts',
];
const PARTS_WITHOUT_HOST_SUITES = new Set([
  'process-host-protocol',
  'process-host-processes',
  'process-host-warm',
]);
const withoutHostSuites = PARTS_WITHOUT_HOST_SUITES.has(process.env.TEMPO_MUTATION_MODULE ?? '');

/** The name of the script {@link ownMounts} starts `node` through, in the sandbox. */
const OWN_MOUNTS_SCRIPT = '.tempo-node-own-mounts';

/**
 * A mutant of the hiding code (`handler-isolation.ts`, `server-file-hiding.ts`, or the host that
 * calls them) can drop the call's own mount namespace, so its mounts (every mount made read-only,
 * empty file systems over folders, a new `/dev`) land in the namespace of the process that started
 * the call: with Vitest's threads, Stryker's own, where they hid its report and stayed for the
 * later mutants. For the parts `partsInOwnMounts` names, `stryker.config.mjs` runs each test file
 * in a process of its own (the `forks` pool, a fresh process per file), and this makes Node's
 * `fork()` in this process start `node` through `unshare --mount --propagation private`: a mount
 * namespace per test file, whose mounts go away with it and never reach this one. `fork()` starts
 * `process.execPath`, so that becomes a small script in the sandbox (which Stryker removes after
 * the run) that execs the real `node` with the same arguments, descriptors (the IPC channel) and
 * environment. Left as is where `unshare` cannot make a mount namespace (not Linux, or neither
 * root nor user namespaces): there the hiding, which needs root, never runs.
 */
const ownMounts = (): void => {
  // Loaded twice in one process, the script must not start itself.
  if (process.execPath.includes(OWN_MOUNTS_SCRIPT)) return;
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore' });
  if (probe.status !== 0) return;
  const script = join(process.cwd(), `${OWN_MOUNTS_SCRIPT}-${process.pid}.sh`);
  const node = `'${process.execPath.replaceAll("'", "'\\''")}'`;
  writeFileSync(script, `#!/bin/sh\nexec unshare --mount --propagation private -- ${node} "$@"\n`, {
    mode: 0o755,
  });
  process.execPath = script;
};
if (partsInOwnMounts.includes(process.env.TEMPO_MUTATION_MODULE ?? '')) ownMounts();

/**
 * In the parts without the host suites a mutant often leaves a process or a promise waiting
 * forever. A test that fails at this limit is a killed mutant, where one that outlives Stryker's
 * own timeout (5 s and more) costs a restart of its test runner; the few longer tests set their
 * own limit.
 */
const QUICK_TEST_TIMEOUT_MS = 3_000;

// Stryker's vitest runner runs every project of the config it is given; mutation testing uses
// only the `unit` project (tests beside the code, no database servers, no server processes).
const unit = base.test?.projects
  ?.filter((project) => typeof project === 'object' && 'test' in project && project.test?.name === 'unit')
  .map((project) =>
    typeof project === 'object' && 'test' in project && withoutHostSuites
      ? { ...project, test: { ...project.test, exclude: [...(project.test?.exclude ?? []), ...HOST_SUITES] } }
      : project,
  );

/**
 * Vitest's own order, reversed: quick files first. A mutant's run stops at its first failing
 * test, and the quick files (pure functions, one small process) kill most mutants, so the files
 * that start whole handler hosts run only for the mutants those let through.
 */
class QuickFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await super.sort(files)).reverse();
  }
}

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    ...(withoutHostSuites ? { testTimeout: QUICK_TEST_TIMEOUT_MS, hookTimeout: QUICK_TEST_TIMEOUT_MS } : {}),
    projects: unit ?? [],
    sequence: { sequencer: QuickFilesFirst },
  },
});
