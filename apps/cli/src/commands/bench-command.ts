import { join } from 'node:path';
import { type FlagValues, UsageError } from '../flags.ts';
import { REPO_ROOT } from '../repo-paths.ts';
import { runNode } from '../run-process.ts';

/** Benchmarks by name, and their scripts. */
const BENCHMARKS: Readonly<Record<string, string>> = {
  trigger: join(REPO_ROOT, 'bench', 'src', 'trigger-bench.ts'),
  steps: join(REPO_ROOT, 'bench', 'src', 'steps-bench.ts'),
};

/** `./tempo bench NAME`: runs one benchmark script with this Node. */
export const runBench = async (values: FlagValues): Promise<number> => {
  const words = values._;
  const name = Array.isArray(words) && typeof words[0] === 'string' ? words[0] : 'trigger';
  const script = BENCHMARKS[name];
  if (!script)
    throw new UsageError(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}.`);
  return runNode(script, [], { cwd: REPO_ROOT });
};
