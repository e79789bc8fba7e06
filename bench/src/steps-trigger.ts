import { TempoClient, type TenantClient } from '@tempo/client';
import { type BenchLanguage, type CallSample, FIB_HANDLERS, handlerMsOf } from './steps-handlers.ts';
import type { TempoProcess } from './tempo-process.ts';

/** The admin key `startTempo` writes into a new data folder's settings. */
const BENCH_ADMIN_KEY = 'bench-admin-key';

/** A source step behind a one-step flow's HTTP trigger, on a running server. */
export interface TriggeredStep {
  readonly language: BenchLanguage;
  readonly url: string;
}

/** The first tenant of a new server, as its admin sees it. */
const firstTenant = async (server: TempoProcess): Promise<TenantClient> => {
  // A C# source step is a `dotnet publish` on the server: minutes on a loaded machine.
  const admin = new TempoClient({
    baseUrl: server.url,
    credentials: { apiKey: BENCH_ADMIN_KEY },
    timeoutMs: 600_000,
  });
  const tenants = await admin.tenants.list();
  return admin.tenant(tenants.items[0]?.id ?? '');
};

/** Creates `language`'s `fib(n)` source step and its trigger (a C# step is built with `dotnet publish`). */
export const createTriggeredStep = async (
  server: TempoProcess,
  language: BenchLanguage,
): Promise<TriggeredStep> => {
  const tenant = await firstTenant(server);
  const name = `bench.fib.${language.toLowerCase()}`;
  await tenant.steps.fromSource({ name, language, code: FIB_HANDLERS[language] });
  const flow = await tenant.flows.create({
    name: `Flow of ${name}`,
    startStepId: name,
    transitions: { [name]: {} },
  });
  const trigger = await tenant.triggers.create({ name: `Trigger of ${name}`, dataFlowId: flow.id });
  return { language, url: `${server.url}/v1.0/triggers/http/${trigger.id}` };
};

/** One trigger call: the run's answer time and the handler's own time. */
const fire = async (step: TriggeredStep, n: number): Promise<CallSample> => {
  const started = performance.now();
  const answer = await fetch(step.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ n }),
  });
  const body = (await answer.json()) as unknown;
  const stepMs = performance.now() - started;
  if (answer.status !== 200) throw new Error(`trigger answered ${answer.status}: ${JSON.stringify(body)}`);
  return { stepMs, handlerMs: handlerMsOf(body) };
};

/** `iterations` sequential trigger calls after `warmup` ones. */
export const measureTriggerCalls = async (
  step: TriggeredStep,
  iterations: number,
  warmup: number,
): Promise<CallSample[]> => {
  for (let i = 0; i < warmup; i++) await fire(step, 10);
  const samples: CallSample[] = [];
  for (let i = 0; i < iterations; i++) samples.push(await fire(step, 10));
  return samples;
};

/** The lead's scenario: `runs` sequential `fib(10)` runs through a trigger, total seconds (no warm-up). */
export const sequentialRunsSeconds = async (step: TriggeredStep, runs: number): Promise<number> => {
  const started = performance.now();
  for (let i = 0; i < runs; i++) await fire(step, 10);
  return (performance.now() - started) / 1000;
};
