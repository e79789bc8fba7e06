import { join } from 'node:path';
import { type FlagValues, UsageError } from '../flags.ts';
import { REPO_ROOT, TEST_STATE_DIR } from '../repo-paths.ts';
import { runNode } from '../run-process.ts';
import { databaseServiceEnv, ensurePostgres } from '../services/index.ts';

/** One benchmark of bench/. */
interface Benchmark {
  readonly script: string;
  /** Whether it measures PostgreSQL too, and so needs the test server. */
  readonly postgres: boolean;
  /** One line for the list `./tempo bench` prints. */
  readonly summary: string;
}

/** Benchmarks by name. */
const BENCHMARKS: Readonly<Record<string, Benchmark>> = {
  trigger: {
    script: join(REPO_ROOT, 'bench', 'src', 'trigger-bench.ts'),
    postgres: true,
    summary: 'HTTP trigger calls with full persistence, on SQLite and PostgreSQL, against a bare route',
  },
  distributed: {
    script: join(REPO_ROOT, 'bench', 'src', 'distributed-bench.ts'),
    postgres: true,
    summary: 'trigger runs placed on 1, 2 and 3 worker processes over PostgreSQL, against the ideal',
  },
  steps: {
    script: join(REPO_ROOT, 'bench', 'src', 'steps-bench.ts'),
    postgres: false,
    summary: 'Python, JavaScript and C# source steps cold and warm (persistent mode), and 400 fib(10) runs',
  },
};

const listBenchmarks = (): number => {
  const width = Math.max(...Object.keys(BENCHMARKS).map((name) => name.length));
  const lines = Object.entries(BENCHMARKS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`,
  );
  process.stdout.write(
    ['Benchmarks (run one with ./tempo bench NAME [--profile]):', ...lines, ''].join('\n'),
  );
  return 0;
};

/**
 * `./tempo bench [NAME] [--profile] [--only sqlite|postgres]`: without a name, lists the benchmarks; with one, runs its
 * script with this Node; the trigger benchmark gets the test PostgreSQL server (started when not
 * running) for its PostgreSQL row.
 */
export const runBench = async (values: FlagValues): Promise<number> => {
  const words = values._;
  const name = Array.isArray(words) && typeof words[0] === 'string' ? words[0] : undefined;
  if (name === undefined) return listBenchmarks();
  const benchmark = BENCHMARKS[name];
  if (!benchmark)
    throw new UsageError(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}.`);
  const only = values.only;
  if (only !== undefined && (name !== 'trigger' || (only !== 'sqlite' && only !== 'postgres')))
    throw new UsageError('--only takes sqlite or postgres, and only for the trigger benchmark.');
  const env = benchmark.postgres
    ? databaseServiceEnv(
        await ensurePostgres({
          rootDir: TEST_STATE_DIR,
          // Its own database: a benchmark empties it, and the test suites must keep theirs.
          database: 'tempo_bench',
          log: (line) => process.stderr.write(`tempo bench: ${line}\n`),
        }),
      )
    : {};
  const args = [
    ...(values.profile === true ? ['--profile'] : []),
    ...(only === undefined ? [] : ['--only', only]),
  ];
  return runNode(benchmark.script, args, { cwd: REPO_ROOT, env });
};
