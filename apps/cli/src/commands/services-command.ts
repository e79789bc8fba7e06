import { UsageError } from '../flags.ts';
import { TEST_STATE_DIR } from '../repo-paths.ts';
import { runningTestServices, stopTestServices } from '../services/index.ts';

/** What `./tempo services` can do with the test database servers. */
export const SERVICES_ACTIONS = ['status', 'stop'] as const;

const say = (line: string) => process.stdout.write(`tempo services: ${line}\n`);

/**
 * `./tempo services status|stop`: the PostgreSQL (55432) and MariaDB (53306) servers that
 * `./tempo test` runs from `.tempo-test`. `stop` ends them; their data stays for the next run.
 */
export const runServices = async (positionals: readonly string[]): Promise<number> => {
  const [action, ...rest] = positionals;
  if (rest.length > 0 || !(SERVICES_ACTIONS as readonly (string | undefined)[]).includes(action)) {
    throw new UsageError(`services takes one of ${SERVICES_ACTIONS.join(', ')}.`);
  }
  if (action === 'status') {
    const running = runningTestServices(TEST_STATE_DIR);
    say(running.length === 0 ? 'no test database is running' : `running: ${running.join(', ')}`);
    return 0;
  }
  const stopped = await stopTestServices(TEST_STATE_DIR, say);
  say(stopped.length === 0 ? 'no test database was running' : `stopped: ${stopped.join(', ')}`);
  return 0;
};
