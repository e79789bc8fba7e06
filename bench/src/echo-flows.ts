import { TempoClient } from '@tempo/client';
import type { TempoProcess } from './tempo-process.ts';

/** What {@link createEchoFlows} made: the tenant and the trigger URLs of both flows. */
export interface EchoFlows {
  readonly t: ReturnType<TempoClient['tenant']>;
  readonly echoUrl: string;
  readonly chainUrl: string;
}

/**
 * Creates `chainSteps` built-in echo steps, a one-step echo flow of the first and a chain of all
 * of them, each with a trigger, and checks that both triggers answer `body`; answers their URLs.
 */
export const createEchoFlows = async (
  server: TempoProcess,
  chainSteps: number,
  body: string,
): Promise<EchoFlows> => {
  const admin = new TempoClient({ baseUrl: server.url, credentials: { apiKey: 'bench-admin-key' } });
  const tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
  const t = admin.tenant(tenantId);
  const keys = Array.from({ length: chainSteps }, (_, index) => `bench.echo.${index + 1}`);
  for (const key of keys)
    await t.steps.create({
      executionKey: key,
      name: key,
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.builtin.echo' },
    });
  const [first = ''] = keys;
  const echo = await t.flows.create({ name: 'Echo', startStepId: first, transitions: { [first]: {} } });
  const chain = await t.flows.create({
    name: 'Chain',
    startStepId: first,
    transitions: Object.fromEntries(keys.map((key, index) => [key, { onSuccess: keys[index + 1] ?? null }])),
  });
  const echoTrigger = await t.triggers.create({ name: 'Echo', dataFlowId: echo.id });
  const chainTrigger = await t.triggers.create({ name: 'Chain', dataFlowId: chain.id });
  for (const trigger of [echoTrigger, chainTrigger]) {
    const check = await admin.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { rawBody: body });
    if (check.status !== 200 || JSON.stringify(check.body) !== body)
      throw new Error(`flow of trigger ${trigger.name} answered ${check.status}`);
  }
  const url = (id: string) => `${server.url}/v1.0/triggers/http/${id}`;
  return { t, echoUrl: url(echoTrigger.id), chainUrl: url(chainTrigger.id) };
};
