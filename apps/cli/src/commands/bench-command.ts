import { join } from 'node:path';
import { type FlagValues, UsageError } from '../flags.ts';
import { REPO_ROOT, TEST_STATE_DIR } from '../repo-paths.ts';
import { runNode } from '../run-process.ts';
import { databaseServiceEnv, ensurePostgres } from '../services/index.ts';

/** Benchmarks by name, their scripts, and whether they measure PostgreSQL too. */
const BENCHMARKS: Readonly<Record<string, { readonly script: string; readonly postgres: boolean }>> = {
  trigger: { script: join(REPO_ROOT, 'bench', 'src', 'trigger-bench.ts'), postgres: true },
  steps: { script: join(REPO_ROOT, 'bench', 'src', 'steps-bench.ts'), postgres: false },
};

/**
 * `./tempo bench NAME [--profile]`: runs one benchmark script with this Node; the trigger
 * benchmark gets the test PostgreSQL server (started when not running) for its PostgreSQL row.
 */
export const runBench = async (values: FlagValues): Promise<number> => {
  const words = values._;
  const name = Array.isArray(words) && typeof words[0] === 'string' ? words[0] : 'trigger';
  const benchmark = BENCHMARKS[name];
  if (!benchmark)
    throw new UsageError(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}.`);
  const env = benchmark.postgres
    ? databaseServiceEnv(
        await ensurePostgres({
          rootDir: TEST_STATE_DIR,
          log: (line) => process.stderr.write(`tempo bench: ${line}\n`),
        }),
      )
    : {};
  return runNode(benchmark.script, values.profile === true ? ['--profile'] : [], { cwd: REPO_ROOT, env });
};
