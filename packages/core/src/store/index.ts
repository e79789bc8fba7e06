/** Persistence: one table description, three SQL dialects, tenant-scoped repositories, migrations. */
export { DatabaseConfigError, type DatabaseOptions, openDatabase, type TempoDatabase } from './open-database.ts';
export { type Filter, FilterOp, op, type OrderBy } from './filters.ts';
export { type Migration, type MigrationReport, MIGRATIONS, migrate } from './migrations.ts';
export { createRepositories, type Repositories } from './repositories.ts';
export { ScopedRepository, TenantTable } from './repository.ts';
export { parsePageQuery } from './entity-store.ts';
export type { SqlDialect } from './dialect.ts';
export type { InsertOf, RowOf, TableSpec } from './table-model.ts';
export { nowUtc, type TableName, Tables } from './tables/index.ts';
