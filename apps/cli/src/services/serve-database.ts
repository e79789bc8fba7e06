import {
  connectionUrl,
  type DatabaseService,
  LOOPBACK_HOST,
  TestDatabaseDefaults,
} from './database-service.ts';
import { ensureServerRunning, type ServerSpec, stopServer } from './server-lifecycle.ts';
import { DatabaseServiceError, ServiceStep } from './service-error.ts';

/** Where and as whom the tests log in. */
export type TestLogin = Pick<DatabaseService, 'host' | 'port' | 'user' | 'password' | 'database'>;

/** The database-specific half of {@link serveDatabase}. */
export interface DatabaseSetup {
  readonly scheme: 'postgres' | 'mysql';
  /** Creates or updates the test user and the database through the admin socket; idempotent. */
  provision(): Promise<void>;
  /** Logs in as the tests will, over TCP with the password, and runs a query. */
  checkLogin(login: TestLogin): Promise<void>;
}

/**
 * Brings the server up, provisions the test database and proves the tests' login works before
 * handing the service out, so a broken setup fails here and not in the first test.
 */
export const serveDatabase = async (
  spec: ServerSpec,
  setup: DatabaseSetup,
  database: string = TestDatabaseDefaults.database,
): Promise<DatabaseService> => {
  await ensureServerRunning(spec);
  const login: TestLogin = {
    host: LOOPBACK_HOST,
    port: spec.port,
    user: TestDatabaseDefaults.user,
    password: TestDatabaseDefaults.password,
    database,
  };
  try {
    await setup.provision();
    await setup.checkLogin(login);
  } catch (error) {
    const problem = `could not provision or log in to ${login.database} as ${login.user}`;
    throw new DatabaseServiceError(spec.kind, ServiceStep.Provision, problem, spec.logFile, error);
  }
  return { kind: spec.kind, ...login, url: connectionUrl(setup.scheme, login), stop: () => stopServer(spec) };
};
