import {
  DataFlowInvocationAuthMode,
  type RestStepConfiguration,
  type RuntimeConfig,
  RuntimeKey,
  StepContractType,
  StepRuntimeBindingState,
  type StepTransition,
  StepType,
  TriggerType,
} from '@tempo/contracts';
import { col, table } from '../table-model.ts';
import { audited } from './common-columns.ts';

/** `data_flows`: the graph is the `transitions` map, stored as JSON text. */
export const dataFlows = table(
  'data_flows',
  {
    id: col.id(),
    tenantId: col.id(),
    name: col.text(500).default('My flow'),
    description: col.text(1000).nullable(),
    triggerId: col.id().nullable(),
    startStepId: col.text().default('start'),
    maxRuntimeMs: col.int().default(0),
    transitions: col.json<Record<string, StepTransition>>().default(() => ({})),
    routingHintLabel: col.text().nullable(),
    invocationAuthMode: col.enumText(DataFlowInvocationAuthMode.options).default('Public'),
    ...audited,
  },
  { indexes: [['tenantId', 'name'], ['routingHintLabel']] },
);

/** `steps`: unique per (tenant, execution key). */
export const steps = table(
  'steps',
  {
    id: col.id(),
    tenantId: col.id(),
    executionKey: col.text(),
    name: col.text(500).default('My step'),
    description: col.text(1000).nullable(),
    runtimeKey: col.enumText(RuntimeKey.options),
    runtimeConfig: col.json<RuntimeConfig>().nullable(),
    contractType: col.enumText(StepContractType.options).default('Loose'),
    inputSchema: col.longText().nullable(),
    outputSchema: col.longText().nullable(),
    validateInput: col.bool().default(false),
    validateOutput: col.bool().default(false),
    artifactId: col.id().nullable(),
    artifactVersion: col.text().nullable(),
    runtimeBindingState: col.enumText(StepRuntimeBindingState.options).default('Unresolved'),
    runtimeBindingMessage: col.text(1000).nullable(),
    stepType: col.enumText(StepType.options).default('Code'),
    maxRuntimeMs: col.int().default(0),
    rest: col.json<RestStepConfiguration>().nullable(),
    ...audited,
  },
  { unique: [['tenantId', 'executionKey']], indexes: [['tenantId', 'artifactId']] },
);

/** `triggers`: `configuration` is opaque JSON text, kept as the caller sent it. */
export const triggers = table(
  'triggers',
  {
    id: col.id(),
    tenantId: col.id(),
    name: col.text(500).default('My trigger'),
    description: col.text(1000).nullable(),
    triggerType: col.enumText(TriggerType.options).default('Http'),
    dataFlowId: col.id().nullable(),
    configuration: col.longText().nullable(),
    ...audited,
  },
  { indexes: [['tenantId', 'dataFlowId']] },
);
