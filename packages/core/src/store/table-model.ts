/**
 * The one description of every table. Each dialect derives its statements and its DDL from
 * these descriptions, so SQLite, PostgreSQL and MySQL cannot drift apart and no schema is
 * written twice.
 */

/** Logical column kinds; each dialect maps them to its native types. */
export type ColumnKind =
  | 'id' // short key text, indexable
  | 'text' // bounded text, indexable (`length` characters)
  | 'longText' // unbounded text, never indexed
  | 'json' // a JSON value stored as text
  | 'bool'
  | 'int' // 32-bit integer
  | 'bigint' // 64-bit integer, as a JS number (exact up to 2^53)
  | 'double'
  | 'timestamp'; // UTC instant, an ISO 8601 string in JS

/** Description of one column: `T` is its JS type, `N` whether it may be null, `D` whether it has a default. */
export interface ColumnSpec<T = unknown, N extends boolean = boolean, D extends boolean = boolean> {
  readonly kind: ColumnKind;
  /** Maximum characters, for `id` and `text`. */
  readonly length: number;
  readonly isNullable: N;
  /** Value used when an insert leaves the column out; a function is called per insert. */
  readonly defaultValue: T | (() => T) | undefined;
  /** Phantom fields carrying the JS type and whether a default exists. */
  readonly __type?: T;
  readonly __hasDefault?: D;
}

type Builder<T, N extends boolean, D extends boolean> = ColumnSpec<T, N, D> & {
  /** Allows null; the default becomes null unless one is given. */
  nullable(): Builder<T | null, true, true>;
  /** Sets the value an insert gets when it leaves the column out. */
  default(value: T | (() => T)): Builder<T, N, true>;
};

const builder = <T, N extends boolean, D extends boolean>(spec: ColumnSpec<T, N, D>): Builder<T, N, D> => ({
  ...spec,
  nullable: () =>
    builder<T | null, true, true>({
      kind: spec.kind,
      length: spec.length,
      isNullable: true,
      defaultValue: spec.defaultValue === undefined ? null : spec.defaultValue,
    }),
  default: (value: T | (() => T)) =>
    builder<T, N, true>({
      kind: spec.kind,
      length: spec.length,
      isNullable: spec.isNullable,
      defaultValue: value,
    }),
});

const column = <T>(kind: ColumnKind, length = 0) =>
  builder<T, false, false>({ kind, length, isNullable: false, defaultValue: undefined });

/** Column constructors. */
export const col = {
  id: () => column<string>('id', 64),
  text: (length = 255) => column<string>('text', length),
  longText: () => column<string>('longText'),
  json: <T>() => column<T>('json'),
  bool: () => column<boolean>('bool'),
  int: () => column<number>('int'),
  bigint: () => column<number>('bigint'),
  double: () => column<number>('double'),
  timestamp: () => column<string>('timestamp'),
  /** A closed set of strings stored as text. */
  enumText: <const V extends string>(_values: readonly V[]) => column<V>('text', 64),
} as const;

/** Columns of a table by JS property name (camelCase); DB names are their snake_case. */
export type ColumnMap = Readonly<Record<string, ColumnSpec>>;

/** An index over columns (by property name). */
export interface IndexSpec {
  readonly columns: readonly string[];
  readonly unique: boolean;
}

/** Description of one table. */
export interface TableSpec<C extends ColumnMap = ColumnMap> {
  readonly name: string;
  readonly columns: C;
  /** Primary key columns; usually `['id']`. */
  readonly primaryKey: readonly string[];
  readonly indexes: readonly IndexSpec[];
}

/** Declares a table; `id` is the primary key unless `primaryKey` says otherwise. */
export const table = <C extends ColumnMap>(
  name: string,
  columns: C,
  options: {
    primaryKey?: readonly (keyof C & string)[];
    indexes?: readonly (readonly (keyof C & string)[])[];
    unique?: readonly (readonly (keyof C & string)[])[];
  } = {},
): TableSpec<C> => ({
  name,
  columns,
  primaryKey: options.primaryKey ?? ['id'],
  indexes: [
    ...(options.unique ?? []).map((cols) => ({ columns: cols, unique: true })),
    ...(options.indexes ?? []).map((cols) => ({ columns: cols, unique: false })),
  ],
});

/** The row type a table description yields. */
export type RowOf<S extends TableSpec> = {
  -readonly [K in keyof S['columns']]: S['columns'][K] extends ColumnSpec<infer T> ? T : never;
};

/** A row as an insert takes it: columns with defaults may be left out. */
export type InsertOf<S extends TableSpec> = {
  [K in keyof S['columns'] as S['columns'][K] extends ColumnSpec<unknown, boolean, true>
    ? never
    : K]: RowOf<S>[K];
} & {
  [K in keyof S['columns'] as S['columns'][K] extends ColumnSpec<unknown, boolean, true>
    ? K
    : never]?: RowOf<S>[K];
};

/** snake_case of a camelCase property name, e.g. `tenantId` → `tenant_id`. */
export const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Fills the defaults an insert left out and checks required columns are present. */
export const withDefaults = <S extends TableSpec>(spec: S, row: InsertOf<S>): RowOf<S> => {
  const given = row as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(spec.columns)) {
    let value = given[key];
    if (value === undefined) {
      const fallback = column.defaultValue;
      value = typeof fallback === 'function' ? (fallback as () => unknown)() : fallback;
    }
    if (value === undefined || (value === null && !column.isNullable)) {
      throw new TypeError(`${spec.name}.${key} is required.`);
    }
    out[key] = value;
  }
  return out as RowOf<S>;
};
