/** Persistence: one table description, three SQL dialects, tenant-scoped repositories, migrations. */

export { BoundedMap } from './bounded-map.ts';
export { DEFINITION_TABLES, DefinitionStamp } from './definition-stamp.ts';
export type { SqlDialect } from './dialect.ts';
export { checkSqliteIntegrity, type IntegrityReport } from './dialects/sqlite-integrity.ts';
export { parsePageQuery } from './entity-store.ts';
export {
  type Filter,
  FilterOp,
  type OrderBy,
  op,
  UndefinedFilterValueError,
} from './filters.ts';
export { MIGRATIONS, type Migration, type MigrationReport, migrate } from './migrations.ts';
export {
  DatabaseConfigError,
  type DatabaseOptions,
  openDatabase,
  type TempoDatabase,
} from './open-database.ts';
export { createRepositories, type Repositories } from './repositories.ts';
export { ScopedRepository, TenantTable } from './repository.ts';
export { type LeaseRecord, SchedulerLeases } from './scheduler-leases.ts';
export type { ColumnSealer } from './sealed-columns.ts';
export { type InsertOf, type RowOf, type TableSpec, withDefaults } from './table-model.ts';
export { nowUtc, type TableName, Tables } from './tables/index.ts';
export type { WriteClock } from './write-clock.ts';
export { inWriteLane } from './write-lanes.ts';
