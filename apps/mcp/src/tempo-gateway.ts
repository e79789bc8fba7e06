import { type QueryValues, TempoClient } from '@tempo/client';
import { forwardedCredentialHeaders } from './forwarded-credentials.ts';
import type { McpTempoSettings } from './mcp-settings.ts';
import { envelopeOf, type ToolEnvelope } from './tool-envelope.ts';

/** A tool call that cannot be sent as given; its message names the argument to fix. */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
  /** The argument at fault. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** What one REST call sends besides its method and path. */
export interface GatewayCallOptions {
  readonly query?: QueryValues;
  readonly body?: unknown;
}

/**
 * The MCP server's one way to Tempo: REST calls through `@tempo/client` with the configured
 * credentials, every answer (2xx or not) turned into the tool envelope.
 */
export class TempoGateway {
  readonly #client: TempoClient;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #endpoint: string;
  readonly #defaultTenantId: string | null;

  constructor(tempo: McpTempoSettings) {
    // Credentials go as the reference sends them (x-token, bearer access key), not as the
    // client's own credential order would, so they ride in explicit headers.
    this.#client = new TempoClient({ baseUrl: tempo.endpoint, timeoutMs: tempo.timeoutMs });
    this.#headers = forwardedCredentialHeaders(tempo);
    this.#endpoint = tempo.endpoint;
    this.#defaultTenantId = tempo.defaultTenantId;
  }

  /** The tenant a tenant-scoped tool works in: its `tenantId` argument, else the default tenant. */
  tenantOf(tenantId: string | undefined): string {
    const chosen = tenantId ?? this.#defaultTenantId;
    if (!chosen) {
      throw new ToolInputError(
        'tenantId',
        'tenantId is required: pass tenantId (e.g. "ten_...", see tenant_list), or configure tempo.defaultTenantId.',
      );
    }
    return chosen;
  }

  /** One REST call; resolves to the envelope of whatever Tempo answered. */
  async call(method: string, path: string, options: GatewayCallOptions = {}): Promise<ToolEnvelope> {
    try {
      const answer = await this.#client.raw(method, path, {
        headers: this.#headers,
        ...(options.query === undefined ? {} : { query: options.query }),
        ...(options.body === undefined ? {} : { body: options.body }),
      });
      return envelopeOf(answer);
    } catch (error) {
      // Network failures and timeouts have no answer to wrap: the model is told where it failed.
      const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
      throw new Error(
        `Tempo at ${this.#endpoint} did not answer ${method} ${path.split('?')[0]}: ${(error as Error).message}${cause ? ` (${cause})` : ''}. Is the Tempo server running?`,
      );
    }
  }
}

/** `value` as one URL path segment, so an id can never reach another route. */
export const seg = (value: string): string => encodeURIComponent(value);
