/** @tempo/client: typed REST client of the Tempo API, for browsers and Node. */
export { BulkCrudClient, CrudClient, type ListQuery } from './crud-client.ts';
export {
  type ClientCredentials,
  type QueryValues,
  type RawResponse,
  type RequestOptions,
  TempoApiError,
  type TempoClientOptions,
} from './http-transport.ts';
export { type RunListFilter, RunsClient } from './runs-client.ts';
export { TempoClient } from './tempo-client.ts';
export { TenantClient } from './tenant-client.ts';
