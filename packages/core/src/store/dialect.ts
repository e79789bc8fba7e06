import type { Filter, OrderBy } from './filters.ts';
import type { DatabaseOptions } from './open-database.ts';
import type { ColumnSpec, TableSpec } from './table-model.ts';

/** A row as the driver layer moves it: property name → JS value. */
export type LooseRow = Record<string, unknown>;

/** What one select asks for. */
export interface SelectQuery {
  readonly filter: Filter<TableSpec>;
  readonly orderBy: OrderBy<TableSpec>;
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * One database dialect: the few query shapes the store needs (written from the table
 * descriptions and compiled once per shape, see `CompiledStatements`), and its DDL rules.
 * Everything above this interface is dialect-free.
 *
 * Writes apply in the order they are issued, before earlier ones have settled (SQLite's one
 * connection; one batch at a time per write lane on a pool, see `inWriteLane`), so a caller may
 * issue a run's rows one behind another without waiting for each.
 */
export interface SqlDialect {
  readonly type: DatabaseOptions['type'];
  select(spec: TableSpec, query: SelectQuery): Promise<LooseRow[]>;
  count(spec: TableSpec, filter: Filter<TableSpec>): Promise<number>;
  insert(spec: TableSpec, rows: readonly LooseRow[]): Promise<void>;
  /** Updates matching rows; resolves to how many matched. */
  update(spec: TableSpec, values: LooseRow, filter: Filter<TableSpec>): Promise<number>;
  /** Deletes matching rows; resolves to how many were deleted. */
  delete(spec: TableSpec, filter: Filter<TableSpec>): Promise<number>;
  /** Runs one DDL statement. */
  executeDdl(statement: string): Promise<void>;
  /** Whether a named index exists on a table (for dialects without `CREATE INDEX IF NOT EXISTS`). */
  indexExists(tableName: string, indexName: string): Promise<boolean>;
  /** The native column type of a logical column. */
  columnType(column: ColumnSpec): string;
  /** Quotes an identifier. */
  quote(identifier: string): string;
  /** Text appended to `CREATE TABLE (...)`. */
  readonly tableOptions: string;
  /** Whether `CREATE INDEX IF NOT EXISTS` is understood. */
  readonly supportsCreateIndexIfNotExists: boolean;
  /** Whether the error is a unique-key violation. */
  isUniqueViolation(error: unknown): boolean;
  /** Whether the database refused a text longer than its column (SQLite never does). */
  isValueTooLong(error: unknown): boolean;
  close(): Promise<void>;
}
