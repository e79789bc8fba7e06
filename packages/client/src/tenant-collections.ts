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
  type CredentialRecord,
  type DataFlowRecord,
  type DirectRunRequest,
  EnsureStepsResponse,
  FlowRunRecord,
  type PermissionRecord,
  RolePermissionMapRecord,
  type RoleRecord,
  type SourceStepCreateRequest,
  SourceStepCreateResponse,
  type StepRecord,
  type TriggerRecord,
  type UpdateCredentialRequest,
  type UpdateDataFlowRequest,
  type UpdatePermissionRequest,
  type UpdateRoleMapRequest,
  type UpdateRoleRequest,
  type UpdateStepRequest,
  type UpdateTriggerRequest,
  type UpdateUserRequest,
  type UserRecord,
  UserRoleMapRecord,
} from '@tempo/contracts';
import { z } from 'zod';
import { BulkCrudClient, CrudClient } from './crud-client.ts';

/** Users of a tenant; passwords come back as `****`. */
export class UsersClient extends CrudClient<
  typeof UserRecord,
  typeof CreateUserRequest,
  typeof UpdateUserRequest
> {
  /** The user's role assignments (`GET .../users/{userId}/roles`, a bare array). */
  roles(userId: string): Promise<UserRoleMapRecord[]> {
    return this.transport.request('GET', this.item(userId, '/roles'), z.array(UserRoleMapRecord));
  }
}

/** Roles of a tenant. */
export class RolesClient extends CrudClient<
  typeof RoleRecord,
  typeof CreateRoleRequest,
  typeof UpdateRoleRequest
> {
  /** The role's permission links (`GET .../roles/{roleId}/permissions`, a bare array). */
  permissions(roleId: string): Promise<RolePermissionMapRecord[]> {
    return this.transport.request('GET', this.item(roleId, '/permissions'), z.array(RolePermissionMapRecord));
  }
}

/** Data flows of a tenant, with direct runs and `ensure-steps`. */
export class FlowsClient extends BulkCrudClient<
  typeof DataFlowRecord,
  typeof CreateDataFlowRequest,
  typeof UpdateDataFlowRequest
> {
  /** Starts a run (`POST .../flows/{flowId}/runs`); answers at once with the queued run. */
  run(flowId: string, body: z.input<typeof DirectRunRequest> = {}): Promise<FlowRunRecord> {
    return this.transport.request('POST', this.item(flowId, '/runs'), FlowRunRecord, { body });
  }

  /** Creates placeholder steps for the flow's transition keys that have none yet. */
  ensureSteps(flowId: string): Promise<EnsureStepsResponse> {
    return this.transport.request('POST', this.item(flowId, '/ensure-steps'), EnsureStepsResponse);
  }
}

/** Credentials (access/secret key pairs); both keys are shown in full only in the create answer. */
export type CredentialsClient = CrudClient<
  typeof CredentialRecord,
  typeof CreateCredentialRequest,
  typeof UpdateCredentialRequest
>;

/** Permissions of a tenant. */
export type PermissionsClient = CrudClient<
  typeof PermissionRecord,
  typeof CreatePermissionRequest,
  typeof UpdatePermissionRequest
>;

/** Role assignments of users. */
export type UserRoleMapsClient = CrudClient<
  typeof UserRoleMapRecord,
  typeof CreateUserRoleMapRequest,
  typeof UpdateRoleMapRequest
>;

/** Permissions attached to roles. */
export type RolePermissionMapsClient = CrudClient<
  typeof RolePermissionMapRecord,
  typeof CreateRolePermissionMapRequest,
  typeof UpdateRoleMapRequest
>;

/** Steps of a tenant, with bulk delete. */
export class StepsClient extends BulkCrudClient<
  typeof StepRecord,
  typeof CreateStepRequest,
  typeof UpdateStepRequest
> {
  /** Creates an artifact-backed step from pasted source (`POST .../steps/source`). */
  fromSource(body: z.input<typeof SourceStepCreateRequest>): Promise<SourceStepCreateResponse> {
    return this.transport.request('POST', `${this.path}/source`, SourceStepCreateResponse, { body });
  }
}

/** Triggers of a tenant, with bulk delete. */
export type TriggersClient = BulkCrudClient<
  typeof TriggerRecord,
  typeof CreateTriggerRequest,
  typeof UpdateTriggerRequest
>;
