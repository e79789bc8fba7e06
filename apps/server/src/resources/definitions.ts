import { isDeepStrictEqual } from 'node:util';
import {
  CommonErrors,
  CreateDataFlowRequest,
  CreateStepRequest,
  CreateTriggerRequest,
  DataFlowRecord,
  type OperationType,
  type RuntimeConfig,
  StepRecord,
  type StepRuntimeBindingState,
  type StepTransition,
  TriggerRecord,
  UpdateDataFlowRequest,
  UpdateStepRequest,
  UpdateTriggerRequest,
} from '@tempo/contracts';
import { urlCredentialsProblem } from '@tempo/core/engine';
import { newId } from '@tempo/core/ids';
import type { RowOf, Tables } from '@tempo/core/store';
import type { ServerContext } from '../server-context.ts';
import { tenantAccess } from './access.ts';
import type { CrudResource, CrudScope } from './crud-routes.ts';
import { flowKeyProblems } from './flow-key-check.ts';
import { runtimeConfigProblems } from './runtime-config-checks.ts';
import {
  flowWithoutSecrets,
  stepWithoutSecrets,
  withStoredFlowSecrets,
  withStoredStepSecrets,
} from './secret-views.ts';

type T = typeof Tables;
const TENANT_PATH = '/v1.0/tenants/:tenantId';

/** The artifact fields a step takes from an artifact runtime's configuration. */
const artifactOf = (config: RuntimeConfig | null | undefined) =>
  config && 'artifactId' in config
    ? { artifactId: config.artifactId, artifactVersion: config.artifactVersion }
    : { artifactId: null, artifactVersion: null };

/**
 * Whether a step's runtime can run it as configured, with the reason when not. A configuration
 * that can never run here (another tenant's artifact, an unknown allowlist key, arguments the
 * entry's policy refuses) is a 400 when the step is saved, not a failed run later. A step that
 * runs an artifact needs the caller to be allowed to read artifacts.
 */
const bindingOf = async (
  scope: Pick<CrudScope<T['steps'], 'tenantId'>, 'context' | 'tenantId' | 'principal'>,
  config: RuntimeConfig | null,
): Promise<{ runtimeBindingState: StepRuntimeBindingState; runtimeBindingMessage: string | null }> => {
  const { context, principal } = scope;
  const tenantId = scope.tenantId ?? '';
  if (!config || config.runtimeKey === 'Builtin.Unknown') {
    return { runtimeBindingState: 'Unresolved', runtimeBindingMessage: 'No runtime is bound yet.' };
  }
  if (
    (config.runtimeKey === 'Builtin.Class' || config.runtimeKey === 'Builtin.Method') &&
    !context.builtins.resolve(tenantId, config.identifier)
  ) {
    return {
      runtimeBindingState: 'Orphaned',
      runtimeBindingMessage: `No built-in step "${config.identifier}" is registered in this process.`,
    };
  }
  if ('artifactId' in config && !(await context.authorizer.permits(principal, tenantId, 'Artifact', 'Read')))
    throw CommonErrors.forbidden();
  const problems = await runtimeConfigProblems(context, tenantId, config);
  if (problems.length > 0) throw CommonErrors.badRequest(problems.join(' '), { errors: problems });
  if ('artifactId' in config) {
    const pin = await context.artifacts.resolvePin(tenantId, config.artifactId, config.artifactVersion);
    if (pin.kind === 'unresolved')
      return { runtimeBindingState: 'Unresolved', runtimeBindingMessage: pin.message };
  }
  return { runtimeBindingState: 'Resolved', runtimeBindingMessage: null };
};

/**
 * Refuses a step runtime the API may not write. `Legacy.InlineRest` is read-only (spec): it only
 * describes old inline REST calls, so no new step may take it and an old one keeps its call as it
 * is; `External.Rest` is the runtime for a new call.
 */
const refuseLegacyRuntime = (
  runtimeKey: string,
  config: RuntimeConfig | null,
  existing?: { readonly runtimeKey: string; readonly runtimeConfig: RuntimeConfig | null },
) => {
  if (runtimeKey !== 'Legacy.InlineRest') return;
  if (existing?.runtimeKey === 'Legacy.InlineRest' && isDeepStrictEqual(config, existing.runtimeConfig))
    return;
  throw CommonErrors.badRequest(
    'Legacy.InlineRest is read-only: save the call as an External.Rest step instead.',
    { runtimeKey },
  );
};

/**
 * The step operations a flow save needs for its inline REST nodes. A node with its own `rest`
 * call is a step written into the flow (the engine runs it, and the inline REST migration turns it
 * into an `External.Rest` step), so it needs what saving that step needs: a new node `Create`, a
 * changed call `Update`. An unchanged node needs nothing more, so a flow can be sent back whole.
 */
const inlineRestOperations = (
  before: Readonly<Record<string, StepTransition>>,
  after: Readonly<Record<string, StepTransition>>,
): Set<OperationType> => {
  const needed = new Set<OperationType>();
  for (const [key, node] of Object.entries(after)) {
    if (node.rest === null) continue;
    const old = before[key];
    if (!old || old.rest === null) needed.add('Create');
    else if (old.stepType !== node.stepType || !isDeepStrictEqual(old.rest, node.rest)) needed.add('Update');
  }
  return needed;
};

/** Throws 403 unless the caller holds every `Step` operation a flow's inline REST nodes need. */
const requireInlineRestRights = async (
  scope: Pick<CrudScope<T['dataFlows'], 'tenantId'>, 'context' | 'tenantId' | 'principal'>,
  before: Readonly<Record<string, StepTransition>>,
  after: Readonly<Record<string, StepTransition>>,
) => {
  for (const operation of inlineRestOperations(before, after)) {
    if (!(await scope.context.authorizer.permits(scope.principal, scope.tenantId ?? '', 'Step', operation)))
      throw CommonErrors.forbidden();
  }
};

/** Refuses a new or changed inline REST node whose URL carries credentials, as a step save does. */
const refuseInlineUrlCredentials = (
  before: Readonly<Record<string, StepTransition>>,
  after: Readonly<Record<string, StepTransition>>,
) => {
  for (const [key, node] of Object.entries(after)) {
    if (node.rest === null || isDeepStrictEqual(before[key]?.rest, node.rest)) continue;
    const problem = urlCredentialsProblem(node.rest.url);
    if (problem) throw CommonErrors.badRequest(`transitions.${key}.rest: ${problem}`, { errors: [problem] });
  }
};

/** Flows of a tenant whose graph names an execution key. */
const flowsUsing = async (context: ServerContext, tenantId: string, executionKey: string) =>
  (await context.repositories.dataFlows.inTenant(tenantId).find()).filter(
    (flow) =>
      flow.startStepId === executionKey ||
      executionKey in flow.transitions ||
      Object.values(flow.transitions).some(
        (t) => t.onSuccess === executionKey || t.onFailure === executionKey || t.onException === executionKey,
      ),
  );

/** The flows that name an execution key, as an `InUse` reference text; null when none does. */
const flowsReferencing = async (context: ServerContext, tenantId: string, executionKey: string) => {
  const flows = await flowsUsing(context, tenantId, executionKey);
  return flows.length === 0 ? null : `flow(s) ${flows.map((flow) => flow.id).join(', ')}`;
};

/** Steps: CRUD plus bulk delete; a step a flow still names cannot be deleted. */
export const stepResource: CrudResource<
  T['steps'],
  'tenantId',
  StepRecord,
  CreateStepRequest,
  UpdateStepRequest
> = {
  name: 'Step',
  tag: 'Steps',
  path: `${TENANT_PATH}/steps`,
  access: tenantAccess('Step'),
  repository: (context, tenantId) => context.repositories.steps.inTenant(tenantId ?? ''),
  record: StepRecord,
  toRecord: stepWithoutSecrets,
  createBody: CreateStepRequest,
  create: async (scope, body) => {
    refuseLegacyRuntime(body.runtimeKey, body.runtimeConfig);
    const created = await scope.repository.create({
      ...body,
      id: newId('step'),
      description: body.description ?? null,
      inputSchema: body.inputSchema ?? null,
      outputSchema: body.outputSchema ?? null,
      stepType: body.runtimeKey === 'External.Rest' ? 'Rest' : 'Code',
      ...artifactOf(body.runtimeConfig),
      ...(await bindingOf(scope, body.runtimeConfig)),
    });
    return stepWithoutSecrets(created);
  },
  updateBody: UpdateStepRequest,
  update: async (scope, existing, sent) => {
    const body = withStoredStepSecrets(sent, existing);
    const runtimeConfig = body.runtimeConfig ?? existing.runtimeConfig;
    const runtimeKey = body.runtimeKey ?? existing.runtimeKey;
    if (runtimeConfig && runtimeConfig.runtimeKey !== runtimeKey) {
      throw CommonErrors.badRequest('runtimeConfig.runtimeKey must equal runtimeKey.');
    }
    refuseLegacyRuntime(runtimeKey, runtimeConfig, existing);
    if (body.executionKey !== undefined && body.executionKey !== existing.executionKey) {
      // Flows name steps by key: renaming a key they use would leave them pointing at no step,
      // which is exactly what the delete guard prevents, so a rename answers the same 409.
      const referencedBy = await flowsReferencing(scope.context, scope.tenantId ?? '', existing.executionKey);
      if (referencedBy) throw CommonErrors.inUse('Step', existing.id, referencedBy);
    }
    return (
      (await scope.repository.update(existing.id, {
        ...body,
        ...(body.runtimeConfig
          ? { ...artifactOf(runtimeConfig), ...(await bindingOf(scope, runtimeConfig)) }
          : {}),
      })) ?? existing
    );
  },
  guardDelete: async ({ context, tenantId }, row) =>
    flowsReferencing(context, tenantId ?? '', row.executionKey),
  bulkDelete: true,
};

/** Flows: CRUD plus bulk delete; a flow a trigger still fires cannot be deleted. */
export const flowResource: CrudResource<
  T['dataFlows'],
  'tenantId',
  DataFlowRecord,
  CreateDataFlowRequest,
  UpdateDataFlowRequest
> = {
  name: 'DataFlow',
  tag: 'Flows',
  path: `${TENANT_PATH}/flows`,
  access: tenantAccess('DataFlow'),
  repository: (context, tenantId) => context.repositories.dataFlows.inTenant(tenantId ?? ''),
  record: DataFlowRecord,
  toRecord: flowWithoutSecrets,
  createBody: CreateDataFlowRequest,
  create: async (scope, body) => {
    await requireInlineRestRights(scope, {}, body.transitions);
    refuseInlineUrlCredentials({}, body.transitions);
    const created = await scope.repository.create({
      ...body,
      id: newId('dataFlow'),
      invocationAuthMode: body.invocationAuthMode ?? scope.context.settings.engine.defaultInvocationAuthMode,
      description: body.description ?? null,
      triggerId: body.triggerId ?? null,
      routingHintLabel: body.routingHintLabel ?? null,
    });
    return flowWithoutSecrets({
      ...created,
      warnings: await flowKeyProblems(scope.context.repositories, created.tenantId, created),
    });
  },
  updateBody: UpdateDataFlowRequest,
  update: async (scope, existing, sent) => {
    const body = withStoredFlowSecrets(sent, existing);
    const merged = CreateDataFlowRequest.safeParse({ ...existing, ...body });
    if (!merged.success)
      throw CommonErrors.badRequest(merged.error.issues[0]?.message ?? 'Invalid flow.', {
        issues: merged.error.issues,
      });
    if (body.transitions) {
      await requireInlineRestRights(scope, existing.transitions, body.transitions);
      refuseInlineUrlCredentials(existing.transitions, body.transitions);
    }
    const saved = (await scope.repository.update(existing.id, body)) ?? existing;
    // The answer carries the save's warnings; `toRecord` passes them through, reads have none.
    const answered: typeof saved & Pick<DataFlowRecord, 'warnings'> = {
      ...saved,
      warnings: await flowKeyProblems(scope.context.repositories, saved.tenantId, saved),
    };
    return answered;
  },
  guardDelete: async ({ context, tenantId }, row) => {
    const triggers = await context.repositories.triggers
      .inTenant(tenantId ?? '')
      .find({ dataFlowId: row.id });
    return triggers.length === 0 ? null : `trigger(s) ${triggers.map((trigger) => trigger.id).join(', ')}`;
  },
  bulkDelete: true,
};

const requireFlow = async (
  context: ServerContext,
  tenantId: string,
  dataFlowId: string | null | undefined,
) => {
  if (dataFlowId && !(await context.repositories.dataFlows.inTenant(tenantId).get(dataFlowId))) {
    throw CommonErrors.notFound('DataFlow', dataFlowId);
  }
};

/** Triggers: CRUD plus bulk delete; `configuration` is JSON text. */
export const triggerResource: CrudResource<
  T['triggers'],
  'tenantId',
  TriggerRecord,
  CreateTriggerRequest,
  UpdateTriggerRequest
> = {
  name: 'Trigger',
  tag: 'Triggers',
  path: `${TENANT_PATH}/triggers`,
  access: tenantAccess('Trigger'),
  repository: (context, tenantId) => context.repositories.triggers.inTenant(tenantId ?? ''),
  record: TriggerRecord,
  toRecord: (row: RowOf<T['triggers']>) => row,
  createBody: CreateTriggerRequest,
  create: async ({ repository, context, tenantId }, body) => {
    await requireFlow(context, tenantId ?? '', body.dataFlowId);
    return repository.create({
      ...body,
      id: newId('trigger'),
      description: body.description ?? null,
      dataFlowId: body.dataFlowId ?? null,
      configuration: body.configuration ?? null,
    });
  },
  updateBody: UpdateTriggerRequest,
  update: async ({ repository, context, tenantId }, existing, body) => {
    await requireFlow(context, tenantId ?? '', body.dataFlowId);
    return (await repository.update(existing.id, body)) ?? existing;
  },
  bulkDelete: true,
};
