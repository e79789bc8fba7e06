import type { Column, SQL } from 'drizzle-orm';
import type { DatabaseOptions } from './open-database.ts';
import type { ColumnSpec, TableSpec } from './table-model.ts';

/** A row as the driver layer moves it: property name → JS value. */
export type LooseRow = Record<string, unknown>;

/** What one select asks for. */
export interface SelectQuery {
  readonly where: SQL | undefined;
  readonly orderBy: readonly SQL[];
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * One database dialect: its drizzle tables (derived from the table descriptions), the few query
 * shapes the store needs, and its DDL rules. Everything above this interface is dialect-free.
 */
export interface SqlDialect {
  readonly type: DatabaseOptions['type'];
  /** The drizzle columns of a table, by property name, for building conditions. */
  columns(spec: TableSpec): Readonly<Record<string, Column>>;
  select(spec: TableSpec, query: SelectQuery): Promise<LooseRow[]>;
  count(spec: TableSpec, where: SQL | undefined): Promise<number>;
  insert(spec: TableSpec, rows: readonly LooseRow[]): Promise<void>;
  /** Updates matching rows; resolves to how many matched. */
  update(spec: TableSpec, values: LooseRow, where: SQL | undefined): Promise<number>;
  /** Deletes matching rows; resolves to how many were deleted. */
  delete(spec: TableSpec, where: SQL | undefined): Promise<number>;
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
  close(): Promise<void>;
}
