import {
  AuditEventRecord,
  AuditListQuery,
  CommonErrors,
  EntityId,
  ErrorBody,
  type Page,
  pageOf,
  TenantAuditListQuery,
} from '@tempo/contracts';
import { type Filter, op, type RowOf, type Tables } from '@tempo/core/store';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isSystemAdmin, type Principal } from '../auth/principal.ts';
import type { ServerContext } from '../server-context.ts';

type AuditTable = typeof Tables.auditEvents;
type AuditRow = RowOf<AuditTable>;

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** An instant as the stored text compares with it: every stored time is UTC with a `Z`. */
const utc = (instant: string): string => new Date(instant).toISOString();

/** The list filters of a query; the tenant is added by the caller of this, never taken from here alone. */
const filterOf = (query: TenantAuditListQuery): Filter<AuditTable> => {
  const { action, outcome, actorId, actorName, targetId, fromUtc, toUtc } = query;
  return {
    ...(action ? { action } : {}),
    ...(outcome ? { outcome } : {}),
    ...(actorId ? { actorId } : {}),
    // Names are stored as the principal had them: emails lower-cased.
    ...(actorName ? { actorName: actorName.toLowerCase() } : {}),
    ...(targetId ? { targetId } : {}),
    ...(fromUtc || toUtc
      ? {
          occurredUtc: op.range({
            ...(fromUtc ? { gte: utc(fromUtc) } : {}),
            ...(toUtc ? { lt: utc(toUtc) } : {}),
          }),
        }
      : {}),
  };
};

const toRecord = (row: AuditRow): AuditEventRecord => ({
  ...row,
  actorKind: AuditEventRecord.shape.actorKind.catch('Anonymous').parse(row.actorKind),
  outcome: AuditEventRecord.shape.outcome.catch('Succeeded').parse(row.outcome),
});

const pageOfRows = (page: Page<AuditRow>): Page<AuditEventRecord> => ({
  ...page,
  items: page.items.map(toRecord),
});

/**
 * Whether the caller may read a tenant's audit log: global administrators, and that tenant's
 * tenant administrators. A role grants no access to it, not even the Administrator role: the log
 * shows who changed roles, and a role holder must not see how its own grants are watched.
 */
const readsTenantAudit = (principal: Principal, tenantId: string): boolean =>
  isSystemAdmin(principal) ||
  (principal.kind === 'user' && principal.isTenantAdmin && principal.tenantId === tenantId);

/** `GET /v1.0/tenants/{tenantId}/audit` and `GET /v1.0/audit`: the audit log, newest first. */
export const auditRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { repositories } = context;

  r.get(
    '/v1.0/tenants/:tenantId/audit',
    {
      // Signed-in callers reach the handler, which allows tenant administrators of the tenant and
      // global administrators (no AccessRule says "tenant administrators only").
      config: { access: { kind: 'authenticated' } },
      schema: {
        tags: ['Audit'],
        summary: "List the tenant's audit events, newest first",
        description:
          'Sign-ins, identity, role and permission changes and deletes in the tenant. Tenant administrators of the tenant and global administrators only (403 for everyone else, role holders included).',
        params: z.object({ tenantId: EntityId }),
        querystring: TenantAuditListQuery,
        response: { 200: pageOf(AuditEventRecord), ...errors },
      },
    },
    async (request) => {
      const { tenantId } = request.params;
      if (!readsTenantAudit(request.principal, tenantId)) throw CommonErrors.forbidden();
      if (!(await repositories.tenants.get(tenantId))) throw CommonErrors.notFound('Tenant', tenantId);
      const { pageNumber, pageSize } = request.query;
      return pageOfRows(
        await repositories.auditEvents.list(
          { pageNumber, pageSize },
          { ...filterOf(request.query), tenantId },
        ),
      );
    },
  );

  r.get(
    '/v1.0/audit',
    {
      config: { access: { kind: 'admin' } },
      schema: {
        tags: ['Audit'],
        summary: 'List audit events of every tenant and the global ones, newest first',
        description:
          'Global administrators only. `tenantId` narrows the list to one tenant (a deleted tenant included); events of no tenant (accounts, administrators, failed sign-ins) show when it is omitted.',
        querystring: AuditListQuery,
        response: { 200: pageOf(AuditEventRecord), ...errors },
      },
    },
    async (request) => {
      const { pageNumber, pageSize, tenantId } = request.query;
      return pageOfRows(
        await repositories.auditEvents.list(
          { pageNumber, pageSize },
          { ...filterOf(request.query), ...(tenantId ? { tenantId } : {}) },
        ),
      );
    },
  );
};
