// Mutation testing of the core (issue 25): `./tempo test --only mutation` runs this and reads
// the JSON report back to print one score per module. Not part of the default `./tempo test`:
// on two shared cores a full run takes tens of minutes.

/**
 * One `process-host-<part>` module per part, each a list of file names of
 * `packages/core/src/process-host` without `.ts`, held to 80%.
 * @param {Readonly<Record<string, readonly string[]>>} parts
 */
function processHostParts(parts) {
  return Object.entries(parts).map(([part, names]) => ({
    name: `process-host-${part}`,
    files: names.map((name) => `packages/core/src/process-host/${name}.ts`),
    threshold: 80,
  }));
}

/**
 * The modules mutated, each with the least mutation score (in percent) it must keep. The engine
 * is held higher: a wrong line there changes what every run does.
 * @type {readonly { name: string; files: readonly string[]; threshold: number }[]}
 */
export const mutationModules = [
  { name: 'engine', files: ['packages/core/src/engine/**/*.ts'], threshold: 85 },
  {
    name: 'store',
    files: [
      'packages/core/src/store/filters.ts',
      'packages/core/src/store/repository.ts',
      'packages/core/src/store/repositories.ts',
    ],
    threshold: 80,
  },
  {
    name: 'authorizer',
    files: ['apps/server/src/auth/authorizer.ts', 'apps/server/src/auth/privileges.ts'],
    threshold: 80,
  },
  // The process host in parts, each run and iterated alone: its tests start real child processes,
  // and the whole host is over 1,300 mutants. Together the parts are every file of
  // `packages/core/src/process-host` but `index.ts` (re-exports only, left out below);
  // `TEMPO_MUTATION_MODULES=process-host` runs them all.
  ...processHostParts({
    protocol: [
      'protocol-v1',
      'persistent-protocol',
      'handler-environment',
      'handler-outcome',
      'handler-limit-errors',
      'capacity-limiter',
      'scratch-folder',
      'handler-user',
      'language-shims',
    ],
    processes: ['child-process-run', 'process-tree', 'tree-containment', 'handler-leftovers'],
    warm: ['warm-process', 'warm-pool', 'warm-call'],
    isolation: ['handler-isolation', 'server-file-hiding'],
    host: ['process-handler-host'],
  }),
];

/**
 * The parts whose mutants can mount over folders where the tests run (the hiding of server files,
 * and the host that applies it): each of their test files runs in a process and a mount namespace
 * of its own (see `vitest.mutation.config.ts`), so those mounts never reach Stryker, its report or
 * the next mutant's tests.
 */
export const partsInOwnMounts = ['process-host-isolation', 'process-host-host'];

/**
 * The module this run mutates, by name in `TEMPO_MUTATION_MODULE` (set by `./tempo test --only
 * mutation`, one Stryker run per module); every module when unset.
 */
const selected = process.env.TEMPO_MUTATION_MODULE;
const modules = selected ? mutationModules.filter((module) => module.name === selected) : mutationModules;
if (modules.length === 0) throw new Error(`TEMPO_MUTATION_MODULE names no module: "${selected}".`);

/** Where a run's report and incremental state go: machine-specific, kept out of git. */
const stateDir = `.tempo-test/mutation/${selected ? selected.replace(/\W+/g, '-') : 'all'}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Only the `unit` project: the store and black-box projects need database servers and start
  // whole server processes, where a mutant cannot be seen.
  // The parts whose mutants can mount over the tests' folders run each test file in a process of
  // its own, which `vitest.mutation.config.ts` starts in a mount namespace of its own.
  vitest: {
    configFile: 'vitest.mutation.config.ts',
    related: true,
    pool: modules.some((module) => partsInOwnMounts.includes(module.name)) ? 'forks' : 'threads',
  },
  mutate: [
    ...modules.flatMap((module) => module.files),
    '!**/*.test.ts',
    // Type declarations and re-exports only: nothing to mutate.
    '!packages/core/src/engine/index.ts',
    '!packages/core/src/engine/runtime-provider.ts',
    // Fixtures of the engine's tests.
    '!packages/core/src/engine/flow-test-kit.ts',
    '!packages/core/src/process-host/index.ts',
  ],
  // What the sandbox copy leaves out: tool and database state, and parts no unit test imports.
  ignorePatterns: [
    '/.tempo-tools',
    '/.tempo-test',
    '/.tempo-data',
    '/.tempo-bench',
    '/apps/dashboard',
    '/sdk',
    '/docker',
    '/docs',
    '/postman',
    '/bench',
    '*.log',
    '*.db',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants such as the engine's closed sets) are only seen by
  // re-running every test in a fresh module graph: on two shared cores they cost about 40% of a
  // run. They are skipped (reported as ignored); the unit tests still pin those constants.
  ignoreStatic: true,
  // The machine's two cores are shared; more runners only make every mutant's tests slower.
  concurrency: 2,
  timeoutMS: 5_000,
  incremental: true,
  incrementalFile: `${stateDir}/incremental.json`,
  reporters: ['json', 'progress'],
  jsonReporter: { fileName: `${stateDir}/report.json` },
  // `./tempo test --only mutation` applies the per-module thresholds; this one is the floor of
  // the whole run, for calls of Stryker made directly.
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
