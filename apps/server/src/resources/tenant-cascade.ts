import type { Repositories } from '@tempo/core/store';

/** Tables whose rows belong to a tenant, deleted with it (children before parents). */
const TENANT_TABLES = [
  'stepRuns',
  'flowRuns',
  'triggers',
  'dataFlows',
  'steps',
  'artifactFiles',
  'artifactVersions',
  'artifacts',
  'userRoleMaps',
  'rolePermissionMaps',
  'credentials',
  'users',
  'permissions',
  'roles',
] as const satisfies readonly (keyof Repositories)[];

/** Deletes every row a tenant owns; the tenant row itself is the caller's to delete. */
export const deleteTenantData = async (repositories: Repositories, tenantId: string): Promise<void> => {
  for (const table of TENANT_TABLES) await repositories[table].inTenant(tenantId).deleteWhere({});
};
