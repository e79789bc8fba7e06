import { z } from 'zod';
import { auditedFields, EntityId } from './common.ts';
import {
  DataFlowInvocationAuthMode,
  RuntimeKey,
  StepContractType,
  StepRuntimeBindingState,
  StepType,
  TriggerType,
} from './enums.ts';
import { RestStepConfiguration, RuntimeConfig } from './runtime-configs.ts';

/** Longest execution key a step may have. */
export const EXECUTION_KEY_MAX_LENGTH = 255;

/** A step's stable, tenant-unique key: trimmed, 1–255 characters, no control characters. */
export const ExecutionKey = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(EXECUTION_KEY_MAX_LENGTH)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is exactly "no control characters"
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');
export type ExecutionKey = z.infer<typeof ExecutionKey>;

/** One node of a flow graph, keyed by the execution key of the step it runs. */
export const StepTransition = z.object({
  /** Optional label. */
  name: z.string().nullable().default(null),
  /** Next key after a `Success` result; null ends the flow. */
  onSuccess: z.string().nullable().default(null),
  /** Next key after an `Error` result; null ends the flow. */
  onFailure: z.string().nullable().default(null),
  /** Next key after an `Exception` or `Timeout`; null ends the flow. */
  onException: z.string().nullable().default(null),
  /** How often the node may be entered in one run; 0 = unlimited. */
  maxTransitions: z.number().int().min(0).default(0),
  /** Null looks the step up by key; `Rest` runs the inline legacy REST call in `rest`. */
  stepType: StepType.nullable().default(null),
  /** Inline legacy REST call, when `stepType` is `Rest`. */
  rest: RestStepConfiguration.nullable().default(null),
});
export type StepTransition = z.infer<typeof StepTransition>;

/** A graph of steps, started by a trigger or directly. */
export const DataFlowRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  name: z.string(),
  description: z.string().nullable(),
  triggerId: z.string().nullable(),
  /** Execution key of the first step; a key of `transitions`. */
  startStepId: z.string(),
  /** Whole-flow timeout in milliseconds; 0 = none. */
  maxRuntimeMs: z.number().int().min(0),
  transitions: z.record(z.string(), StepTransition),
  /** Worker label used by `LabelPinned` placement. */
  routingHintLabel: z.string().nullable(),
  invocationAuthMode: DataFlowInvocationAuthMode,
  ...auditedFields,
});
export type DataFlowRecord = z.infer<typeof DataFlowRecord>;

/** A reusable unit of work run by one runtime provider. */
export const StepRecord = z.object({
  id: EntityId,
  /** Owning tenant; in-process registrations use `global`. */
  tenantId: z.string(),
  executionKey: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  runtimeKey: RuntimeKey,
  runtimeConfig: RuntimeConfig.nullable(),
  contractType: StepContractType,
  /** JSON Schema as text. */
  inputSchema: z.string().nullable(),
  /** JSON Schema as text. */
  outputSchema: z.string().nullable(),
  validateInput: z.boolean(),
  validateOutput: z.boolean(),
  artifactId: z.string().nullable(),
  artifactVersion: z.string().nullable(),
  runtimeBindingState: StepRuntimeBindingState,
  runtimeBindingMessage: z.string().nullable(),
  stepType: StepType,
  /** Per-step timeout in milliseconds; 0 = none. */
  maxRuntimeMs: z.number().int().min(0),
  rest: RestStepConfiguration.nullable(),
  ...auditedFields,
});
export type StepRecord = z.infer<typeof StepRecord>;

/** Something that starts a flow; only HTTP triggers fire in this version. */
export const TriggerRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  name: z.string(),
  description: z.string().nullable(),
  triggerType: TriggerType,
  dataFlowId: z.string().nullable(),
  /** JSON text interpreted per trigger type, e.g. `{"allowedMethods":["POST"]}`. */
  configuration: z.string().nullable(),
  ...auditedFields,
});
export type TriggerRecord = z.infer<typeof TriggerRecord>;
