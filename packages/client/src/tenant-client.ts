import {
  ArtifactRecord,
  CredentialRecord,
  DataFlowRecord,
  PermissionRecord,
  RolePermissionMapRecord,
  RoleRecord,
  StepRecord,
  TriggerRecord,
  UserRecord,
  UserRoleMapRecord,
} from '@tempo/contracts';
import { ArtifactsClient } from './artifacts-client.ts';
import { TenantAuditClient } from './audit-client.ts';
import { BulkCrudClient, CrudClient } from './crud-client.ts';
import type { HttpTransport } from './http-transport.ts';
import { segment } from './request-url.ts';
import { RunsClient } from './runs-client.ts';
import { TenantRuntimesClient } from './runtime-catalog.ts';
import {
  type CredentialsClient,
  FlowsClient,
  type PermissionsClient,
  type RolePermissionMapsClient,
  RolesClient,
  StepsClient,
  type TriggersClient,
  type UserRoleMapsClient,
  UsersClient,
} from './tenant-collections.ts';

/** Everything under `/v1.0/tenants/{tenantId}`; get one with `client.tenant(tenantId)`. */
export class TenantClient {
  /** The tenant this client works in. */
  readonly tenantId: string;
  /** `.../users`, with each user's role assignments. */
  readonly users: UsersClient;
  /** `.../credentials`. */
  readonly credentials: CredentialsClient;
  /** `.../roles`, with each role's permission links. */
  readonly roles: RolesClient;
  /** `.../permissions`. */
  readonly permissions: PermissionsClient;
  /** `.../user-role-maps`. */
  readonly userRoleMaps: UserRoleMapsClient;
  /** `.../role-permission-maps`. */
  readonly rolePermissionMaps: RolePermissionMapsClient;
  /** `.../steps`. */
  readonly steps: StepsClient;
  /** `.../flows`, with direct runs and `ensure-steps`. */
  readonly flows: FlowsClient;
  /** `.../triggers`. */
  readonly triggers: TriggersClient;
  /** `.../runs`: the run history. */
  readonly runs: RunsClient;
  /** `.../runtimes`: the catalog as the tenant sees it, and configuration checks. */
  readonly runtimes: TenantRuntimesClient;
  /** `.../artifacts`: packages of handler code, their files and versions. */
  readonly artifacts: ArtifactsClient;
  /** `.../audit`: the tenant's audit log (its tenant administrators, global administrators). */
  readonly audit: TenantAuditClient;

  constructor(transport: HttpTransport, tenantId: string) {
    const base = `/v1.0/tenants/${segment(tenantId)}`;
    this.tenantId = tenantId;
    this.users = new UsersClient(transport, `${base}/users`, UserRecord);
    this.credentials = new CrudClient(transport, `${base}/credentials`, CredentialRecord);
    this.roles = new RolesClient(transport, `${base}/roles`, RoleRecord);
    this.permissions = new CrudClient(transport, `${base}/permissions`, PermissionRecord);
    this.userRoleMaps = new CrudClient(transport, `${base}/user-role-maps`, UserRoleMapRecord);
    this.rolePermissionMaps = new CrudClient(
      transport,
      `${base}/role-permission-maps`,
      RolePermissionMapRecord,
    );
    this.steps = new StepsClient(transport, `${base}/steps`, StepRecord);
    this.flows = new FlowsClient(transport, `${base}/flows`, DataFlowRecord);
    this.triggers = new BulkCrudClient(transport, `${base}/triggers`, TriggerRecord);
    this.runs = new RunsClient(transport, base);
    this.runtimes = new TenantRuntimesClient(transport, base);
    this.artifacts = new ArtifactsClient(transport, `${base}/artifacts`, ArtifactRecord);
    this.audit = new TenantAuditClient(transport, base);
  }
}
