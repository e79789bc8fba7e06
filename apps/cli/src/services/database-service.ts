/** The database servers the test services can provide; values match `database.type` in `tempo.json`. */
export const DatabaseKind = { Postgresql: 'Postgresql', Mysql: 'Mysql' } as const;
export type DatabaseKind = (typeof DatabaseKind)[keyof typeof DatabaseKind];

/** The only address the test servers listen on. */
export const LOOPBACK_HOST = '127.0.0.1' as const;

/** A database server running on loopback with a test database and a user that owns it. */
export interface DatabaseService {
  readonly kind: DatabaseKind;
  /** Always loopback: the servers never listen anywhere else. */
  readonly host: typeof LOOPBACK_HOST;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The test database, on which `user` has every right. */
  readonly database: string;
  /** Connection URL, e.g. `postgres://tempo:tempo@127.0.0.1:55432/tempo_test`. */
  readonly url: string;
  /** Shuts the server down; the data folder stays, so the next `ensure…` call starts it again. */
  stop(): Promise<void>;
}

/** Options of {@link ensurePostgres} and {@link ensureMariadb}. */
export interface EnsureDatabaseOptions {
  /** Folder that holds each server's data, socket, pid and log files, e.g. `<repo>/.tempo-test`. */
  readonly rootDir: string;
  /** Loopback TCP port; defaults to 55432 (PostgreSQL) or 53306 (MariaDB). */
  readonly port?: number;
  /** How long to wait for the server to accept connections, in ms; defaults to 60 000. */
  readonly startTimeoutMs?: number;
  /** Receives one line per step taken (install, initialise, start, reuse). */
  readonly log?: (line: string) => void;
  /**
   * The database to create (owned by the test user) and hand out; default `tempo_test`. The
   * benchmarks take one of their own, since they empty it.
   */
  readonly database?: string;
}

/** The test database and the credentials every service creates. */
export const TestDatabaseDefaults = {
  database: 'tempo_test',
  user: 'tempo',
  password: 'tempo',
  startTimeoutMs: 60_000,
} as const;

/**
 * The `TEMPO_TEST_DB*` variables that point a test process at a service, as read by
 * `packages/core/test/test-database.ts`.
 */
export const databaseServiceEnv = (service: DatabaseService): Record<string, string> => ({
  TEMPO_TEST_DB: service.kind,
  TEMPO_TEST_DB_HOST: service.host,
  TEMPO_TEST_DB_PORT: String(service.port),
  TEMPO_TEST_DB_NAME: service.database,
  TEMPO_TEST_DB_USER: service.user,
  TEMPO_TEST_DB_PASSWORD: service.password,
  TEMPO_TEST_DB_URL: service.url,
});

/** Builds a connection URL with every credential part escaped. */
export const connectionUrl = (
  scheme: 'postgres' | 'mysql',
  parts: Pick<DatabaseService, 'host' | 'port' | 'user' | 'password' | 'database'>,
): string => {
  const credentials = `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}`;
  return `${scheme}://${credentials}@${parts.host}:${parts.port}/${encodeURIComponent(parts.database)}`;
};
