import {
  type CreateCredentialRequest,
  type CreateDataFlowRequest,
  type CreatePermissionRequest,
  type CreateRolePermissionMapRequest,
  type CreateRoleRequest,
  type CreateStepRequest,
  type CreateTriggerRequest,
  type CreateUserRequest,
  type CreateUserRoleMapRequest,
  CredentialRecord,
  DataFlowRecord,
  type DirectRunRequest,
  EnsureStepsResponse,
  FlowRunRecord,
  PermissionRecord,
  RolePermissionMapRecord,
  RoleRecord,
  RuntimeDescriptor,
  StepRecord,
  TriggerRecord,
  type UpdateCredentialRequest,
  type UpdateDataFlowRequest,
  type UpdatePermissionRequest,
  type UpdateRoleMapRequest,
  type UpdateRoleRequest,
  type UpdateStepRequest,
  type UpdateTriggerRequest,
  type UpdateUserRequest,
  UserRecord,
  UserRoleMapRecord,
  type ValidateRuntimeConfigRequest,
  ValidateRuntimeConfigResponse,
} from '@tempo/contracts';
import { z } from 'zod';
import { BulkCrudClient, CrudClient } from './crud-client.ts';
import { type HttpTransport, segment } from './http-transport.ts';
import { RunsClient } from './runs-client.ts';

type In<T extends z.ZodType> = z.input<T>;

/** Users, with their role assignments. */
class UsersClient extends CrudClient<
  typeof UserRecord,
  In<typeof CreateUserRequest>,
  In<typeof UpdateUserRequest>
> {
  /** The user's role assignments (a bare array). */
  roles(userId: string) {
    return this.transport.request('GET', `${this.path}/${segment(userId)}/roles`, z.array(UserRoleMapRecord));
  }
}

/** Roles, with their permission links. */
class RolesClient extends CrudClient<
  typeof RoleRecord,
  In<typeof CreateRoleRequest>,
  In<typeof UpdateRoleRequest>
> {
  /** The role's permission links (a bare array). */
  permissions(roleId: string) {
    return this.transport.request(
      'GET',
      `${this.path}/${segment(roleId)}/permissions`,
      z.array(RolePermissionMapRecord),
    );
  }
}

/** Flows, with `ensure-steps`. */
class FlowsClient extends BulkCrudClient<
  typeof DataFlowRecord,
  In<typeof CreateDataFlowRequest>,
  In<typeof UpdateDataFlowRequest>
> {
  /** Starts a run; answers at once with the queued run. */
  run(flowId: string, body: DirectRunRequest = {}) {
    return this.transport.request('POST', `${this.path}/${segment(flowId)}/runs`, FlowRunRecord, { body });
  }

  /** Creates placeholder steps for transition keys without a step. */
  ensureSteps(flowId: string) {
    return this.transport.request(
      'POST',
      `${this.path}/${segment(flowId)}/ensure-steps`,
      EnsureStepsResponse,
    );
  }
}

/** Everything under `/v1.0/tenants/{tenantId}`. */
export class TenantClient {
  readonly users: UsersClient;
  readonly credentials: CrudClient<
    typeof CredentialRecord,
    In<typeof CreateCredentialRequest>,
    In<typeof UpdateCredentialRequest>
  >;
  readonly roles: RolesClient;
  readonly permissions: CrudClient<
    typeof PermissionRecord,
    In<typeof CreatePermissionRequest>,
    In<typeof UpdatePermissionRequest>
  >;
  readonly userRoleMaps: CrudClient<
    typeof UserRoleMapRecord,
    In<typeof CreateUserRoleMapRequest>,
    In<typeof UpdateRoleMapRequest>
  >;
  readonly rolePermissionMaps: CrudClient<
    typeof RolePermissionMapRecord,
    In<typeof CreateRolePermissionMapRequest>,
    In<typeof UpdateRoleMapRequest>
  >;
  readonly steps: BulkCrudClient<
    typeof StepRecord,
    In<typeof CreateStepRequest>,
    In<typeof UpdateStepRequest>
  >;
  readonly flows: FlowsClient;
  readonly triggers: BulkCrudClient<
    typeof TriggerRecord,
    In<typeof CreateTriggerRequest>,
    In<typeof UpdateTriggerRequest>
  >;
  readonly runs: RunsClient;
  readonly runtimes: {
    list(): Promise<RuntimeDescriptor[]>;
    validate(body: ValidateRuntimeConfigRequest): Promise<ValidateRuntimeConfigResponse>;
  };

  constructor(transport: HttpTransport, tenantId: string) {
    const base = `/v1.0/tenants/${segment(tenantId)}`;
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
    this.steps = new BulkCrudClient(transport, `${base}/steps`, StepRecord);
    this.flows = new FlowsClient(transport, `${base}/flows`, DataFlowRecord);
    this.triggers = new BulkCrudClient(transport, `${base}/triggers`, TriggerRecord);
    this.runs = new RunsClient(transport, base);
    this.runtimes = {
      list: () => transport.request('GET', `${base}/runtimes`, z.array(RuntimeDescriptor)),
      validate: (body) =>
        transport.request('POST', `${base}/runtimes/validate`, ValidateRuntimeConfigResponse, { body }),
    };
  }
}
