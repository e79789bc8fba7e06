import { type Page, type PageQueryInput, TempoError } from '@tempo/contracts';
import { type EntityStore, type FindOptions, parsePageQuery } from './entity-store.ts';
import type { Filter, OrderBy } from './filters.ts';
import type { InsertOf, RowOf, TableSpec } from './table-model.ts';

/** An insert inside a scope: the scope's columns `K` may be left out. */
export type ScopedInsert<S extends TableSpec, K extends string> = Omit<InsertOf<S>, K> & {
  [P in K]?: string;
};

/** A filter on columns every caller knows exist (`id`, `tenantId`); generic tables cannot prove it. */
const keyFilter = <S extends TableSpec>(values: Readonly<Record<string, string>>): Filter<S> =>
  values as unknown as Filter<S>;

/**
 * The rows of one table inside a scope: one tenant, or everything for global tables. The scope
 * is added to every filter, forced onto every created row and stripped from every patch, so no
 * call made through a tenant's repository can read or move another tenant's rows.
 */
export class ScopedRepository<S extends TableSpec, K extends string = never> {
  readonly #store: EntityStore<S>;
  readonly #scope: Filter<S>;
  readonly #defaultOrder: OrderBy<S>;

  constructor(store: EntityStore<S>, scope: Filter<S>, defaultOrder: OrderBy<S>) {
    this.#store = store;
    this.#scope = scope;
    this.#defaultOrder = defaultOrder;
  }

  #scoped(filter: Filter<S>): Filter<S> {
    return { ...filter, ...this.#scope };
  }

  #unscoped<P extends object>(patch: P): P {
    const copy: Record<string, unknown> = { ...(patch as Record<string, unknown>) };
    for (const key of Object.keys(this.#scope)) delete copy[key];
    return copy as P;
  }

  get #hasActive(): boolean {
    return 'active' in this.#store.spec.columns;
  }

  get #hasLastUpdate(): boolean {
    return 'lastUpdateUtc' in this.#store.spec.columns;
  }

  /** The row with this id, or null. */
  get(id: string): Promise<RowOf<S> | null> {
    return this.#store.findOne(this.#scoped(keyFilter<S>({ id })));
  }

  /** The row with this id; a 404 `NotFound` naming `resource` when there is none. */
  async require(id: string, resource: string): Promise<RowOf<S>> {
    const row = await this.get(id);
    if (row) return row;
    throw new TempoError('NotFound', 404, `${resource} ${id} was not found.`, { resource, id });
  }

  /** One page of rows, inactive ones only when `includeInactive`; a bad query is a 400. */
  list(query: PageQueryInput, filter: Filter<S> = {}, orderBy?: OrderBy<S>): Promise<Page<RowOf<S>>> {
    const page = parsePageQuery(query);
    const visible =
      this.#hasActive && !page.includeInactive ? ({ ...filter, active: true } as Filter<S>) : filter;
    return this.#store.page(this.#scoped(visible), page, orderBy ?? this.#defaultOrder);
  }

  /** Every row matching a filter. */
  find(filter: Filter<S> = {}, options: FindOptions<S> = {}): Promise<RowOf<S>[]> {
    return this.#store.find(this.#scoped(filter), { orderBy: this.#defaultOrder, ...options });
  }

  /** The first row matching a filter, or null. */
  findOne(filter: Filter<S>): Promise<RowOf<S> | null> {
    return this.#store.findOne(this.#scoped(filter));
  }

  /** How many rows match a filter. */
  count(filter: Filter<S> = {}): Promise<number> {
    return this.#store.count(this.#scoped(filter));
  }

  /** Inserts a row inside the scope; the scope's columns are filled (and overridden) by the scope. */
  create(row: ScopedInsert<S, K>): Promise<RowOf<S>> {
    return this.#store.insert({ ...row, ...this.#scope } as InsertOf<S>);
  }

  /**
   * Inserts rows inside the scope with one statement per few thousand values (one for a usual
   * batch); the scope's columns are filled (and overridden) by the scope.
   */
  createMany(rows: readonly ScopedInsert<S, K>[]): Promise<RowOf<S>[]> {
    return this.#store.insertMany(rows.map((row) => ({ ...row, ...this.#scope }) as InsertOf<S>));
  }

  /** Applies a patch to the row with this id and returns the row as stored, or null if absent. */
  async update(id: string, patch: Partial<RowOf<S>>): Promise<RowOf<S> | null> {
    const matched = await this.updateWhere(keyFilter<S>({ id }), patch);
    return matched === 0 ? null : this.get(id);
  }

  /** Applies a patch to every matching row, refreshing `lastUpdateUtc`; resolves to the count. */
  updateWhere(filter: Filter<S>, patch: Partial<RowOf<S>>): Promise<number> {
    const { id: _id, ...rest } = this.#unscoped(patch) as Partial<RowOf<S>> & { id?: unknown };
    const stamped = this.#hasLastUpdate ? { lastUpdateUtc: new Date().toISOString(), ...rest } : rest;
    return this.#store.update(this.#scoped(filter), stamped as Partial<RowOf<S>>);
  }

  /** Deletes the row with this id; resolves to whether it existed. */
  async delete(id: string): Promise<boolean> {
    return (await this.deleteWhere(keyFilter<S>({ id }))) > 0;
  }

  /** Deletes every matching row; resolves to how many were deleted. */
  deleteWhere(filter: Filter<S>): Promise<number> {
    return this.#store.delete(this.#scoped(filter));
  }
}

/** A table whose rows belong to tenants: reachable only through {@link TenantTable.inTenant}. */
export class TenantTable<S extends TableSpec> {
  readonly #store: EntityStore<S>;
  readonly #defaultOrder: OrderBy<S>;

  constructor(store: EntityStore<S>, defaultOrder: OrderBy<S>) {
    this.#store = store;
    this.#defaultOrder = defaultOrder;
  }

  /**
   * Rows of every tenant matching a filter. Only for resolving who is calling (a credential's
   * access key, a user's email at sign-in), before any tenant is known; never for serving data.
   */
  findAcrossTenants(filter: Filter<S>, limit = 10): Promise<RowOf<S>[]> {
    return this.#store.find(filter, { orderBy: this.#defaultOrder, limit });
  }

  /** The rows of one tenant. */
  inTenant(tenantId: string): ScopedRepository<S, 'tenantId'> {
    if (typeof tenantId !== 'string' || tenantId.trim() === '') {
      throw new TempoError('BadRequest', 400, 'tenantId required.');
    }
    return new ScopedRepository(this.#store, keyFilter<S>({ tenantId }), this.#defaultOrder);
  }
}
