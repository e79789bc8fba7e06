import type { DatabaseKind } from './database-service.ts';
import { mariadbProcess } from './mariadb.ts';
import { postgresProcess } from './postgres.ts';
import { isServerRunning, type StoppableServer, stopServer } from './server-lifecycle.ts';

/** Both test database servers of a folder, PostgreSQL first. */
const serversOf = (rootDir: string, log: (line: string) => void): readonly StoppableServer[] => [
  postgresProcess(rootDir, (line) => log(`PostgreSQL: ${line}`)),
  mariadbProcess(rootDir, (line) => log(`MariaDB: ${line}`)),
];

/** The test database servers of a folder whose process is alive. */
export const runningTestServices = (rootDir: string): DatabaseKind[] =>
  serversOf(rootDir, () => {})
    .filter(isServerRunning)
    .map((server) => server.kind);

/**
 * Stops the test database servers of a folder (those of `kinds`, default both) that are
 * running, and waits until their processes are gone. Their data stays, so the next
 * `./tempo test` starts them again in seconds. Answers the kinds it stopped.
 */
export const stopTestServices = async (
  rootDir: string,
  log: (line: string) => void,
  kinds?: readonly DatabaseKind[],
): Promise<DatabaseKind[]> => {
  const stopped: DatabaseKind[] = [];
  for (const server of serversOf(rootDir, log)) {
    if (kinds && !kinds.includes(server.kind)) continue;
    if (!isServerRunning(server)) continue;
    await stopServer(server);
    stopped.push(server.kind);
  }
  return stopped;
};
