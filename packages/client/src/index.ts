/** @tempo/client: typed REST client of the Tempo API over `fetch`, for browsers and Node. */
export type { ArtifactsClient } from './artifacts-client.ts';
export type { AuditClient, TenantAuditClient } from './audit-client.ts';
export { TempoApiError, TempoResponseError } from './client-errors.ts';
export type { ClientCredentials, TempoClientOptions } from './client-options.ts';
export type { BulkCrudClient, CrudClient } from './crud-client.ts';
export type { RawResponse, RequestOptions } from './http-transport.ts';
export type {
  HttpTriggersClient,
  TriggerCallOptions,
  TriggerCallResult,
  TriggerRunInfo,
} from './http-triggers-client.ts';
export type { QueryValues } from './request-url.ts';
export type { RunsClient } from './runs-client.ts';
export type { RuntimesClient, StepRegistryClient, TenantRuntimesClient } from './runtime-catalog.ts';
export {
  type AccountsClient,
  type AdministratorsClient,
  TempoClient,
  type TenantsClient,
} from './tempo-client.ts';
export type { TenantClient } from './tenant-client.ts';
export type {
  CredentialsClient,
  FlowsClient,
  PermissionsClient,
  RolePermissionMapsClient,
  RolesClient,
  StepsClient,
  TriggersClient,
  UserRoleMapsClient,
  UsersClient,
} from './tenant-collections.ts';
export type { TokenClient } from './token-client.ts';
