import { readFile } from 'node:fs/promises';
import {
  DataFlowInvocationAuthMode,
  ExecutionKey,
  RuntimeConfig,
  RuntimeKey,
  StepContractType,
  StepTransition,
  TriggerType,
} from '@tempo/contracts';
import { z } from 'zod';
import { newId } from '../ids/index.ts';
import type { Repositories } from '../store/index.ts';
import type { SeedLogger } from './seed-database.ts';
import { stableSeedId } from './stable-id.ts';

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

const HydrationFlow = z.object({
  id: z.string().min(1).optional(),
  tenantId: z.string().nullish(),
  name: z.string().min(1),
  description: optionalText,
  triggerId: optionalText,
  startStepId: z.string().min(1),
  maxRuntimeMs: z.number().int().min(0).default(0),
  transitions: z.record(z.string(), StepTransition),
  routingHintLabel: optionalText,
  invocationAuthMode: DataFlowInvocationAuthMode.default('Public'),
  active: z.boolean().default(true),
});

const HydrationStep = z.object({
  id: z.string().min(1).optional(),
  tenantId: z.string().nullish(),
  executionKey: ExecutionKey,
  name: z.string().min(1),
  description: optionalText,
  runtimeKey: RuntimeKey,
  runtimeConfig: RuntimeConfig.nullish().transform((value) => value ?? null),
  contractType: StepContractType.default('Loose'),
  inputSchema: optionalText,
  outputSchema: optionalText,
  validateInput: z.boolean().default(false),
  validateOutput: z.boolean().default(false),
  maxRuntimeMs: z.number().int().min(0).default(0),
  active: z.boolean().default(true),
});

const HydrationTrigger = z.object({
  id: z.string().min(1).optional(),
  tenantId: z.string().nullish(),
  name: z.string().min(1),
  description: optionalText,
  triggerType: TriggerType.default('Http'),
  dataFlowId: optionalText,
  // Configuration is JSON text on the wire; a file may hold it as an object for readability.
  configuration: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .nullish()
    .transform((value) => (value == null ? null : typeof value === 'string' ? value : JSON.stringify(value))),
  active: z.boolean().default(true),
});

/** Renames keys to the spelling of `known`, ignoring case (.NET files use PascalCase). */
const matchKeys = (value: unknown, known: readonly string[]): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const byLower = new Map(known.map((key) => [key.toLowerCase(), key]));
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [byLower.get(key.toLowerCase()) ?? key, v]),
  );
};

const runtimeConfigKeys = [...new Set(RuntimeConfig.options.flatMap((option) => Object.keys(option.shape)))];

const normaliseFlow = (raw: unknown): unknown => {
  const flow = matchKeys(raw, Object.keys(HydrationFlow.shape)) as Record<string, unknown>;
  const transitions = flow.transitions;
  if (typeof transitions !== 'object' || transitions === null) return flow;
  return {
    ...flow,
    transitions: Object.fromEntries(
      Object.entries(transitions).map(([key, node]) => [
        key,
        matchKeys(node, Object.keys(StepTransition.shape)),
      ]),
    ),
  };
};

const normaliseStep = (raw: unknown): unknown => {
  const step = matchKeys(raw, Object.keys(HydrationStep.shape)) as Record<string, unknown>;
  return { ...step, runtimeConfig: matchKeys(step.runtimeConfig, runtimeConfigKeys) };
};

const listOf = (file: Record<string, unknown>, name: string): unknown[] => {
  const entry = Object.entries(file).find(([key]) => key.toLowerCase() === name);
  return Array.isArray(entry?.[1]) ? entry[1] : [];
};

/**
 * The artifact a step's runtime configuration names, recorded on the step row as the API does,
 * so deleting the artifact or the version is refused while the step uses it.
 */
const artifactOf = (config: RuntimeConfig | null) =>
  config && 'artifactId' in config
    ? { artifactId: config.artifactId, artifactVersion: config.artifactVersion }
    : { artifactId: null, artifactVersion: null };

/**
 * Loads flows, steps and triggers from a hydration file, idempotently: flows and triggers are
 * inserted only when their id is absent, and an entry without an id gets one derived from its
 * tenant and name, so the next start finds it instead of adding it again; steps are upserted by
 * execution key. An entry without a tenant goes to the default tenant. Every problem is logged
 * and skipped: a bad file never stops start-up.
 */
export const loadHydrationFile = async (
  repositories: Repositories,
  log: SeedLogger,
  filePath: string,
  defaultTenantId: string,
): Promise<void> => {
  let file: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(await readFile(filePath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object');
    file = parsed as Record<string, unknown>;
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    log.warn({ filePath, reason }, 'hydration file not loaded');
    return;
  }
  const tenantOf = async (tenantId: string | null | undefined) => {
    const id = tenantId?.trim() ? tenantId : defaultTenantId;
    return (await repositories.tenants.get(id)) ? id : null;
  };
  const each = async <T>(
    kind: string,
    items: unknown[],
    schema: z.ZodType<T>,
    normalise: (raw: unknown) => unknown,
    apply: (entry: T) => Promise<void>,
  ) => {
    for (const [index, raw] of items.entries()) {
      const parsed = schema.safeParse(normalise(raw));
      if (!parsed.success) {
        log.warn({ filePath, kind, index, issues: z.prettifyError(parsed.error) }, 'hydration entry skipped');
        continue;
      }
      await apply(parsed.data).catch((error: Error) =>
        log.warn({ filePath, kind, index, reason: error.message }, 'hydration entry skipped'),
      );
    }
  };

  await each(
    'steps',
    listOf(file, 'steps'),
    HydrationStep,
    normaliseStep,
    async ({ id, tenantId, ...step }) => {
      const tenant = await tenantOf(tenantId);
      if (!tenant) throw new Error(`tenant ${tenantId} does not exist`);
      const steps = repositories.steps.inTenant(tenant);
      const existing = await steps.findOne({ executionKey: step.executionKey });
      const bound = {
        ...step,
        ...artifactOf(step.runtimeConfig),
        runtimeBindingState: step.runtimeKey === 'Builtin.Unknown' ? 'Unresolved' : 'Resolved',
      } as const;
      if (existing) await steps.update(existing.id, bound);
      else await steps.create({ ...bound, id: id ?? newId('step') });
    },
  );
  await each(
    'flows',
    listOf(file, 'flows'),
    HydrationFlow,
    normaliseFlow,
    async ({ id, tenantId, ...flow }) => {
      const tenant = await tenantOf(tenantId);
      if (!tenant) throw new Error(`tenant ${tenantId} does not exist`);
      const flows = repositories.dataFlows.inTenant(tenant);
      const flowId = id ?? stableSeedId('dataFlow', tenant, 'hydration', flow.name);
      if (await flows.get(flowId)) return;
      await flows.create({ ...flow, id: flowId });
    },
  );
  await each(
    'triggers',
    listOf(file, 'triggers'),
    HydrationTrigger,
    (raw) => matchKeys(raw, Object.keys(HydrationTrigger.shape)),
    async ({ id, tenantId, ...trigger }) => {
      const tenant = await tenantOf(tenantId);
      if (!tenant) throw new Error(`tenant ${tenantId} does not exist`);
      const triggers = repositories.triggers.inTenant(tenant);
      const triggerId = id ?? stableSeedId('trigger', tenant, 'hydration', trigger.name);
      if (await triggers.get(triggerId)) return;
      await triggers.create({ ...trigger, id: triggerId });
    },
  );
};
