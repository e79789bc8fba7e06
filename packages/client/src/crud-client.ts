import { BulkDeleteResponse, pageOf } from '@tempo/contracts';
import { z } from 'zod';
import { type HttpTransport, segment } from './http-transport.ts';

/** Paging of a list call; strings are sent as they are, so tests can send bad values. */
export interface ListQuery {
  readonly pageNumber?: number | string;
  readonly pageSize?: number | string;
  readonly includeInactive?: boolean | string;
}

/** List, read, create, update and delete of one collection. */
export class CrudClient<R extends z.ZodType, C, U> {
  protected readonly transport: HttpTransport;
  protected readonly path: string;
  readonly #record: R;

  constructor(transport: HttpTransport, path: string, record: R) {
    this.transport = transport;
    this.path = path;
    this.#record = record;
  }

  /** One page of records. */
  list(query: ListQuery = {}) {
    return this.transport.request('GET', this.path, pageOf(this.#record), { query: { ...query } });
  }

  /** One record. */
  get(id: string): Promise<z.infer<R>> {
    return this.transport.request('GET', `${this.path}/${segment(id)}`, this.#record);
  }

  /** Creates a record. */
  create(body: C): Promise<z.infer<R>> {
    return this.transport.request('POST', this.path, this.#record, { body });
  }

  /** Updates a record. */
  update(id: string, body: U): Promise<z.infer<R>> {
    return this.transport.request('PUT', `${this.path}/${segment(id)}`, this.#record, { body });
  }

  /** Deletes a record. */
  async delete(id: string): Promise<void> {
    await this.transport.request('DELETE', `${this.path}/${segment(id)}`, z.null());
  }
}

/** A collection that also supports `bulk-delete`. */
export class BulkCrudClient<R extends z.ZodType, C, U> extends CrudClient<R, C, U> {
  /** Deletes several records; protected and referenced ones are skipped and listed. */
  bulkDelete(ids: readonly string[]) {
    return this.transport.request('POST', `${this.path}/bulk-delete`, BulkDeleteResponse, { body: { ids } });
  }
}
