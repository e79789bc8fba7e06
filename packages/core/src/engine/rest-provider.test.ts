import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundRestSettings, type RuntimeConfig } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepRequest } from './flow-test-kit.ts';
import { restProvider, restRequestOf } from './rest-provider.ts';
import type { ResolvedStep } from './runtime-provider.ts';

const config = {
  method: 'post',
  url: 'http://127.0.0.1/items/{id}',
  headers: { 'x-app': 'tempo' },
  timeoutMs: 1000,
};

describe('restRequestOf', () => {
  it('maps Body, UrlParams and Headers from the input over the configured call', () => {
    expect(
      restRequestOf(config, {
        Body: '{"a":1}',
        UrlParams: { id: 'a b/c' },
        Headers: { 'content-type': 'application/json' },
      }),
    ).toEqual({
      url: 'http://127.0.0.1/items/a%20b%2Fc',
      method: 'POST',
      headers: { 'x-app': 'tempo', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
  });

  it('merges names without regard to case, configured headers winning', () => {
    const configured = {
      ...config,
      headers: { Authorization: 'Bearer CONFIG', 'Content-Type': 'application/json' },
    };
    expect(
      restRequestOf(configured, {
        Headers: { authorization: 'Bearer attacker', 'content-type': 'text/plain', 'X-A': '1' },
      }).headers,
    ).toEqual({ authorization: 'Bearer CONFIG', 'content-type': 'application/json', 'x-a': '1' });
  });

  it("never forwards a previous REST step's response headers", () => {
    const previousOutput = {
      StatusCode: 200,
      ResponseBody: '',
      Headers: { 'content-encoding': 'gzip', date: 'Mon', 'set-cookie': 'a=b', 'x-trace': 't1' },
    };
    expect(restRequestOf(config, previousOutput).headers).toEqual({ 'x-app': 'tempo' });
  });

  it('leaves out connection and response-only headers an input names', () => {
    const input = {
      Headers: {
        Connection: 'keep-alive',
        'content-length': '60',
        'Content-Encoding': 'gzip',
        Date: 'x',
        'x-trace': 't1',
      },
    };
    expect(restRequestOf(config, input).headers).toEqual({ 'x-app': 'tempo', 'x-trace': 't1' });
  });
});

/** A loopback server whose answers the tests set per path; it records the headers it got. */
let server: Server;
let base = '';
const seen: IncomingHttpHeaders[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/silent') return;
    if (req.url === '/fail') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`echo ${req.headers.authorization ?? ''} ${'e'.repeat(100_000)}`);
      return;
    }
    if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const stepOf = (
  runtimeConfig: Partial<Extract<RuntimeConfig, { runtimeKey: 'External.Rest' }>>,
): ResolvedStep => ({
  id: 'step_1',
  tenantId: 'ten_1',
  executionKey: 'call',
  name: 'call',
  runtimeKey: 'External.Rest',
  runtimeConfig: {
    runtimeKey: 'External.Rest',
    method: 'GET',
    url: base,
    headers: {},
    timeoutMs: 5000,
    ...runtimeConfig,
  },
  contractType: 'Loose',
  inputSchema: null,
  outputSchema: null,
  validateInput: false,
  validateOutput: false,
  maxRuntimeMs: 0,
});

const run = (
  settings: Partial<OutboundRestSettings>,
  step: ResolvedStep,
  signal = new AbortController().signal,
) =>
  restProvider('External.Rest', { settings: OutboundRestSettings.parse(settings) }).execute({
    step,
    request: stepRequest(),
    dataFlowId: 'flow_1',
    signal,
  });

describe('restProvider', () => {
  it('refuses loopback by default and calls it when the allow-list names it', async () => {
    const denied = await run({}, stepOf({ url: `${base}/ok` }));
    expect(denied.result.result).toBe('Exception');
    expect(denied.result.errorMessage).toMatch(/refused.*allowedTargets/);
    expect((await run({ allowedTargets: ['127.0.0.1'] }, stepOf({ url: `${base}/ok` }))).result.result).toBe(
      'Success',
    );
  });

  it('re-checks a redirect target and refuses the metadata address', async () => {
    const outcome = await run({ allowedTargets: ['127.0.0.1'] }, stepOf({ url: `${base}/to-metadata` }));
    expect(outcome.result.result).toBe('Exception');
    expect(outcome.result.errorMessage).toContain('169.254.169.254');
  });

  it('cuts a large error body and hides header values in it', async () => {
    const outcome = await run(
      { allowedTargets: ['127.0.0.1'] },
      stepOf({ url: `${base}/fail`, headers: { Authorization: 'Bearer CONFIG-SECRET' } }),
    );
    expect(outcome.result.result).toBe('Exception');
    expect(outcome.result.errorMessage).not.toContain('CONFIG-SECRET');
    expect(outcome.result.errorMessage?.length).toBeLessThan(3000);
  });

  it('applies the default timeout when timeoutMs is 0', async () => {
    const started = Date.now();
    const outcome = await run(
      { allowedTargets: ['127.0.0.1'], defaultTimeoutMs: 300 },
      stepOf({ url: `${base}/silent`, timeoutMs: 0 }),
    );
    expect(outcome.result).toEqual({
      result: 'Timeout',
      errorMessage: 'Step "call" exceeded its timeout of 300 ms.',
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('names an invalid header but never quotes its value', async () => {
    const outcome = await run(
      { allowedTargets: ['127.0.0.1'] },
      stepOf({ url: `${base}/ok`, headers: { 'x-token': 'tok-SECRET\n1' } }),
    );
    expect(outcome.result.result).toBe('Exception');
    expect(outcome.result.errorMessage).toContain('x-token');
    expect(outcome.result.errorMessage).not.toContain('tok-SECRET');
  });
});
