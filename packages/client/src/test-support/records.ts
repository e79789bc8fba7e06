import type {
  AccountRecord,
  AdministratorRecord,
  CredentialRecord,
  DataFlowRecord,
  FlowRunRecord,
  PermissionRecord,
  RegisteredStep,
  RolePermissionMapRecord,
  RoleRecord,
  RuntimeDescriptor,
  StepRecord,
  StepRunRecord,
  TenantRecord,
  TriggerRecord,
  UserRecord,
  UserRoleMapRecord,
} from '@tempo/contracts';

// One valid answer per record schema, typed with the contracts so a schema change breaks the
// fixtures at compile time rather than the tests at run time.

const AT = '2026-01-02T03:04:05.678Z';
const audited = { active: true, isProtected: false, createdUtc: AT, lastUpdateUtc: AT };

/** A tenant id that needs encoding in a path. */
export const TENANT_ID = 'ten/1 ?#';

/** A valid `AccountRecord`. */
export const account: AccountRecord = { id: 'acc_1', name: 'default', additionalData: null, ...audited };

/** A valid `AdministratorRecord`. */
export const administrator: AdministratorRecord = {
  id: 'adm_1',
  accountId: null,
  firstName: 'Ada',
  lastName: 'Admin',
  email: 'admin@tempo.local',
  passwordSha256: '****',
  telephone: null,
  ...audited,
};

/** A valid `TenantRecord`. */
export const tenant: TenantRecord = {
  id: 'ten_1',
  accountId: null,
  name: 'default',
  region: null,
  ...audited,
};

const owned = { tenantId: 'ten_1', ...audited };

/** A valid `UserRecord`. */
export const user: UserRecord = {
  id: 'usr_1',
  firstName: 'Uma',
  lastName: 'User',
  email: 'uma@example.test',
  passwordSha256: '****',
  isAdmin: false,
  isTenantAdmin: false,
  ...owned,
};

/** A valid `CredentialRecord`. */
export const credential: CredentialRecord = {
  id: 'crd_1',
  userId: 'usr_1',
  name: 'default',
  accessKey: 'ak_full_key',
  secretKey: 'sk_full_key',
  ...owned,
};

/** A valid `RoleRecord`. */
export const role: RoleRecord = { id: 'rol_1', name: 'Editor', description: null, ...owned };

/** A valid `PermissionRecord`. */
export const permission: PermissionRecord = {
  id: 'prm_1',
  name: 'all',
  resourceTypes: ['All'],
  operationTypes: ['All'],
  permissionType: 'Permit',
  ...owned,
};

/** A valid `UserRoleMapRecord`. */
export const userRoleMap: UserRoleMapRecord = { id: 'urm_1', userId: 'usr_1', roleId: 'rol_1', ...owned };

/** A valid `RolePermissionMapRecord`. */
export const rolePermissionMap: RolePermissionMapRecord = {
  id: 'rpm_1',
  roleId: 'rol_1',
  permissionId: 'prm_1',
  ...owned,
};

/** A valid `StepRecord`. */
export const step: StepRecord = {
  id: 'stp_1',
  executionKey: 'sample.method',
  name: 'Sample',
  description: null,
  runtimeKey: 'Builtin.Method',
  runtimeConfig: null,
  contractType: 'Loose',
  inputSchema: null,
  outputSchema: null,
  validateInput: false,
  validateOutput: false,
  artifactId: null,
  artifactVersion: null,
  runtimeBindingState: 'Resolved',
  runtimeBindingMessage: null,
  stepType: 'Code',
  maxRuntimeMs: 0,
  rest: null,
  ...owned,
};

/** A valid `DataFlowRecord`. */
export const flow: DataFlowRecord = {
  id: 'flw_1',
  name: 'Flow',
  description: null,
  triggerId: null,
  startStepId: 'sample.method',
  maxRuntimeMs: 0,
  transitions: {
    'sample.method': {
      name: null,
      onSuccess: null,
      onFailure: null,
      onException: null,
      maxTransitions: 0,
      stepType: null,
      rest: null,
    },
  },
  routingHintLabel: null,
  invocationAuthMode: 'Public',
  ...owned,
};

/** A valid `TriggerRecord`. */
export const trigger: TriggerRecord = {
  id: 'trg_1',
  name: 'Hook',
  description: null,
  triggerType: 'Http',
  dataFlowId: 'flw_1',
  configuration: null,
  ...owned,
};

/** A valid `FlowRunRecord`. */
export const run: FlowRunRecord = {
  id: 'run_1',
  tenantId: 'ten_1',
  dataFlowId: 'flw_1',
  triggeredByUserId: null,
  triggerId: null,
  sourceIp: null,
  state: 'Queued',
  inputData: null,
  outputData: null,
  errorMessage: null,
  executionSnapshotJson: null,
  dispatchState: 'Pending',
  dispatchAttempt: 0,
  assignedWorkerId: null,
  runAssignmentId: null,
  queueWaitMs: null,
  assignedUtc: null,
  leaseExpiresUtc: null,
  executionNodeKind: null,
  createdUtc: AT,
  startedUtc: null,
  completedUtc: null,
  lastUpdateUtc: AT,
};

/** A valid `StepRunRecord`. */
export const stepRun: StepRunRecord = {
  id: 'srn_1',
  tenantId: 'ten_1',
  flowRunId: 'run_1',
  dataFlowId: 'flw_1',
  stepId: 'sample.method',
  sequence: 1,
  result: 'Success',
  nextStepId: null,
  inputData: null,
  outputData: '{}',
  errorMessage: null,
  artifactId: null,
  artifactVersionId: null,
  artifactVersion: null,
  artifactSha256: null,
  manifestEntrypoint: null,
  executionState: 'Complete',
  protocolVersion: '1',
  startedUtc: AT,
  capacityQueuedUtc: null,
  capacityAcquiredUtc: null,
  capacityWaitMs: null,
  completedUtc: AT,
};

/** A valid `RuntimeDescriptor`. */
export const runtime: RuntimeDescriptor = {
  runtimeKey: 'Artifact.Python',
  displayName: 'Python',
  description: 'Python artifacts',
  packagingType: 'Artifact',
  supportedContractTypes: ['Loose'],
  configTypeName: 'ArtifactPythonConfig',
  configProperties: [],
  supportsArtifacts: true,
  supportsVersioning: true,
  availability: 'MissingDependency',
  securityNotes: null,
};

/** A valid `RegisteredStep`. */
export const registeredStep: RegisteredStep = {
  identifier: 'tempo.sample',
  runtimeKey: 'Builtin.Method',
  tenantId: 'global',
  name: 'Sample',
  description: null,
  typeName: null,
  methodName: null,
  signatureHash: 'abc',
};

/** A page answer holding `items`. */
export const pageWith = <T>(...items: T[]) => ({
  pageNumber: 1,
  pageSize: 25,
  totalCount: items.length,
  items,
});
