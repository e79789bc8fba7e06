import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundRestSettings, type RuntimeKey } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinStepRegistry } from '../runtimes/builtin-registry.ts';
import { builtinProvider } from './builtin-provider.ts';
import { builtinStep, node, registerStep, runTestFlow } from './flow-test-kit.ts';
import { restProvider } from './rest-provider.ts';
import type { RuntimeProvider } from './runtime-provider.ts';

// Legacy flows carry their REST call inline in the node (`stepType: 'Rest'`): the engine runs it
// as a `Legacy.InlineRest` step, against a real loopback server here.

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/silent') return;
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain' });
    res.end(`${req.method} ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const registry = new BuiltinStepRegistry();
registerStep(registry, 'registered', async () => ({ result: 'Success', data: 'the registered step ran' }));
registerStep(registry, 'echo', async (request) => ({
  result: 'Success',
  data: { data: request.data, previous: request.previousResult },
}));
const providers = new Map<RuntimeKey, RuntimeProvider>([
  ['Builtin.Method', builtinProvider('Builtin.Method', registry)],
  [
    'Legacy.InlineRest',
    restProvider('Legacy.InlineRest', {
      settings: OutboundRestSettings.parse({ allowedTargets: ['127.0.0.1'] }),
    }),
  ],
]);

const inline = (path: string, extra: { timeoutMs?: number; onSuccess?: string; onFailure?: string } = {}) =>
  node({
    name: 'Inline call',
    stepType: 'Rest',
    rest: { method: 'post', url: `${base}${path}`, headers: {}, timeoutMs: extra.timeoutMs ?? 5_000 },
    onSuccess: extra.onSuccess ?? null,
    onFailure: extra.onFailure ?? null,
  });

const body = (data: unknown) =>
  Buffer.from((data as { ResponseBody: string }).ResponseBody, 'base64').toString('utf8');

describe('runFlow: legacy inline REST nodes', () => {
  it('runs the inline call, not a stored step of the same key, and passes its response on', async () => {
    const { outcome, reports } = await runTestFlow(
      providers,
      { call: inline('/items', { onSuccess: 'e' }), e: node() },
      { call: builtinStep('call', 'registered'), e: builtinStep('e', 'echo') },
      null,
    );
    expect(reports.map((report) => [report.stepId, report.result])).toEqual([
      ['call', 'Success'],
      ['e', 'Success'],
    ]);
    const output = JSON.parse(outcome.outputData ?? '') as { data: { StatusCode: number }; previous: string };
    expect(output.previous).toBe('Success');
    expect(output.data.StatusCode).toBe(200);
    expect(body(output.data)).toBe('POST /items');
  });

  it('maps a 4xx of the inline call to Error and follows onFailure', async () => {
    const { reports } = await runTestFlow(
      providers,
      { call: inline('/missing', { onFailure: 'e' }), e: node() },
      { e: builtinStep('e', 'echo') },
      null,
    );
    expect(reports.map((report) => [report.stepId, report.result, report.nextStepId])).toEqual([
      ['call', 'Error', 'e'],
      ['e', 'Success', null],
    ]);
  });

  it("ends the inline call at the node's timeoutMs", async () => {
    const started = Date.now();
    const { outcome, reports } = await runTestFlow(
      providers,
      { call: inline('/silent', { timeoutMs: 60 }) },
      {},
      null,
    );
    expect(reports[0]?.result).toBe('Timeout');
    expect(reports[0]?.errorMessage).toContain('60 ms');
    expect(outcome.state).toBe('Exception');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('looks the key up as a stored step when a Rest node has no inline call', async () => {
    const { outcome } = await runTestFlow(
      providers,
      { call: node({ stepType: 'Rest', rest: null }) },
      { call: builtinStep('call', 'registered') },
      null,
    );
    expect(outcome).toMatchObject({ state: 'Succeeded', outputData: '"the registered step ran"' });
  });

  it('looks the key up as a stored step when a node with an inline call is not of type Rest', async () => {
    const { outcome } = await runTestFlow(
      providers,
      { call: { ...inline('/items'), stepType: null } },
      { call: builtinStep('call', 'registered') },
      null,
    );
    expect(outcome.outputData).toBe('"the registered step ran"');
  });
});
