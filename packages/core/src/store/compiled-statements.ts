import { BoundedMap } from './bounded-map.ts';
import type { LooseRow } from './dialect.ts';
import { type Codec, storableText } from './dialects/codecs.ts';
import { type Filter, FilterOp, type OrderBy, UndefinedFilterValueError } from './filters.ts';
import { type ColumnKind, snakeCase, type TableSpec } from './table-model.ts';

/** SQL text and its parameters in order, ready for a driver. */
export interface BoundStatement {
  readonly text: string;
  readonly params: readonly unknown[];
}

/** How a dialect spells identifiers and parameters, and converts values. */
export interface SqlStyle {
  /** Quotes an identifier. */
  quote(identifier: string): string;
  /** The text of the parameter at a 1-based position (`?`, or `$1` for PostgreSQL). */
  parameter(position: number): string;
  /** The codec of a column kind in this dialect. */
  codec(kind: ColumnKind): Codec;
}

/** How many shapes stay compiled; `IN` lists of many lengths must not grow it for ever. */
const MAX_SHAPES = 1_024;

// `!` as the LIKE escape: a backslash would itself need escaping in MySQL string literals.
const escapeLike = (text: string): string => text.replace(/[!%_]/g, (c) => `!${c}`);

/** A table's names as SQL: the table and each column, quoted, in description order. */
interface TableNames {
  readonly table: string;
  readonly columns: Readonly<Record<string, string>>;
  readonly list: string;
}

/**
 * The store's statements, written from the table descriptions and compiled once per shape. A
 * shape is what the SQL text depends on: which columns a filter names and how (equal, null,
 * in a list of n, range bounds), the order, whether it is paged, which columns an update sets,
 * how many rows an insert has. The first call of a shape writes its text; every call encodes its
 * values with the dialect's column codecs, in the order the text numbers its parameters.
 *
 * The SQL is plain and portable (`=`, `IS NULL`, `IN`, `<>`, `LIKE … ESCAPE`, `LIMIT … OFFSET`),
 * so one writer serves SQLite, PostgreSQL and MySQL; only quoting, parameters and codecs differ.
 */
export class CompiledStatements {
  readonly #style: SqlStyle;
  readonly #texts = new BoundedMap<string, string>(MAX_SHAPES);
  readonly #names = new Map<TableSpec, TableNames>();

  constructor(style: SqlStyle) {
    this.#style = style;
  }

  select(
    spec: TableSpec,
    filter: Filter<TableSpec>,
    orderBy: OrderBy<TableSpec>,
    page?: { readonly limit: number; readonly offset: number },
  ): BoundStatement {
    const args: unknown[] = [];
    const where = this.#walk(spec, filter, args);
    const order = orderBy.map((part) => `${part.column}:${part.direction}`).join(',');
    if (page) args.push(page.limit, page.offset);
    const key = `s|${spec.name}|${where}|${order}|${page ? 'p' : ''}`;
    return this.#bind(key, args, () => {
      const names = this.#namesOf(spec);
      const counter = { next: 1 };
      let text = `select ${names.list} from ${names.table}${this.#where(spec, filter, counter)}`;
      if (orderBy.length > 0)
        text += ` order by ${orderBy.map((part) => `${this.#column(spec, part.column)} ${part.direction}`).join(', ')}`;
      if (page) text += ` limit ${this.#next(counter)} offset ${this.#next(counter)}`;
      return text;
    });
  }

  count(spec: TableSpec, filter: Filter<TableSpec>): BoundStatement {
    const args: unknown[] = [];
    const key = `c|${spec.name}|${this.#walk(spec, filter, args)}`;
    return this.#bind(
      key,
      args,
      () => `select count(*) as n from ${this.#namesOf(spec).table}${this.#where(spec, filter, { next: 1 })}`,
    );
  }

  insert(spec: TableSpec, rows: readonly LooseRow[]): BoundStatement {
    const keys = Object.keys(spec.columns);
    const args: unknown[] = [];
    for (const row of rows)
      for (const key of keys) args.push(this.#encode(spec, key, row[key] === undefined ? null : row[key]));
    return this.#bind(`i|${spec.name}|${rows.length}`, args, () => {
      const names = this.#namesOf(spec);
      const counter = { next: 1 };
      const tuples = rows.map(() => `(${keys.map(() => this.#next(counter)).join(', ')})`);
      return `insert into ${names.table} (${names.list}) values ${tuples.join(', ')}`;
    });
  }

  update(spec: TableSpec, values: LooseRow, filter: Filter<TableSpec>): BoundStatement {
    const keys = Object.keys(values);
    const args = keys.map((key) => this.#encode(spec, key, values[key]));
    const key = `u|${spec.name}|${keys.join(',')}|${this.#walk(spec, filter, args)}`;
    return this.#bind(key, args, () => {
      const counter = { next: 1 };
      const set = keys.map((column) => `${this.#column(spec, column)} = ${this.#next(counter)}`).join(', ');
      return `update ${this.#namesOf(spec).table} set ${set}${this.#where(spec, filter, counter)}`;
    });
  }

  delete(spec: TableSpec, filter: Filter<TableSpec>): BoundStatement {
    const args: unknown[] = [];
    const key = `d|${spec.name}|${this.#walk(spec, filter, args)}`;
    return this.#bind(
      key,
      args,
      () => `delete from ${this.#namesOf(spec).table}${this.#where(spec, filter, { next: 1 })}`,
    );
  }

  /** A decoder from a driver's row (snake_case names, driver values) to the store's row. */
  decoder(spec: TableSpec): (row: Record<string, unknown>) => LooseRow {
    const columns = Object.entries(spec.columns).map(
      ([key, column]) => [key, snakeCase(key), this.#style.codec(column.kind)] as const,
    );
    return (row) => {
      const decoded: LooseRow = {};
      for (const [key, name, codec] of columns) {
        const value = row[name];
        decoded[key] = value === null || value === undefined ? null : codec.fromDriver(value);
      }
      return decoded;
    };
  }

  #bind(key: string, args: readonly unknown[], write: () => string): BoundStatement {
    let text = this.#texts.get(key);
    if (text === undefined) {
      text = write();
      this.#texts.set(key, text);
    }
    return { text, params: args };
  }

  #namesOf(spec: TableSpec): TableNames {
    let names = this.#names.get(spec);
    if (names === undefined) {
      const quote = this.#style.quote;
      const columns = Object.fromEntries(
        Object.keys(spec.columns).map((key) => [key, quote(snakeCase(key))]),
      );
      names = { table: quote(spec.name), columns, list: Object.values(columns).join(', ') };
      this.#names.set(spec, names);
    }
    return names;
  }

  #column(spec: TableSpec, key: string): string {
    const column = this.#namesOf(spec).columns[key];
    if (column === undefined) throw new TypeError(`Unknown column "${key}" in ${spec.name}.`);
    return column;
  }

  #next(counter: { next: number }): string {
    return this.#style.parameter(counter.next++);
  }

  #encode(spec: TableSpec, key: string, value: unknown): unknown {
    const column = spec.columns[key];
    if (!column) throw new TypeError(`Unknown column "${key}" in ${spec.name}.`);
    return value === null ? null : this.#style.codec(column.kind).toDriver(value);
  }

  /**
   * The shape of a filter as text, pushing its encoded values onto `args` in the order
   * {@link #where} numbers its parameters. Refuses undefined values and unknown columns.
   */
  #walk(spec: TableSpec, filter: Filter<TableSpec>, args: unknown[]): string {
    let shape = '';
    for (const [key, value] of Object.entries(filter)) {
      if (value === undefined) throw new UndefinedFilterValueError(key);
      if (!spec.columns[key]) throw new TypeError(`Unknown column "${key}" in filter.`);
      if (value === null) {
        shape += `${key}:null;`;
      } else if (!(value instanceof FilterOp)) {
        args.push(this.#encode(spec, key, value));
        shape += `${key}:eq;`;
      } else if (value.kind === 'in') {
        if (value.values.includes(undefined)) throw new UndefinedFilterValueError(key);
        for (const item of value.values) args.push(this.#encode(spec, key, item));
        shape += `${key}:in${value.values.length};`;
      } else if (value.kind === 'not') {
        if (value.values[0] === undefined) throw new UndefinedFilterValueError(key);
        args.push(this.#encode(spec, key, value.values[0]));
        shape += `${key}:not;`;
      } else if (value.kind === 'contains') {
        // A raw parameter, not a column value: made storable like one so it can match stored text.
        args.push(`%${escapeLike(storableText(value.text).toLowerCase())}%`);
        shape += `${key}:has;`;
      } else {
        shape += `${key}:`;
        for (const bound of RANGE_BOUNDS) {
          const limit = value.range[bound];
          if (limit === undefined) continue;
          args.push(this.#encode(spec, key, limit));
          shape += bound;
        }
        shape += ';';
      }
    }
    return shape;
  }

  /** ` where …` for a filter's shape (empty for none), parameters numbered from `counter.next`. */
  #where(spec: TableSpec, filter: Filter<TableSpec>, counter: { next: number }): string {
    const conditions: string[] = [];
    for (const [key, value] of Object.entries(filter)) {
      const column = this.#column(spec, key);
      if (value === null) conditions.push(`${column} is null`);
      else if (!(value instanceof FilterOp)) conditions.push(`${column} = ${this.#next(counter)}`);
      else if (value.kind === 'in')
        conditions.push(
          value.values.length === 0
            ? '1 = 0'
            : `${column} in (${value.values.map(() => this.#next(counter)).join(', ')})`,
        );
      else if (value.kind === 'not') conditions.push(`${column} <> ${this.#next(counter)}`);
      else if (value.kind === 'contains')
        conditions.push(`lower(${column}) like ${this.#next(counter)} escape '!'`);
      else
        for (const bound of RANGE_BOUNDS)
          if (value.range[bound] !== undefined)
            conditions.push(`${column} ${RANGE_OPERATORS[bound]} ${this.#next(counter)}`);
    }
    return conditions.length === 0 ? '' : ` where ${conditions.map((c) => `(${c})`).join(' and ')}`;
  }
}

const RANGE_BOUNDS = ['gte', 'gt', 'lte', 'lt'] as const;
const RANGE_OPERATORS: Readonly<Record<(typeof RANGE_BOUNDS)[number], string>> = {
  gte: '>=',
  gt: '>',
  lte: '<=',
  lt: '<',
};
