import { artifactFiles, artifacts, artifactVersions } from './artifact-tables.ts';
import { auditEvents } from './audit-table.ts';
import { dataFlows, steps, triggers } from './definition-tables.ts';
import { definitionVersions } from './definition-version-table.ts';
import {
  accounts,
  administrators,
  credentials,
  permissions,
  rolePermissionMaps,
  roles,
  tenants,
  userRoleMaps,
  users,
} from './identity-tables.ts';
import { requestHistory } from './request-history-table.ts';
import { flowRuns, runAssignments, stepRuns } from './run-tables.ts';
import { schedulerLeases } from './scheduler-lease-table.ts';
import { serverInstances, workerActivity, workerSessions, workers } from './worker-tables.ts';

/** Every table of the schema, by name. */
export const Tables = {
  accounts,
  administrators,
  tenants,
  users,
  credentials,
  roles,
  permissions,
  userRoleMaps,
  rolePermissionMaps,
  dataFlows,
  steps,
  triggers,
  flowRuns,
  stepRuns,
  runAssignments,
  requestHistory,
  artifacts,
  artifactVersions,
  artifactFiles,
  workers,
  workerSessions,
  workerActivity,
  serverInstances,
  auditEvents,
  definitionVersions,
  schedulerLeases,
} as const;

/** Name of a table in {@link Tables}. */
export type TableName = keyof typeof Tables;

export { nowUtc } from './common-columns.ts';
