import { MAX_PAGE_SIZE, type Page, PageQuery, type PageQueryInput, TempoError } from '@tempo/contracts';
import type { LooseRow, SqlDialect } from './dialect.ts';
import type { Filter, OrderBy } from './filters.ts';
import { applySealer, type ColumnSealer } from './sealed-columns.ts';
import { type InsertOf, type RowOf, type TableSpec, withDefaults } from './table-model.ts';
import { WriteClock } from './write-clock.ts';

/**
 * Most bound values one multi-row insert carries: under the lowest limit of the dialects
 * (SQLite's 32,766), so a long batch is split into several statements instead of refused.
 */
const MAX_INSERT_PARAMETERS = 30_000;

/** Options of a multi-row read. */
export interface FindOptions<S extends TableSpec> {
  readonly orderBy?: OrderBy<S>;
  readonly limit?: number;
  readonly offset?: number;
}

/** Checks a raw paging query, turning a bad number or size into a 400 error naming the fields. */
export const parsePageQuery = (input: PageQueryInput): PageQuery => {
  const parsed = PageQuery.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message,
  }));
  throw new TempoError(
    'BadRequest',
    400,
    `Invalid paging query (${issues.map((issue) => issue.field).join(', ')}): pageNumber is a whole number from 1, pageSize a whole number from 1 to ${MAX_PAGE_SIZE}.`,
    { issues },
  );
};

/**
 * Reads and writes the rows of one table through a dialect. Knows nothing of tenants: the
 * repositories above it add the tenant to every filter.
 */
export class EntityStore<S extends TableSpec> {
  readonly spec: S;
  readonly #dialect: SqlDialect;
  readonly #clock: WriteClock;
  readonly #sealer: ColumnSealer | undefined;

  constructor(dialect: SqlDialect, spec: S, clock = new WriteClock(), sealer?: ColumnSealer) {
    this.#dialect = dialect;
    this.spec = spec;
    this.#clock = clock;
    // Only tables with sealed columns pay for the per-row check.
    this.#sealer = sealer?.columns[spec.name] ? sealer : undefined;
  }

  /**
   * Runs a write with the clock ticked before and after it, and the table's after-write hook
   * awaited before it resolves. Writes apply in the order they are issued (see `SqlDialect`), so
   * the hook's statements, issued right behind the write, commit with it or after it, never
   * before; they are issued whether the write fails or not, since a failed write may have been
   * applied.
   */
  async #write<T>(write: () => Promise<T>): Promise<T> {
    const table = this.spec.name;
    this.#clock.tick(table);
    let after: Promise<void> | undefined;
    try {
      const written = write();
      after = this.#clock.settle(table);
      return await written;
    } finally {
      this.#clock.tick(table);
      if (after) await after;
    }
  }

  /** Rows matching a filter, in the given order. */
  async find(filter: Filter<S>, options: FindOptions<S> = {}): Promise<RowOf<S>[]> {
    const rows = await this.#dialect.select(this.spec, {
      filter: filter as Filter<TableSpec>,
      orderBy: options.orderBy ?? [],
      ...(options.limit === undefined ? {} : { limit: options.limit, offset: options.offset ?? 0 }),
    });
    if (!this.#sealer) return rows as RowOf<S>[];
    return rows.map((row) => applySealer(this.#sealer, this.spec.name, row, 'open')) as RowOf<S>[];
  }

  /** The first row matching a filter, or null. */
  async findOne(filter: Filter<S>): Promise<RowOf<S> | null> {
    const [row] = await this.find(filter, { limit: 1 });
    return row ?? null;
  }

  /** How many rows match a filter. */
  async count(filter: Filter<S>): Promise<number> {
    return this.#dialect.count(this.spec, filter as Filter<TableSpec>);
  }

  /** One page of the rows matching a filter, with the total count. */
  async page(filter: Filter<S>, query: PageQuery, orderBy: OrderBy<S>): Promise<Page<RowOf<S>>> {
    const [totalCount, items] = await Promise.all([
      this.count(filter),
      this.find(filter, { orderBy, limit: query.pageSize, offset: (query.pageNumber - 1) * query.pageSize }),
    ]);
    return { pageNumber: query.pageNumber, pageSize: query.pageSize, totalCount, items };
  }

  /** Inserts a row, filling defaults; a duplicate unique key is a 409 `Conflict`. */
  async insert(row: InsertOf<S>): Promise<RowOf<S>> {
    const full = withDefaults(this.spec, row);
    const stored = applySealer(this.#sealer, this.spec.name, full as LooseRow, 'seal');
    await this.#write(() => this.#guardRefusals(() => this.#dialect.insert(this.spec, [stored])));
    return full;
  }

  /**
   * Inserts rows, filling defaults, in as few statements as the dialect's parameter limit allows
   * (one for a usual batch); a duplicate unique key is a 409 `Conflict`.
   */
  async insertMany(rows: readonly InsertOf<S>[]): Promise<RowOf<S>[]> {
    const full = rows.map((row) => withDefaults(this.spec, row));
    const stored = full.map((row) => applySealer(this.#sealer, this.spec.name, row as LooseRow, 'seal'));
    const perStatement = Math.max(
      1,
      Math.floor(MAX_INSERT_PARAMETERS / Object.keys(this.spec.columns).length),
    );
    for (let start = 0; start < stored.length; start += perStatement) {
      const chunk = stored.slice(start, start + perStatement);
      await this.#write(() => this.#guardRefusals(() => this.#dialect.insert(this.spec, chunk)));
    }
    return full;
  }

  /**
   * Updates the rows matching a filter; resolves to how many matched. Async like every method
   * here, so a bad filter rejects the promise instead of throwing at the caller.
   */
  async update(filter: Filter<S>, patch: Partial<RowOf<S>>): Promise<number> {
    const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const values = applySealer(this.#sealer, this.spec.name, given, 'seal');
    if (Object.keys(values).length === 0) return this.count(filter);
    return this.#write(() =>
      this.#guardRefusals(() => this.#dialect.update(this.spec, values, filter as Filter<TableSpec>)),
    );
  }

  /** Deletes the rows matching a filter; resolves to how many were deleted. */
  async delete(filter: Filter<S>): Promise<number> {
    return this.#write(() => this.#dialect.delete(this.spec, filter as Filter<TableSpec>));
  }

  /**
   * Turns the database's refusals of a request's values into answers: a duplicate unique key is a
   * 409, and a text longer than its column (PostgreSQL and MySQL check widths; request schemas
   * should have refused it first) a 400 rather than a 500.
   */
  async #guardRefusals<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (this.#dialect.isValueTooLong(error))
        throw new TempoError(
          'BadRequest',
          400,
          `A value is longer than the ${this.spec.name} record can hold.`,
          {
            table: this.spec.name,
          },
        );
      if (!this.#dialect.isUniqueViolation(error)) throw error;
      throw new TempoError(
        'Conflict',
        409,
        `A ${this.spec.name} record with the same unique key already exists.`,
        {
          table: this.spec.name,
        },
      );
    }
  }
}
