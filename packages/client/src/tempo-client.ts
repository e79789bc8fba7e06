import {
  AccountRecord,
  AdministratorRecord,
  type CreateAccountRequest,
  type CreateAdministratorRequest,
  type CreateTenantRequest,
  HealthResponse,
  MeResponse,
  ServerInfoResponse,
  TenantRecord,
  type UpdateAccountRequest,
  type UpdateAdministratorRequest,
  type UpdateTenantRequest,
} from '@tempo/contracts';
import { z } from 'zod';
import { AuditClient } from './audit-client.ts';
import type { ClientCredentials, TempoClientOptions } from './client-options.ts';
import { CrudClient } from './crud-client.ts';
import { HttpTransport, type RawResponse, type RequestOptions } from './http-transport.ts';
import { HttpTriggersClient } from './http-triggers-client.ts';
import { RuntimesClient, StepRegistryClient } from './runtime-catalog.ts';
import { TenantClient } from './tenant-client.ts';
import { TokenClient } from './token-client.ts';

/** Accounts (`/v1.0/accounts`): administrators only. */
export type AccountsClient = CrudClient<
  typeof AccountRecord,
  typeof CreateAccountRequest,
  typeof UpdateAccountRequest
>;

/** Administrators (`/v1.0/admins`): administrators only; passwords come back as `****`. */
export type AdministratorsClient = CrudClient<
  typeof AdministratorRecord,
  typeof CreateAdministratorRequest,
  typeof UpdateAdministratorRequest
>;

/** Tenants (`/v1.0/tenants`): administrators change them; other callers list and read their own. */
export type TenantsClient = CrudClient<
  typeof TenantRecord,
  typeof CreateTenantRequest,
  typeof UpdateTenantRequest
>;

/** An OpenAPI document: an object whose shape the client does not check. */
const OpenApiDocument = z.record(z.string(), z.unknown());

/**
 * Typed client of the Tempo REST API over `fetch`, for browsers and Node. Answers are parsed
 * with the contracts' schemas; a non-2xx answer throws `TempoApiError` with the server's code.
 */
export class TempoClient {
  readonly #options: TempoClientOptions;
  readonly #transport: HttpTransport;
  /** Sign-in and the state of this client's credentials. */
  readonly token: TokenClient;
  /** `/v1.0/accounts`. */
  readonly accounts: AccountsClient;
  /** `/v1.0/admins`. */
  readonly admins: AdministratorsClient;
  /** `/v1.0/tenants`; what lies inside one tenant is under {@link TempoClient.tenant}. */
  readonly tenants: TenantsClient;
  /** The server's runtime catalog. */
  readonly runtimes: RuntimesClient;
  /** The built-in steps registered in the server process. */
  readonly steps: StepRegistryClient;
  /** Calls of HTTP triggers, which wait for their run. */
  readonly httpTriggers: HttpTriggersClient;
  /** `/v1.0/audit`: the audit log across tenants (global administrators). */
  readonly audit: AuditClient;

  constructor(options: TempoClientOptions) {
    const transport = new HttpTransport(options);
    this.#options = options;
    this.#transport = transport;
    this.token = new TokenClient(transport);
    this.accounts = new CrudClient(transport, '/v1.0/accounts', AccountRecord);
    this.admins = new CrudClient(transport, '/v1.0/admins', AdministratorRecord);
    this.tenants = new CrudClient(transport, '/v1.0/tenants', TenantRecord);
    this.runtimes = new RuntimesClient(transport);
    this.steps = new StepRegistryClient(transport);
    this.httpTriggers = new HttpTriggersClient(transport);
    this.audit = new AuditClient(transport);
  }

  /** A client of the same server and time limit that calls with other credentials. */
  withCredentials(credentials: ClientCredentials): TempoClient {
    return new TempoClient({ ...this.#options, credentials });
  }

  /** Everything under `/v1.0/tenants/{tenantId}`. */
  tenant(tenantId: string): TenantClient {
    return new TenantClient(this.#transport, tenantId);
  }

  /** `GET /`: server name and version; needs no credentials. */
  serverInfo(): Promise<ServerInfoResponse> {
    return this.#transport.request('GET', '/', ServerInfoResponse);
  }

  /** `GET /v1.0/api/health`; needs no credentials. */
  health(): Promise<HealthResponse> {
    return this.#transport.request('GET', '/v1.0/api/health', HealthResponse);
  }

  /** `GET /v1.0/me`: who these credentials belong to (`anonymous` when none are valid). */
  me(): Promise<MeResponse> {
    return this.#transport.request('GET', '/v1.0/me', MeResponse);
  }

  /** `GET /openapi.json`: the server's OpenAPI 3.1 document. */
  openApiDocument(): Promise<Record<string, unknown>> {
    return this.#transport.request('GET', '/openapi.json', OpenApiDocument);
  }

  /**
   * Any route, its 2xx answer parsed with `schema`: for routes this client does not wrap yet.
   * Throws `TempoApiError` on a non-2xx answer and `TempoResponseError` on a body that does not
   * match `schema`.
   */
  request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    options: RequestOptions = {},
  ): Promise<z.output<T>> {
    return this.#transport.request(method, path, schema, options);
  }

  /**
   * Any request, resolved whatever its status (only network failures and timeouts reject): for
   * black-box and fuzz tests that send malformed input and check the answer themselves.
   */
  raw(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    return this.#transport.raw(method, path, options);
  }
}
