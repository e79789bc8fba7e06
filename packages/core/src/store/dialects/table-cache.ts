import type { TableSpec } from '../table-model.ts';

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
