import { z } from 'zod';
import { RuntimeKey, StepContractType, StepPackagingType, StepRuntimeAvailabilityState } from './enums.ts';
import { RuntimeConfig } from './runtime-configs.ts';

/** One field of a runtime's configuration. */
export const RuntimeConfigProperty = z.object({
  name: z.string(),
  /** `string`, `number`, `boolean`, `string[]`, `object` or an enum list such as `GET|POST`. */
  type: z.string(),
  required: z.boolean(),
  description: z.string().nullable(),
});
export type RuntimeConfigProperty = z.infer<typeof RuntimeConfigProperty>;

/** A runtime provider as the catalog routes describe it. */
export const RuntimeDescriptor = z.object({
  runtimeKey: RuntimeKey,
  displayName: z.string(),
  description: z.string(),
  packagingType: StepPackagingType,
  supportedContractTypes: z.array(StepContractType),
  /** Name of the configuration shape, e.g. `ArtifactPythonConfig`. */
  configTypeName: z.string(),
  configProperties: z.array(RuntimeConfigProperty),
  supportsArtifacts: z.boolean(),
  supportsVersioning: z.boolean(),
  availability: StepRuntimeAvailabilityState,
  /** Why the runtime is unavailable, and what it may do on the host. */
  securityNotes: z.string().nullable(),
});
export type RuntimeDescriptor = z.infer<typeof RuntimeDescriptor>;

/** `GET /v1.0/runtimes/{runtimeKey}` path. */
export const RuntimeKeyParams = z.object({ runtimeKey: RuntimeKey });

/** `POST .../runtimes/validate` body. */
export const ValidateRuntimeConfigRequest = z.object({
  runtimeKey: RuntimeKey,
  /** The configuration to check; its own `runtimeKey` must match. */
  config: z.record(z.string(), z.unknown()),
});
export type ValidateRuntimeConfigRequest = z.infer<typeof ValidateRuntimeConfigRequest>;

/** `POST .../runtimes/validate` answer. */
export const ValidateRuntimeConfigResponse = z.object({
  valid: z.boolean(),
  runtimeKey: RuntimeKey,
  availability: StepRuntimeAvailabilityState,
  errors: z.array(z.string()),
  /** The configuration with defaults filled in, when valid. */
  normalizedConfig: RuntimeConfig.nullable(),
});
export type ValidateRuntimeConfigResponse = z.infer<typeof ValidateRuntimeConfigResponse>;

/** Counters of the handler-process slots. */
export const ExternalRuntimeCapacitySnapshot = z.object({
  maxServerWide: z.number().int(),
  maxPerTenant: z.number().int(),
  activeServerWide: z.number().int(),
  queuedServerWide: z.number().int(),
  /** Processes running, by tenant id. */
  activeByTenant: z.record(z.string(), z.number().int()),
  /** Calls waiting for a slot, by tenant id. */
  queuedByTenant: z.record(z.string(), z.number().int()),
  /** Milliseconds calls waited for slots since start. */
  totalCapacityWaitMs: z.number().int(),
  /** Milliseconds handler processes ran since start. */
  totalProcessRuntimeMs: z.number().int(),
  /** Processes killed at a time or output limit, or on cancel. */
  processKillCount: z.number().int(),
});
export type ExternalRuntimeCapacitySnapshot = z.infer<typeof ExternalRuntimeCapacitySnapshot>;

/**
 * `GET /v1.0/runtimes/external-execution`, for global administrators: process limits, the
 * server's folders and executables, and the counters of every tenant.
 */
export const ExternalExecutionStatusResponse = z.object({
  maxConcurrentProcessesServerWide: z.number().int(),
  maxConcurrentProcessesPerTenant: z.number().int(),
  defaultMaxRuntimeMs: z.number().int(),
  maxStdoutBytes: z.number().int(),
  maxStderrBytes: z.number().int(),
  maxInputBytes: z.number().int(),
  maxOutputBytes: z.number().int(),
  scratchRoot: z.string(),
  cacheRoot: z.string(),
  environmentAllowList: z.array(z.string()),
  networkPolicyMode: z.string(),
  killProcessTreeOnCancel: z.boolean(),
  pythonExecutable: z.string(),
  nodeExecutable: z.string(),
  dotnetExecutable: z.string(),
  capacity: ExternalRuntimeCapacitySnapshot,
  /** Always null here; kept from when tenants shared this shape. */
  tenantId: z.string().nullable(),
  /** Always 0 here; the tenant view has the tenant's figure. */
  tenantActiveProcesses: z.number().int(),
  /** Always 0 here; the tenant view has the tenant's figure. */
  tenantQueuedSteps: z.number().int(),
});
export type ExternalExecutionStatusResponse = z.infer<typeof ExternalExecutionStatusResponse>;

/**
 * `GET /v1.0/tenants/{tenantId}/runtimes/external-execution`: the limits the tenant's handlers
 * run under and the tenant's own counters. Server folders, executables and the counters of other
 * tenants (even as server-wide totals) are for administrators only.
 */
export const TenantExternalExecutionStatusResponse = ExternalExecutionStatusResponse.pick({
  maxConcurrentProcessesServerWide: true,
  maxConcurrentProcessesPerTenant: true,
  defaultMaxRuntimeMs: true,
  maxStdoutBytes: true,
  maxStderrBytes: true,
  maxInputBytes: true,
  maxOutputBytes: true,
  environmentAllowList: true,
  networkPolicyMode: true,
  killProcessTreeOnCancel: true,
}).extend({
  tenantId: z.string(),
  /** The tenant's handler processes running now. */
  tenantActiveProcesses: z.number().int(),
  /** The tenant's handler calls waiting for a process slot now. */
  tenantQueuedSteps: z.number().int(),
});
export type TenantExternalExecutionStatusResponse = z.infer<typeof TenantExternalExecutionStatusResponse>;
