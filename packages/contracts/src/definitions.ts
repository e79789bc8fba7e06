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

/** Why a flow key will not run: no step has it, its step is inactive, or it is a step's id. */
export const FlowKeyProblemKind = z.enum(['NoStep', 'InactiveStep', 'StepIdUsedAsKey']);
export type FlowKeyProblemKind = z.infer<typeof FlowKeyProblemKind>;

/** A key of a flow's graph that names no active step of the tenant, so a run would stop there. */
export const FlowKeyProblem = z
  .object({
    kind: FlowKeyProblemKind,
    /** Where the key is: `startStepId` or `transitions.<key>`. */
    path: z.string(),
    /** The key as the flow has it. */
    key: z.string(),
    /** What is wrong and what to write instead. */
    message: z.string(),
    /** The step concerned: the inactive one, or the one whose id was written as a key. */
    stepId: z.string().optional(),
    /** The execution key to write instead of a step id (`StepIdUsedAsKey` only). */
    executionKey: z.string().optional(),
  })
  .meta({
    description:
      'A flow key that matches no active step of the tenant. Keys are step executionKeys; kind StepIdUsedAsKey names the step whose id was written instead and the executionKey to use.',
  });
export type FlowKeyProblem = z.infer<typeof FlowKeyProblem>;

/** A graph of steps, started by a trigger or directly. */
export const DataFlowRecord = z.object({
  id: EntityId,
  tenantId: EntityId,
  name: z.string(),
  description: z.string().nullable(),
  triggerId: z.string().nullable(),
  /** Execution key of the first step (not a step id); a key of `transitions`. */
  startStepId: z.string().meta({
    description: 'The executionKey of the first step, not its id (step_...); a key of transitions.',
  }),
  /** Whole-flow timeout in milliseconds; 0 = none. */
  maxRuntimeMs: z.number().int().min(0),
  /** Steps by execution key (not step id), each with the keys that follow it. */
  transitions: z.record(z.string(), StepTransition).meta({
    description:
      'Keyed by step executionKey (not step id); onSuccess/onFailure/onException name executionKeys too.',
  }),
  /** Worker label used by `LabelPinned` placement. */
  routingHintLabel: z.string().nullable(),
  invocationAuthMode: DataFlowInvocationAuthMode,
  ...auditedFields,
  /**
   * Only in the answers of create and update (empty when every key resolves; reads leave it out):
   * the keys that name no active step yet. The save still succeeds, since steps may come later.
   */
  warnings: z.array(FlowKeyProblem).optional().meta({
    description:
      'Create and update answers only (reads leave it out); non-blocking: the keys of startStepId/transitions that match no active step, each naming the step whose id was used by mistake when that is the cause. Empty when every key resolves; POST .../flows/{id}/validate gives the same list later.',
  }),
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
