import { op, type Repositories } from '@tempo/core/store';
import type { ServerContext } from '../server-context.ts';

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

/** Runs removed per round, so a tenant with a long history is never read into memory at once. */
const RUN_BATCH = 200;

/**
 * Deletes a tenant's runs a batch at a time, with the global rows keyed by their ids: run
 * assignments and worker activity carry no tenant id, only the run's.
 */
const deleteRuns = async (repositories: Repositories, tenantId: string): Promise<void> => {
  const runs = repositories.flowRuns.inTenant(tenantId);
  for (;;) {
    const ids = (await runs.find({}, { limit: RUN_BATCH })).map((run) => run.id);
    if (ids.length === 0) return;
    await repositories.runAssignments.deleteWhere({ flowRunId: op.in(ids) });
    await repositories.workerActivity.deleteWhere({ flowRunId: op.in(ids) });
    await repositories.stepRuns.inTenant(tenantId).deleteWhere({ flowRunId: op.in(ids) });
    await runs.deleteWhere({ id: op.in(ids) });
  }
};

/**
 * Deletes every row a tenant owns, then its package blobs and unpacked folders; the tenant row
 * itself is the caller's to delete. Its runs are stopped first, so a run that was going does not
 * make another outbound call, write a row or open a package after its tenant is gone.
 */
export const deleteTenantData = async (
  context: Pick<ServerContext, 'repositories' | 'runs' | 'artifacts'>,
  tenantId: string,
): Promise<void> => {
  const { repositories } = context;
  await context.runs.stopTenant(tenantId);
  await deleteRuns(repositories, tenantId);
  for (const table of TENANT_TABLES) await repositories[table].inTenant(tenantId).deleteWhere({});
  await context.artifacts.deleteTenantStorage(tenantId);
};
