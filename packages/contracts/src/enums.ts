import { z } from 'zod';

/** Coarse state of a flow run; every state but `Queued` and `Running` is terminal. */
export const FlowRunState = z.enum(['Queued', 'Running', 'Succeeded', 'Failed', 'Exception', 'Cancelled']);
export type FlowRunState = z.infer<typeof FlowRunState>;

/** Fine-grained dispatch state of a flow run. */
export const FlowRunDispatchState = z.enum(['Pending', 'Assigned', 'Completed', 'Failed', 'Cancelled']);
export type FlowRunDispatchState = z.infer<typeof FlowRunDispatchState>;

/** State of one dispatch attempt of a run on a worker. */
export const RunAssignmentState = z.enum([
  'Assigned',
  'Succeeded',
  'Failed',
  'Exception',
  'Cancelled',
  'LeaseExpired',
]);
export type RunAssignmentState = z.infer<typeof RunAssignmentState>;

/** Where a run executed: the server's pseudo-worker or a remote worker. */
export const ExecutionNodeKind = z.enum(['Server', 'Worker']);
export type ExecutionNodeKind = z.infer<typeof ExecutionNodeKind>;

/** Result of one step execution. */
export const StepResultType = z.enum(['Success', 'Timeout', 'Error', 'Exception', 'MaxIterationsExceeded']);
export type StepResultType = z.infer<typeof StepResultType>;

/** Execution state of a step run, including the wait for external runtime capacity. */
export const StepRunExecutionState = z.enum(['AwaitingCapacity', 'Running', 'Complete', 'Cancelled']);
export type StepRunExecutionState = z.infer<typeof StepRunExecutionState>;

/** Legacy step kind, inline in a transition or persisted on a step. */
export const StepType = z.enum(['Code', 'Rest']);
export type StepType = z.infer<typeof StepType>;

/** How strictly a step's input and output are described. */
export const StepContractType = z.enum(['Loose', 'Schema', 'Typed', 'Binary']);
export type StepContractType = z.infer<typeof StepContractType>;

/** Reconciliation state of a step's runtime binding. */
export const StepRuntimeBindingState = z.enum(['Unresolved', 'Resolved', 'Ambiguous', 'Orphaned']);
export type StepRuntimeBindingState = z.infer<typeof StepRuntimeBindingState>;

/** Availability of a runtime on this host, probed at start-up. */
export const StepRuntimeAvailabilityState = z.enum([
  'Available',
  'DisabledBySettings',
  'MissingDependency',
  'UnsupportedPlatform',
  'Preview',
]);
export type StepRuntimeAvailabilityState = z.infer<typeof StepRuntimeAvailabilityState>;

/** How a runtime's code is packaged. */
export const StepPackagingType = z.enum(['Builtin', 'External', 'Artifact', 'Container', 'Host']);
export type StepPackagingType = z.infer<typeof StepPackagingType>;

/** Who may invoke a flow through its HTTP trigger. */
export const DataFlowInvocationAuthMode = z.enum(['Public', 'ApiAuthenticated']);
export type DataFlowInvocationAuthMode = z.infer<typeof DataFlowInvocationAuthMode>;

/** Kind of trigger; only `Http` fires in this version. */
export const TriggerType = z.enum(['Http', 'RabbitMq', 'Native']);
export type TriggerType = z.infer<typeof TriggerType>;

/** Whether a permission grants or explicitly denies. */
export const PermissionType = z.enum(['Permit', 'Deny']);
export type PermissionType = z.infer<typeof PermissionType>;

/** Operations a permission covers. */
export const OperationType = z.enum(['All', 'Create', 'Read', 'Update', 'Delete', 'Execute']);
export type OperationType = z.infer<typeof OperationType>;

/** Resources a permission covers. */
export const ResourceType = z.enum([
  'All',
  'Account',
  'Administrator',
  'Tenant',
  'User',
  'Credential',
  'Role',
  'RoleMap',
  'Permission',
  'DataFlow',
  'Step',
  'Trigger',
  'FlowRun',
  'RequestHistory',
  'Artifact',
]);
export type ResourceType = z.infer<typeof ResourceType>;

/** Runtime provider keys; `Builtin.Unknown` marks a legacy built-in awaiting reconciliation. */
export const RuntimeKey = z.enum([
  'Builtin.Class',
  'Builtin.Method',
  'Builtin.Unknown',
  'External.Rest',
  'Legacy.InlineRest',
  'Artifact.Process',
  'Artifact.Python',
  'Artifact.JavaScript',
  'Artifact.DotnetProcess',
  'Host.Executable',
]);
export type RuntimeKey = z.infer<typeof RuntimeKey>;

/** Kind of a worker row: the server's pseudo-worker or a remote worker. */
export const WorkerKind = z.enum(['Server', 'Worker']);
export type WorkerKind = z.infer<typeof WorkerKind>;

/** Connection state of a worker. */
export const WorkerState = z.enum(['Online', 'Offline']);
export type WorkerState = z.infer<typeof WorkerState>;

/** HTTP methods an HTTP trigger can be fired with. */
export const TriggerHttpMethod = z.enum(['GET', 'POST']);
export type TriggerHttpMethod = z.infer<typeof TriggerHttpMethod>;
