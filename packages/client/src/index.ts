/** @tempo/client: typed REST client of the Tempo API. */
export {
  type ClientCredentials,
  type RequestOptions,
  TempoApiError,
  TempoClient,
  type TempoClientOptions,
} from './tempo-client.ts';
