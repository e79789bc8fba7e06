import { col, table } from '../table-model.ts';
import { nowUtc } from './common-columns.ts';

/**
 * `audit_events`: security-relevant actions (sign-ins, identity and permission changes, deletes).
 * Tenant is null for events of no tenant (accounts, administrators, failed sign-ins). Rows are
 * only ever inserted and swept by age, never updated.
 */
export const auditEvents = table(
  'audit_events',
  {
    id: col.id(),
    tenantId: col.id().nullable(),
    occurredUtc: col.timestamp().default(nowUtc),
    actorKind: col.text(32),
    actorId: col.id().nullable(),
    actorName: col.text(320).nullable(),
    authMethod: col.text(32).nullable(),
    sourceIp: col.text(64).nullable(),
    action: col.text(64),
    targetType: col.text(64).nullable(),
    targetId: col.text(255).nullable(),
    outcome: col.text(32),
    statusCode: col.int().default(0),
    detail: col.json<Record<string, unknown>>().default(() => ({})),
  },
  // Lists are newest first, globally or for one tenant; the sweep deletes by age.
  { indexes: [['occurredUtc'], ['tenantId', 'occurredUtc']] },
);
