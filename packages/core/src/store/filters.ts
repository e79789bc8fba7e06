import type { RowOf, TableSpec } from './table-model.ts';

/** An operator filter on one column; plain values (and null) compare for equality. */
export class FilterOp<T> {
  readonly kind: 'in' | 'range' | 'contains' | 'not';
  readonly values: readonly T[];
  readonly range: { readonly gte?: T; readonly gt?: T; readonly lte?: T; readonly lt?: T };
  readonly text: string;

  constructor(kind: FilterOp<T>['kind'], values: readonly T[], range: FilterOp<T>['range'] = {}, text = '') {
    this.kind = kind;
    this.values = values;
    this.range = range;
    this.text = text;
  }
}

/**
 * A filter value of `undefined` is a programming error. Dropping it, as a filter once did, turns
 * `{ id: undefined }` into "every row in scope", and a delete through a global repository into
 * an empty table; so it is refused loudly instead (a bug in the caller, never a client's 4xx).
 */
export class UndefinedFilterValueError extends TypeError {
  /** The column whose value was undefined. */
  readonly column: string;

  constructor(column: string) {
    super(
      `Filter value for column "${column}" is undefined: leave the key out to not filter on it, or pass null to match NULL.`,
    );
    this.name = 'UndefinedFilterValueError';
    this.column = column;
  }
}

/** Any value but `undefined`: what an operator filter may compare with. */
type Defined = NonNullable<unknown> | null;

/** Operator filters for {@link Filter}; their types refuse `undefined` values. */
export const op = {
  /** The column is one of `values` (an empty list matches nothing). */
  in: <T extends Defined>(values: readonly T[]) => new FilterOp<T>('in', values),
  /** The column lies in a range; omitted (or undefined) bounds are open. */
  range: <T>(range: FilterOp<T>['range']) => new FilterOp<T>('range', [], range),
  /** The column contains `text`, ignoring case. */
  contains: (text: string) => new FilterOp<string>('contains', [], {}, text),
  /** The column differs from `value`. */
  not: <T extends Defined>(value: T) => new FilterOp<T>('not', [value]),
} as const;

/** Equality or operator conditions on columns, all of which must hold. */
export type Filter<S extends TableSpec> = {
  [K in keyof RowOf<S>]?: RowOf<S>[K] | FilterOp<NonNullable<RowOf<S>[K]>>;
};

/** Sort order over columns. */
export type OrderBy<S extends TableSpec> = readonly {
  readonly column: keyof S['columns'] & string;
  readonly direction: 'asc' | 'desc';
}[];
