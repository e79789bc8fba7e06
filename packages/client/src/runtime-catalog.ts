import {
  ExternalExecutionStatusResponse,
  RegisteredStep,
  RuntimeDescriptor,
  TenantExternalExecutionStatusResponse,
  type ValidateRuntimeConfigRequest,
  ValidateRuntimeConfigResponse,
} from '@tempo/contracts';
import { z } from 'zod';
import type { HttpTransport } from './http-transport.ts';
import { segment } from './request-url.ts';

/** The server's runtime catalog as probed at start-up (`/v1.0/runtimes`). */
export class RuntimesClient {
  readonly #transport: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#transport = transport;
  }

  /** Every runtime with its availability on this host. */
  list(): Promise<RuntimeDescriptor[]> {
    return this.#transport.request('GET', '/v1.0/runtimes', z.array(RuntimeDescriptor));
  }

  /** Process limits, folders and capacity pressure of the handler runtimes (administrators only). */
  externalExecution(): Promise<ExternalExecutionStatusResponse> {
    return this.#transport.request(
      'GET',
      '/v1.0/runtimes/external-execution',
      ExternalExecutionStatusResponse,
    );
  }

  /** One runtime by key, e.g. `Artifact.Python`; an unknown key is a 404. */
  get(runtimeKey: string): Promise<RuntimeDescriptor> {
    return this.#transport.request('GET', `/v1.0/runtimes/${segment(runtimeKey)}`, RuntimeDescriptor);
  }
}

/** The runtime catalog as one tenant sees it (`/v1.0/tenants/{tenantId}/runtimes`). */
export class TenantRuntimesClient {
  readonly #transport: HttpTransport;
  readonly #path: string;

  constructor(transport: HttpTransport, tenantPath: string) {
    this.#transport = transport;
    this.#path = `${tenantPath}/runtimes`;
  }

  /** Every runtime with its availability. */
  list(): Promise<RuntimeDescriptor[]> {
    return this.#transport.request('GET', this.#path, z.array(RuntimeDescriptor));
  }

  /** Process limits and this tenant's own process counters. */
  externalExecution(): Promise<TenantExternalExecutionStatusResponse> {
    return this.#transport.request(
      'GET',
      `${this.#path}/external-execution`,
      TenantExternalExecutionStatusResponse,
    );
  }

  /** Checks a runtime configuration; an invalid one is `valid: false` with the reasons, not a 400. */
  validate(body: z.input<typeof ValidateRuntimeConfigRequest>): Promise<ValidateRuntimeConfigResponse> {
    return this.#transport.request('POST', `${this.#path}/validate`, ValidateRuntimeConfigResponse, { body });
  }
}

/** Built-in steps known to the server process (`/v1.0/steps`). */
export class StepRegistryClient {
  readonly #transport: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#transport = transport;
  }

  /** The built-in steps registered in the running server. */
  registered(): Promise<RegisteredStep[]> {
    return this.#transport.request('GET', '/v1.0/steps/registered', z.array(RegisteredStep));
  }
}
