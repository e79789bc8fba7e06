import type { TempoClient, TriggerCallResult } from '@tempo/client';
import type {
  DataFlowRecord,
  FlowRunRecord,
  SourceStepCreateResponse,
  TriggerRecord,
} from '@tempo/contracts';
import {
  flowTransitions,
  sourceStepBody,
  triggerConfiguration,
  type WizardLanguage,
  type WizardStepDraft,
} from './wizard-plan.ts';

/** The two example flows. */
export const WIZARD_FLOWS = ['echo', 'chained'] as const;
export type WizardFlow = (typeof WIZARD_FLOWS)[number];

/** Names and descriptions of what the wizard creates, in the page's language. */
export type WizardTexts = (
  kind: 'flow' | 'trigger',
  flow: WizardFlow,
) => { name: string; description: string };

/** Creates the three source steps in order; stops at the first refusal. */
export const createSteps = async (
  client: TempoClient,
  tenantId: string,
  language: WizardLanguage,
  drafts: readonly WizardStepDraft[],
): Promise<SourceStepCreateResponse[]> => {
  const created: SourceStepCreateResponse[] = [];
  // One at a time: C# builds are limited per server and answer 429 when too many run at once.
  for (const draft of drafts)
    created.push(await client.tenant(tenantId).steps.fromSource(sourceStepBody(language, draft)));
  return created;
};

/** Creates the echo flow and the random-then-double flow over the created steps' keys. */
export const createFlows = async (
  client: TempoClient,
  tenantId: string,
  stepKeys: readonly [string, string, string],
  texts: WizardTexts,
): Promise<Record<WizardFlow, DataFlowRecord>> => {
  const graphs = flowTransitions(stepKeys);
  const flows = client.tenant(tenantId).flows;
  const create = (flow: WizardFlow) =>
    flows.create({ ...texts('flow', flow), ...graphs[flow], invocationAuthMode: 'Public', maxRuntimeMs: 0 });
  return { echo: await create('echo'), chained: await create('chained') };
};

/** The HTTP method of each flow's trigger (spec §4.3). */
export const TRIGGER_METHOD: Readonly<Record<WizardFlow, 'GET' | 'POST'>> = { echo: 'POST', chained: 'GET' };

/** Creates one HTTP trigger per flow. */
export const createTriggers = async (
  client: TempoClient,
  tenantId: string,
  flows: Record<WizardFlow, DataFlowRecord>,
  texts: WizardTexts,
): Promise<Record<WizardFlow, TriggerRecord>> => {
  const triggers = client.tenant(tenantId).triggers;
  const create = (flow: WizardFlow) =>
    triggers.create({
      ...texts('trigger', flow),
      triggerType: 'Http',
      dataFlowId: flows[flow].id,
      configuration: triggerConfiguration(TRIGGER_METHOD[flow]),
      active: true,
    });
  return { echo: await create('echo'), chained: await create('chained') };
};

/** One trigger call and the run it started, read back. */
export interface WizardRunResult {
  readonly call: TriggerCallResult;
  readonly run: FlowRunRecord;
}

/** Fires both triggers (echo with `input`, the chained one by GET) and reads each run. */
export const invokeTriggers = async (
  client: TempoClient,
  tenantId: string,
  triggers: Record<WizardFlow, TriggerRecord>,
  input: unknown,
): Promise<Record<WizardFlow, WizardRunResult>> => {
  const fire = async (flow: WizardFlow, body?: unknown): Promise<WizardRunResult> => {
    const call = await client.httpTriggers.fire(triggers[flow].id, {
      method: TRIGGER_METHOD[flow],
      ...(body === undefined ? {} : { body }),
      flowMaxRuntimeMs: 0,
    });
    return { call, run: await client.tenant(tenantId).runs.get(call.run.runId) };
  };
  return { echo: await fire('echo', input), chained: await fire('chained') };
};

/** The public URL of an HTTP trigger. */
export const triggerUrl = (serverUrl: string, triggerId: string): string =>
  `${serverUrl}/v1.0/triggers/http/${triggerId}`;

/** The `x-*` answer headers, sorted by name: the run's metadata. */
export const runHeaders = (headers: Readonly<Record<string, string>>): [string, string][] =>
  Object.entries(headers)
    .filter(([name]) => name.startsWith('x-'))
    .sort(([a], [b]) => a.localeCompare(b));

/** What the wizard has created and run so far. */
export interface WizardProgress {
  readonly steps?: SourceStepCreateResponse[];
  readonly flows?: Record<WizardFlow, DataFlowRecord>;
  readonly triggers?: Record<WizardFlow, TriggerRecord>;
  readonly runs?: Record<WizardFlow, WizardRunResult>;
}
