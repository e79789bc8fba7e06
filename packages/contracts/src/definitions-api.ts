import { z } from 'zod';
import { EntityId, JsonText, updateOf } from './common.ts';
import { ExecutionKey, FlowKeyProblem, StepTransition } from './definitions.ts';
import {
  DataFlowInvocationAuthMode,
  RuntimeKey,
  StepContractType,
  TriggerHttpMethod,
  TriggerType,
} from './enums.ts';
import { RuntimeConfig } from './runtime-configs.ts';

const name = z.string().trim().min(1, 'must not be blank').max(500);
const description = z.string().max(1000).nullish();
const flags = { active: z.boolean().optional(), isProtected: z.boolean().optional() };
/** A JSON Schema document as text. */
const SchemaText = JsonText.nullish();

const stepFields = {
  executionKey: ExecutionKey,
  name,
  description,
  runtimeKey: RuntimeKey,
  runtimeConfig: RuntimeConfig,
  contractType: StepContractType.optional(),
  inputSchema: SchemaText,
  outputSchema: SchemaText,
  validateInput: z.boolean().optional(),
  validateOutput: z.boolean().optional(),
  /** Per-step timeout in milliseconds; 0 = none. */
  maxRuntimeMs: z.number().int().min(0).max(86_400_000).optional(),
  ...flags,
};

const sameRuntimeKey = (step: {
  runtimeKey?: string | undefined;
  runtimeConfig?: { runtimeKey: string } | undefined;
}) =>
  step.runtimeKey === undefined ||
  step.runtimeConfig === undefined ||
  step.runtimeConfig.runtimeKey === step.runtimeKey;
const runtimeKeyMismatch = {
  message: 'runtimeConfig.runtimeKey must equal runtimeKey.',
  path: ['runtimeConfig', 'runtimeKey'],
};

/** Body of every bulk delete (`POST .../{collection}/bulk-delete`): 1–1000 ids. */
export const BulkDeleteRequest = z.object({ ids: z.array(EntityId).min(1, 'ids required.').max(1000) });
export type BulkDeleteRequest = z.infer<typeof BulkDeleteRequest>;

/** Answer of every bulk delete: protected and still-referenced records are skipped; unknown ids ignored. */
export const BulkDeleteResponse = z.object({
  deletedCount: z.number().int(),
  skippedProtected: z.array(z.string()),
  skippedInUse: z.array(z.string()),
});
export type BulkDeleteResponse = z.infer<typeof BulkDeleteResponse>;

/**
 * A create or update body may name its runtime once, in `runtimeKey`: the inner `runtimeConfig.runtimeKey`
 * is filled from it when left out, since nobody guesses that it must be repeated. A body that
 * sends both still has to make them agree.
 */
const fillInnerRuntimeKey = (body: unknown): unknown => {
  if (typeof body !== 'object' || body === null) return body;
  const { runtimeKey, runtimeConfig } = body as Record<string, unknown>;
  if (typeof runtimeKey !== 'string') return body;
  if (typeof runtimeConfig !== 'object' || runtimeConfig === null || Array.isArray(runtimeConfig))
    return body;
  if ('runtimeKey' in runtimeConfig) return body;
  return { ...body, runtimeConfig: { runtimeKey, ...runtimeConfig } };
};

const CreateStepFields = z.object(stepFields).refine(sameRuntimeKey, runtimeKeyMismatch);

/** `POST .../steps`; `runtimeConfig.runtimeKey` may be left out when `runtimeKey` is sent. */
export const CreateStepRequest = z.preprocess<
  unknown,
  typeof CreateStepFields,
  z.input<typeof CreateStepFields>
>(fillInnerRuntimeKey, CreateStepFields);
export type CreateStepRequest = z.infer<typeof CreateStepRequest>;

const UpdateStepFields = updateOf(z.object(stepFields)).refine(sameRuntimeKey, runtimeKeyMismatch);

/**
 * `PUT .../steps/{id}`: only the fields sent change. As on create, `runtimeConfig.runtimeKey` may
 * be left out when `runtimeKey` is sent beside it.
 */
export const UpdateStepRequest = z.preprocess<
  unknown,
  typeof UpdateStepFields,
  z.input<typeof UpdateStepFields>
>(fillInnerRuntimeKey, UpdateStepFields);
export type UpdateStepRequest = z.infer<typeof UpdateStepRequest>;

/** A built-in step registered in the running process (`GET /v1.0/steps/registered`). */
export const RegisteredStep = z.object({
  identifier: z.string(),
  runtimeKey: z.enum(['Builtin.Class', 'Builtin.Method']),
  /** Tenant it is registered for; `global` = every tenant. */
  tenantId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  typeName: z.string().nullable(),
  methodName: z.string().nullable(),
  signatureHash: z.string(),
});
export type RegisteredStep = z.infer<typeof RegisteredStep>;

type FlowShape = {
  startStepId?: string | undefined;
  transitions?: Record<string, StepTransition> | undefined;
};

/** The spec's rule: the start key is a key of `transitions`, and every next key resolves to one. */
const checkGraph = (flow: FlowShape, ctx: z.RefinementCtx) => {
  const { transitions, startStepId } = flow;
  if (!transitions) return;
  if (startStepId !== undefined && !(startStepId in transitions)) {
    ctx.addIssue({
      code: 'custom',
      path: ['startStepId'],
      message: `startStepId "${startStepId}" is not a key of transitions.`,
    });
  }
  for (const [key, node] of Object.entries(transitions)) {
    for (const edge of ['onSuccess', 'onFailure', 'onException'] as const) {
      const next = node[edge];
      if (next != null && !(next in transitions)) {
        ctx.addIssue({
          code: 'custom',
          path: ['transitions', key, edge],
          message: `"${next}" is not a key of transitions.`,
        });
      }
    }
  }
};

const flowFields = {
  name,
  description,
  triggerId: EntityId.nullish(),
  /** Execution key of the first step (not a step id); a key of `transitions`. */
  startStepId: ExecutionKey.meta({
    description: 'The executionKey of the first step, not its id (step_...); must be a key of transitions.',
  }),
  /** Whole-flow timeout in milliseconds; 0 = none. */
  maxRuntimeMs: z.number().int().min(0).max(86_400_000).optional(),
  /** Steps by execution key (not step id), each with the keys that follow it. */
  transitions: z
    .record(z.string().min(1).max(255), StepTransition)
    .refine((map) => Object.keys(map).length > 0, 'at least one step is required.')
    .meta({
      description:
        'Keyed by step executionKey (not step id); onSuccess/onFailure/onException name executionKeys too.',
    }),
  routingHintLabel: z.string().trim().max(255).nullish(),
  /** Who may fire the flow's triggers; left out on create, the `engine.defaultInvocationAuthMode` setting. */
  invocationAuthMode: DataFlowInvocationAuthMode.optional().meta({
    description:
      'Public: anyone holding a trigger id fires the flow; ApiAuthenticated: trigger calls need credentials allowed on the tenant. Left out on create, the server setting engine.defaultInvocationAuthMode applies (Public unless changed).',
  }),
  ...flags,
};

/** `POST .../flows`. */
export const CreateDataFlowRequest = z.object(flowFields).superRefine(checkGraph);
export type CreateDataFlowRequest = z.infer<typeof CreateDataFlowRequest>;

/** `PUT .../flows/{id}`: omitted fields keep their value; the result must still be a valid graph. */
export const UpdateDataFlowRequest = updateOf(z.object(flowFields)).superRefine(checkGraph);
export type UpdateDataFlowRequest = z.infer<typeof UpdateDataFlowRequest>;

/** `POST .../flows/{id}/validate` answer: the stored flow's keys checked against the tenant's steps. */
export const FlowValidationResult = z.object({
  /** True when every key names an active step (inline REST nodes need none). */
  valid: z.boolean(),
  problems: z.array(FlowKeyProblem),
});
export type FlowValidationResult = z.infer<typeof FlowValidationResult>;

/** `POST .../flows/{id}/ensure-steps` answer. */
export const EnsureStepsResponse = z.object({
  /** Execution keys that got a placeholder step. */
  created: z.array(z.string()),
  /** Execution keys that already had a step. */
  existing: z.array(z.string()),
});
export type EnsureStepsResponse = z.infer<typeof EnsureStepsResponse>;

const triggerFields = {
  name,
  description,
  triggerType: TriggerType.optional(),
  dataFlowId: EntityId.nullish(),
  /** JSON text, e.g. `{"allowedMethods":["GET","POST"]}`. */
  configuration: JsonText.nullish(),
  ...flags,
};

/** `POST .../triggers`. */
export const CreateTriggerRequest = z.object(triggerFields);
export type CreateTriggerRequest = z.infer<typeof CreateTriggerRequest>;

/** `PUT .../triggers/{id}`: omitted fields keep their value. */
export const UpdateTriggerRequest = updateOf(z.object(triggerFields));
export type UpdateTriggerRequest = z.infer<typeof UpdateTriggerRequest>;

/**
 * The methods an HTTP trigger accepts, from its configuration text: `allowedMethods` (any case
 * of the property name), trimmed, upper-cased and de-duplicated; `["POST"]` when the text is
 * missing, not JSON, not a list, or names no GET/POST.
 */
export const allowedTriggerMethods = (configuration: string | null | undefined): TriggerHttpMethod[] => {
  let parsed: unknown;
  try {
    parsed = configuration ? JSON.parse(configuration) : null;
  } catch {
    parsed = null;
  }
  const entry =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? Object.entries(parsed).find(([key]) => key.toLowerCase() === 'allowedmethods')?.[1]
      : undefined;
  if (!Array.isArray(entry)) return ['POST'];
  const methods = [
    ...new Set(
      entry
        .filter((value): value is string => typeof value === 'string')
        .map((value) => value.trim().toUpperCase())
        .filter((value): value is TriggerHttpMethod => TriggerHttpMethod.safeParse(value).success),
    ),
  ];
  return methods.length > 0 ? methods : ['POST'];
};

/** `POST /v1.0/migrations/inline-rest` body: everything, one tenant, or one flow of a tenant. */
export const InlineRestMigrationRequest = z
  .object({ tenantId: EntityId.nullish(), flowId: EntityId.nullish() })
  .refine((scope) => !scope.flowId || scope.tenantId, {
    message: 'flowId requires tenantId.',
    path: ['flowId'],
  });
export type InlineRestMigrationRequest = z.infer<typeof InlineRestMigrationRequest>;

/** One inline REST transition turned into a persisted `External.Rest` step. */
export const InlineRestMigrationEntry = z.object({
  tenantId: z.string(),
  flowId: z.string(),
  originalExecutionKey: z.string(),
  executionKey: z.string(),
  stepId: z.string(),
  stepCreated: z.boolean(),
  flowUpdated: z.boolean(),
  message: z.string(),
});
export type InlineRestMigrationEntry = z.infer<typeof InlineRestMigrationEntry>;

/** What an inline REST migration did. */
export const InlineRestMigrationResult = z.object({
  flowsScanned: z.number().int(),
  flowsUpdated: z.number().int(),
  inlineRestStepsFound: z.number().int(),
  stepsCreated: z.number().int(),
  stepsReused: z.number().int(),
  entries: z.array(InlineRestMigrationEntry),
});
export type InlineRestMigrationResult = z.infer<typeof InlineRestMigrationResult>;
