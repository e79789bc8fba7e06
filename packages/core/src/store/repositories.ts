import { DefinitionStamp } from './definition-stamp.ts';
import type { SqlDialect } from './dialect.ts';
import { EntityStore } from './entity-store.ts';
import type { OrderBy } from './filters.ts';
import { ScopedRepository, TenantTable } from './repository.ts';
import { SchedulerLeases } from './scheduler-leases.ts';
import type { ColumnSealer } from './sealed-columns.ts';
import type { TableSpec } from './table-model.ts';
import { Tables } from './tables/index.ts';
import { WriteClock } from './write-clock.ts';

type T = typeof Tables;

const oldestFirst = [
  { column: 'createdUtc', direction: 'asc' },
  { column: 'id', direction: 'asc' },
] as const;
const newestFirst = [
  { column: 'createdUtc', direction: 'desc' },
  { column: 'id', direction: 'desc' },
] as const;

/** Every repository. Tenant-owned tables are {@link TenantTable}s; global ones are scoped to all. */
export interface Repositories {
  readonly accounts: ScopedRepository<T['accounts']>;
  readonly administrators: ScopedRepository<T['administrators']>;
  readonly tenants: ScopedRepository<T['tenants']>;
  readonly users: TenantTable<T['users']>;
  readonly credentials: TenantTable<T['credentials']>;
  readonly roles: TenantTable<T['roles']>;
  readonly permissions: TenantTable<T['permissions']>;
  readonly userRoleMaps: TenantTable<T['userRoleMaps']>;
  readonly rolePermissionMaps: TenantTable<T['rolePermissionMaps']>;
  readonly dataFlows: TenantTable<T['dataFlows']>;
  readonly steps: TenantTable<T['steps']>;
  readonly triggers: TenantTable<T['triggers']>;
  readonly flowRuns: TenantTable<T['flowRuns']>;
  readonly stepRuns: TenantTable<T['stepRuns']>;
  readonly artifacts: TenantTable<T['artifacts']>;
  readonly artifactVersions: TenantTable<T['artifactVersions']>;
  readonly artifactFiles: TenantTable<T['artifactFiles']>;
  readonly runAssignments: ScopedRepository<T['runAssignments']>;
  /** Request history is global: its tenant may be null, and filters add the tenant explicitly. */
  readonly requestHistory: ScopedRepository<T['requestHistory']>;
  readonly workers: ScopedRepository<T['workers']>;
  readonly workerSessions: ScopedRepository<T['workerSessions']>;
  readonly workerActivity: ScopedRepository<T['workerActivity']>;
  readonly serverInstances: ScopedRepository<T['serverInstances']>;
  /** The audit log is global like request history: its tenant may be null, filters add it explicitly. */
  readonly auditEvents: ScopedRepository<T['auditEvents']>;
  /** Counts the writes made through these repositories, per table, for caches of their rows. */
  readonly writeClock: WriteClock;
  /** The database-wide stamp of the definitions, moved by every write to them through this store. */
  readonly definitionStamp: DefinitionStamp;
  /** Roles one server at a time holds among those sharing the database (the scheduler). */
  readonly schedulerLeases: SchedulerLeases;
  /** Which database the repositories talk to. */
  readonly databaseType: SqlDialect['type'];
}

/**
 * Builds every repository over one dialect.
 * @param sealer seals the columns holding secrets at rest; without one they are stored as given.
 */
export const createRepositories = (dialect: SqlDialect, sealer?: ColumnSealer): Repositories => {
  const writeClock = new WriteClock();
  const tenant = <S extends TableSpec>(spec: S, order: OrderBy<S>) =>
    new TenantTable(new EntityStore(dialect, spec, writeClock, sealer), order);
  const global = <S extends TableSpec>(spec: S, order: OrderBy<S>) =>
    new ScopedRepository(new EntityStore(dialect, spec, writeClock, sealer), {}, order);
  const byStart = [
    { column: 'startedUtc', direction: 'asc' },
    { column: 'id', direction: 'asc' },
  ] as const;
  return {
    accounts: global(Tables.accounts, oldestFirst),
    administrators: global(Tables.administrators, oldestFirst),
    tenants: global(Tables.tenants, oldestFirst),
    users: tenant(Tables.users, oldestFirst),
    credentials: tenant(Tables.credentials, oldestFirst),
    roles: tenant(Tables.roles, oldestFirst),
    permissions: tenant(Tables.permissions, oldestFirst),
    userRoleMaps: tenant(Tables.userRoleMaps, oldestFirst),
    rolePermissionMaps: tenant(Tables.rolePermissionMaps, oldestFirst),
    dataFlows: tenant(Tables.dataFlows, oldestFirst),
    steps: tenant(Tables.steps, oldestFirst),
    triggers: tenant(Tables.triggers, oldestFirst),
    flowRuns: tenant(Tables.flowRuns, newestFirst),
    stepRuns: tenant(Tables.stepRuns, [
      { column: 'sequence', direction: 'asc' },
      { column: 'id', direction: 'asc' },
    ]),
    artifacts: tenant(Tables.artifacts, oldestFirst),
    artifactVersions: tenant(Tables.artifactVersions, oldestFirst),
    artifactFiles: tenant(Tables.artifactFiles, [{ column: 'path', direction: 'asc' }]),
    runAssignments: global(Tables.runAssignments, [
      { column: 'assignedUtc', direction: 'asc' },
      { column: 'id', direction: 'asc' },
    ]),
    requestHistory: global(Tables.requestHistory, newestFirst),
    workers: global(Tables.workers, oldestFirst),
    workerSessions: global(Tables.workerSessions, [
      { column: 'connectedUtc', direction: 'desc' },
      { column: 'id', direction: 'desc' },
    ]),
    workerActivity: global(Tables.workerActivity, newestFirst),
    serverInstances: global(Tables.serverInstances, byStart),
    auditEvents: global(Tables.auditEvents, [
      { column: 'occurredUtc', direction: 'desc' },
      { column: 'id', direction: 'desc' },
    ]),
    writeClock,
    definitionStamp: new DefinitionStamp(global(Tables.definitionVersions, []), writeClock),
    schedulerLeases: new SchedulerLeases(global(Tables.schedulerLeases, [])),
    databaseType: dialect.type,
  };
};
