import {
  AuditEventRecord,
  type AuditListQuery,
  type Page,
  pageOf,
  type TenantAuditListQuery,
} from '@tempo/contracts';
import type { z } from 'zod';
import type { HttpTransport } from './http-transport.ts';

/** `GET /v1.0/audit`: the audit log of every tenant and the global events (global administrators). */
export class AuditClient {
  readonly #transport: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#transport = transport;
  }

  /** Audit events, newest first, filtered by tenant, action, outcome, actor, target and time. */
  list(query: z.input<typeof AuditListQuery> = {}): Promise<Page<AuditEventRecord>> {
    return this.#transport.request('GET', '/v1.0/audit', pageOf(AuditEventRecord), { query });
  }
}

/** `GET /v1.0/tenants/{tenantId}/audit`: one tenant's audit log (its tenant administrators, global administrators). */
export class TenantAuditClient {
  readonly #transport: HttpTransport;
  readonly #path: string;

  constructor(transport: HttpTransport, tenantPath: string) {
    this.#transport = transport;
    this.#path = `${tenantPath}/audit`;
  }

  /** The tenant's audit events, newest first, filtered by action, outcome, actor, target and time. */
  list(query: z.input<typeof TenantAuditListQuery> = {}): Promise<Page<AuditEventRecord>> {
    return this.#transport.request('GET', this.#path, pageOf(AuditEventRecord), { query });
  }
}
