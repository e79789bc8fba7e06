import { BulkDeleteResponse, type Page, type PageQueryInput, pageOf } from '@tempo/contracts';
import type { z } from 'zod';
import type { HttpTransport } from './http-transport.ts';
import { segment } from './request-url.ts';

/**
 * List, read, create, update and delete of one collection. `R` is the record schema answers are
 * parsed with; `C` and `U` are the create and update request schemas, whose *input* types the
 * bodies take so that defaulted fields may be left out. Bodies are not checked here: the server
 * is the one judge of a body, and its 400 says why.
 */
export class CrudClient<R extends z.ZodType, C extends z.ZodType, U extends z.ZodType> {
  /** Transport of the owning client. */
  protected readonly transport: HttpTransport;
  /** Collection path, e.g. `/v1.0/tenants/ten_1/users`. */
  protected readonly path: string;
  readonly #record: R;

  constructor(transport: HttpTransport, path: string, record: R) {
    this.transport = transport;
    this.path = path;
    this.#record = record;
  }

  /** One page of records (`GET {collection}`); default page 1 of 25, active records only. */
  list(query: PageQueryInput = {}): Promise<Page<z.output<R>>> {
    return this.transport.request('GET', this.path, pageOf(this.#record), { query });
  }

  /** One record (`GET {collection}/{id}`). */
  get(id: string): Promise<z.output<R>> {
    return this.transport.request('GET', this.item(id), this.#record);
  }

  /** Creates a record (`POST {collection}`) and resolves to it as stored. */
  create(body: z.input<C>): Promise<z.output<R>> {
    return this.transport.request('POST', this.path, this.#record, { body });
  }

  /** Changes a record (`PUT {collection}/{id}`); omitted fields keep their value. */
  update(id: string, body: z.input<U>): Promise<z.output<R>> {
    return this.transport.request('PUT', this.item(id), this.#record, { body });
  }

  /** Deletes a record (`DELETE {collection}/{id}`, answered 204). */
  delete(id: string): Promise<void> {
    return this.transport.send('DELETE', this.item(id));
  }

  /** Path of one record, or of a route under it when `suffix` is given. */
  protected item(id: string, suffix = ''): string {
    return `${this.path}/${segment(id)}${suffix}`;
  }
}

/** A collection that also deletes in bulk (`POST {collection}/bulk-delete`). */
export class BulkCrudClient<R extends z.ZodType, C extends z.ZodType, U extends z.ZodType> extends CrudClient<
  R,
  C,
  U
> {
  /** Deletes several records; protected and still-referenced ones are skipped and listed. */
  bulkDelete(ids: readonly string[]): Promise<BulkDeleteResponse> {
    return this.transport.request('POST', `${this.path}/bulk-delete`, BulkDeleteResponse, { body: { ids } });
  }
}
