import { type ColumnSpec, snakeCase, type TableSpec } from '../table-model.ts';

/** Memoises a dialect's derived table per description, so each is built once. */
export const cachedTables = <T>(build: (spec: TableSpec) => T): ((spec: TableSpec) => T) => {
  const cache = new Map<TableSpec, T>();
  return (spec) => {
    let table = cache.get(spec);
    if (table === undefined) {
      table = build(spec);
      cache.set(spec, table);
    }
    return table;
  };
};

/** A dialect's column builders for a table, keyed by property name, named in snake_case. */
export const columnsFor = <B>(
  spec: TableSpec,
  build: (dbName: string, column: ColumnSpec) => B,
): Record<string, B> =>
  Object.fromEntries(
    Object.entries(spec.columns).map(([key, column]) => [key, build(snakeCase(key), column)]),
  );
