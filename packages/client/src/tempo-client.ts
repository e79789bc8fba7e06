import {
  AccountRecord,
  AdministratorRecord,
  type CreateAccountRequest,
  type CreateAdministratorRequest,
  type CreateTenantRequest,
  HealthResponse,
  MeResponse,
  RegisteredStep,
  RuntimeDescriptor,
  ServerInfoResponse,
  TenantRecord,
  TokenDetailsResponse,
  type TokenRequest,
  TokenResponse,
  TokenValidityResponse,
  type UpdateAccountRequest,
  type UpdateAdministratorRequest,
  type UpdateTenantRequest,
} from '@tempo/contracts';
import { z } from 'zod';
import { CrudClient } from './crud-client.ts';
import {
  type ClientCredentials,
  HttpTransport,
  type RawResponse,
  type RequestOptions,
  segment,
  type TempoClientOptions,
} from './http-transport.ts';
import { TenantClient } from './tenant-client.ts';

type In<T extends z.ZodType> = z.input<T>;

/**
 * Typed client of the Tempo REST API: every route, answers validated with the contracts'
 * schemas, failures thrown as `TempoApiError` with the server's error code.
 */
export class TempoClient {
  readonly #transport: HttpTransport;
  /** Sign-in and the credentials of this client. */
  readonly token: {
    issue(body: TokenRequest): Promise<TokenResponse>;
    check(): Promise<TokenValidityResponse>;
    details(): Promise<TokenDetailsResponse>;
  };
  readonly accounts: CrudClient<
    typeof AccountRecord,
    In<typeof CreateAccountRequest>,
    In<typeof UpdateAccountRequest>
  >;
  readonly admins: CrudClient<
    typeof AdministratorRecord,
    In<typeof CreateAdministratorRequest>,
    In<typeof UpdateAdministratorRequest>
  >;
  readonly tenants: CrudClient<
    typeof TenantRecord,
    In<typeof CreateTenantRequest>,
    In<typeof UpdateTenantRequest>
  >;
  readonly runtimes: {
    list(): Promise<RuntimeDescriptor[]>;
    get(runtimeKey: string): Promise<RuntimeDescriptor>;
  };
  readonly steps: { registered(): Promise<RegisteredStep[]> };

  constructor(options: TempoClientOptions) {
    const transport = new HttpTransport(options);
    this.#transport = transport;
    this.token = {
      issue: (body) => transport.request('POST', '/v1.0/token', TokenResponse, { body }),
      check: () => transport.request('GET', '/v1.0/token', TokenValidityResponse),
      details: () => transport.request('GET', '/v1.0/token/details', TokenDetailsResponse),
    };
    this.accounts = new CrudClient(transport, '/v1.0/accounts', AccountRecord);
    this.admins = new CrudClient(transport, '/v1.0/admins', AdministratorRecord);
    this.tenants = new CrudClient(transport, '/v1.0/tenants', TenantRecord);
    this.runtimes = {
      list: () => transport.request('GET', '/v1.0/runtimes', z.array(RuntimeDescriptor)),
      get: (runtimeKey) =>
        transport.request('GET', `/v1.0/runtimes/${segment(runtimeKey)}`, RuntimeDescriptor),
    };
    this.steps = {
      registered: () => transport.request('GET', '/v1.0/steps/registered', z.array(RegisteredStep)),
    };
  }

  /** A client of the same server with other credentials. */
  withCredentials(credentials: ClientCredentials): TempoClient {
    return new TempoClient({ ...this.#transport.options, credentials });
  }

  /** Everything under `/v1.0/tenants/{tenantId}`. */
  tenant(tenantId: string): TenantClient {
    return new TenantClient(this.#transport, tenantId);
  }

  /** `GET /`: server name and version. */
  serverInfo() {
    return this.#transport.request('GET', '/', ServerInfoResponse);
  }

  /** `GET /v1.0/api/health`. */
  health() {
    return this.#transport.request('GET', '/v1.0/api/health', HealthResponse);
  }

  /** `GET /v1.0/me`: who these credentials belong to. */
  me() {
    return this.#transport.request('GET', '/v1.0/me', MeResponse);
  }

  /** Any request, answered whatever its status (never throws on an HTTP error). */
  raw(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    return this.#transport.raw(method, path, options);
  }
}
