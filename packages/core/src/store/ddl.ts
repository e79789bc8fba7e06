import { createHash } from 'node:crypto';
import type { SqlDialect } from './dialect.ts';
import { type ColumnSpec, type IndexSpec, snakeCase, type TableSpec } from './table-model.ts';

/** Longest identifier every supported database accepts (PostgreSQL: 63, MySQL: 64). */
const MAX_IDENTIFIER = 60;

const literal = (column: ColumnSpec): string | null => {
  const value = column.defaultValue;
  if (value === undefined || value === null || typeof value === 'function') return null;
  // MySQL refuses literal defaults on TEXT/JSON columns; the store fills defaults on insert anyway.
  if (column.kind === 'longText' || column.kind === 'json' || column.kind === 'timestamp') return null;
  if (typeof value === 'boolean') return column.kind === 'bool' ? (value ? 'TRUE' : 'FALSE') : null;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return null;
};

/** The name of an index: `ix_`/`ux_` + table + columns, hashed when too long. */
export const indexName = (spec: TableSpec, index: IndexSpec): string => {
  const name = `${index.unique ? 'ux' : 'ix'}_${spec.name}_${index.columns.map(snakeCase).join('_')}`;
  if (name.length <= MAX_IDENTIFIER) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_IDENTIFIER - 9)}_${hash}`;
};

/** `CREATE TABLE IF NOT EXISTS` for a table in a dialect. */
export const createTableSql = (dialect: SqlDialect, spec: TableSpec): string => {
  const q = dialect.quote;
  const columns = Object.entries(spec.columns).map(([key, column]) => {
    const fallback = literal(column);
    return [
      q(snakeCase(key)),
      dialect.columnType(column),
      column.isNullable ? 'NULL' : 'NOT NULL',
      fallback === null ? '' : `DEFAULT ${fallback}`,
    ]
      .filter(Boolean)
      .join(' ');
  });
  const primaryKey = `PRIMARY KEY (${spec.primaryKey.map((key) => q(snakeCase(key))).join(', ')})`;
  return `CREATE TABLE IF NOT EXISTS ${q(spec.name)} (\n  ${[...columns, primaryKey].join(',\n  ')}\n)${dialect.tableOptions}`;
};

/** `CREATE [UNIQUE] INDEX` for one index of a table. */
export const createIndexSql = (dialect: SqlDialect, spec: TableSpec, index: IndexSpec): string => {
  const q = dialect.quote;
  const ifNotExists = dialect.supportsCreateIndexIfNotExists ? 'IF NOT EXISTS ' : '';
  const columns = index.columns.map((key) => q(snakeCase(key))).join(', ');
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${ifNotExists}${q(indexName(spec, index))} ON ${q(spec.name)} (${columns})`;
};

/** Drops an index of a table when it exists; safe to run again. */
export const dropIndex = async (dialect: SqlDialect, spec: TableSpec, index: IndexSpec): Promise<void> => {
  const q = dialect.quote;
  const name = indexName(spec, index);
  if (dialect.supportsCreateIndexIfNotExists) {
    await dialect.executeDdl(`DROP INDEX IF EXISTS ${q(name)}`);
    return;
  }
  // MySQL names an index within its table and has no IF EXISTS for it.
  if (await dialect.indexExists(spec.name, name))
    await dialect.executeDdl(`DROP INDEX ${q(name)} ON ${q(spec.name)}`);
};

/** Creates a table and its indexes when missing; safe to run again. */
export const ensureTable = async (dialect: SqlDialect, spec: TableSpec): Promise<void> => {
  await dialect.executeDdl(createTableSql(dialect, spec));
  for (const index of spec.indexes) {
    if (
      !dialect.supportsCreateIndexIfNotExists &&
      (await dialect.indexExists(spec.name, indexName(spec, index)))
    ) {
      continue;
    }
    await dialect.executeDdl(createIndexSql(dialect, spec, index));
  }
};
