/**
 * Real database servers for tests: PostgreSQL and MariaDB on loopback, each in its own folder
 * under the caller's root, started once and reused by later runs.
 */
export {
  connectionUrl,
  DatabaseKind,
  type DatabaseService,
  databaseServiceEnv,
  type EnsureDatabaseOptions,
  LOOPBACK_HOST,
  TestDatabaseDefaults,
} from './database-service.ts';
export { DEFAULT_MARIADB_PORT, ensureMariadb } from './mariadb.ts';
export { DEFAULT_POSTGRES_PORT, ensurePostgres } from './postgres.ts';
export { DatabaseServiceError, ServiceStep } from './service-error.ts';
export { runningTestServices, stopTestServices } from './test-services.ts';
