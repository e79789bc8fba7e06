import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  type DataFlowRecord,
  EXECUTION_KEY_MAX_LENGTH,
  type InlineRestMigrationEntry,
  type InlineRestMigrationResult,
  type RuntimeConfig,
  type StepTransition,
  TempoError,
} from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { Repositories } from '@tempo/core/store';

type RestConfig = Extract<RuntimeConfig, { runtimeKey: 'External.Rest' }>;

/** Which flows to migrate. */
export interface InlineRestMigrationScope {
  readonly tenantId?: string | null;
  readonly flowId?: string | null;
}

/**
 * The call of an inline REST node, by the engine's rule (`inlineRestStep` in the flow engine): a
 * node is inline REST only when `stepType` is `Rest` and it carries a `rest` block. A leftover
 * `rest` block beside `stepType: null` is ignored by the engine, which runs the step of that key,
 * so migrating it would change what the flow runs.
 */
const restConfigOf = (transition: StepTransition): RestConfig | null =>
  transition.stepType === 'Rest' && transition.rest
    ? { runtimeKey: 'External.Rest', ...transition.rest }
    : null;

// By value: a step saved through the API holds its fields in schema order, an inline block in the
// order it was written, and neither order changes the call.
const sameConfig = (a: RuntimeConfig | null, b: RestConfig) => isDeepStrictEqual(a, b);

/** JSON with object keys sorted, so equal configs always hash alike. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)),
        )
      : item,
  );

/** The spec's deterministic key for an inline call whose own key is taken: `{key}_rest_{hash}`. */
const deterministicKey = (
  flow: DataFlowRecord,
  sourceKey: string,
  config: RestConfig,
  reserved: ReadonlySet<string>,
) => {
  const hash = createHash('sha256')
    .update(`${flow.tenantId}\n${flow.id}\n${sourceKey}\n${canonicalJson(config)}`)
    .digest('hex')
    .slice(0, 12);
  const base = sourceKey.slice(0, Math.max(1, EXECUTION_KEY_MAX_LENGTH - hash.length - 10));
  for (let attempt = 1; attempt < 1000; attempt++) {
    const candidate = `${base}_rest_${hash}${attempt === 1 ? '' : `_${attempt}`}`;
    if (!reserved.has(candidate)) return candidate;
  }
  throw new TempoError(
    'MigrationConflict',
    409,
    `No free execution key for inline REST transition '${sourceKey}'.`,
  );
};

/**
 * Turns a flow's inline REST transitions into persisted `External.Rest` steps: the transition's
 * own key when it is free (or already such a step with the same call), else a deterministic key,
 * with every reference to it rewritten. Running it again finds nothing to do.
 */
const migrateFlow = async (
  repositories: Repositories,
  flow: DataFlowRecord,
  result: InlineRestMigrationResult,
) => {
  const steps = repositories.steps.inTenant(flow.tenantId);
  const reserved = new Set(Object.keys(flow.transitions));
  const renamed = new Map<string, string>();
  const migrated: Record<string, StepTransition> = {};
  const entries: InlineRestMigrationEntry[] = [];
  for (const [sourceKey, transition] of Object.entries(flow.transitions)) {
    const config = restConfigOf(transition);
    if (!config) {
      migrated[sourceKey] = transition;
      continue;
    }
    let key = sourceKey;
    let step = await steps.findOne({ executionKey: key });
    if (step && !(step.runtimeKey === 'External.Rest' && sameConfig(step.runtimeConfig, config))) {
      key = deterministicKey(flow, sourceKey, config, reserved);
      step = await steps.findOne({ executionKey: key });
      if (step && !(step.runtimeKey === 'External.Rest' && sameConfig(step.runtimeConfig, config))) {
        throw new TempoError(
          'MigrationConflict',
          409,
          `Execution key '${key}' already holds a different step.`,
          {
            flowId: flow.id,
            executionKey: key,
          },
        );
      }
    }
    const created = !step;
    step ??= await steps.create({
      id: newId('step'),
      executionKey: key,
      name: transition.name ?? sourceKey,
      description: `Migrated from inline REST transition '${sourceKey}' in flow '${flow.id}'.`,
      runtimeKey: 'External.Rest',
      runtimeConfig: config,
      stepType: 'Rest',
      runtimeBindingState: 'Resolved',
    });
    if (key !== sourceKey) {
      renamed.set(sourceKey, key);
      reserved.add(key);
    }
    migrated[key] = { ...transition, stepType: null, rest: null };
    entries.push({
      tenantId: flow.tenantId,
      flowId: flow.id,
      originalExecutionKey: sourceKey,
      executionKey: key,
      stepId: step.id,
      stepCreated: created,
      flowUpdated: true,
      message:
        key === sourceKey
          ? 'Inline REST transition migrated in place.'
          : 'Inline REST transition migrated to non-conflicting execution key.',
    });
  }
  result.flowsScanned += 1;
  if (entries.length === 0) return;
  const rename = (value: string | null) => (value === null ? null : (renamed.get(value) ?? value));
  const transitions = Object.fromEntries(
    Object.entries(migrated).map(([key, transition]) => [
      key,
      {
        ...transition,
        onSuccess: rename(transition.onSuccess),
        onFailure: rename(transition.onFailure),
        onException: rename(transition.onException),
      },
    ]),
  );
  await repositories.dataFlows
    .inTenant(flow.tenantId)
    .update(flow.id, { transitions, startStepId: rename(flow.startStepId) ?? flow.startStepId });
  result.flowsUpdated += 1;
  result.inlineRestStepsFound += entries.length;
  result.stepsCreated += entries.filter((entry) => entry.stepCreated).length;
  result.stepsReused += entries.filter((entry) => !entry.stepCreated).length;
  result.entries.push(...entries);
};

/** Migrates the flows of a scope (all tenants, one tenant, or one flow); unknown ids are 404s. */
export const migrateInlineRest = async (
  repositories: Repositories,
  scope: InlineRestMigrationScope = {},
): Promise<InlineRestMigrationResult> => {
  const result: InlineRestMigrationResult = {
    flowsScanned: 0,
    flowsUpdated: 0,
    inlineRestStepsFound: 0,
    stepsCreated: 0,
    stepsReused: 0,
    entries: [],
  };
  const tenantIds = scope.tenantId
    ? [(await repositories.tenants.require(scope.tenantId, 'Tenant')).id]
    : (await repositories.tenants.find()).map((tenant) => tenant.id);
  for (const tenantId of tenantIds) {
    const flows = repositories.dataFlows.inTenant(tenantId);
    const targets = scope.flowId ? [await flows.require(scope.flowId, 'DataFlow')] : await flows.find();
    for (const flow of targets) await migrateFlow(repositories, flow, result);
  }
  return result;
};
