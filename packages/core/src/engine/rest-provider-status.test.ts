import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundRestSettings, type RuntimeConfig } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvedStep, stepRequest } from './flow-test-kit.ts';
import { restProvider } from './rest-provider.ts';
import type { ResolvedStep } from './runtime-provider.ts';

// The REST provider against a real loopback server: the spec's status mapping, the methods it
// sends, its time limit, and what a transport failure becomes.

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

let server: Server;
let base = '';
let closedPort = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const status = /^\/status\/(\d{3})$/.exec(url);
      if (status) {
        const code = Number(status[1]);
        res.writeHead(code, { 'content-type': 'text/plain', 'x-answer': String(code) });
        res.end(code === 418 ? '' : `body of ${code}`);
        return;
      }
      if (url === '/silent') return;
      if (url === '/large') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('L'.repeat(4096));
        return;
      }
      if (url === '/large-404') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`missing ${'M'.repeat(4096)}`);
        return;
      }
      if (url === '/not-gzip') {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        res.end('this is not gzip at all');
        return;
      }
      const seen: Seen = {
        method: req.method ?? '',
        url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(seen));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free: nothing listens on it, so a call there is refused by the system.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

type RestConfig = Extract<RuntimeConfig, { runtimeKey: 'External.Rest' }>;

const restStep = (config: Partial<RestConfig>, runtimeConfig?: RuntimeConfig | null): ResolvedStep =>
  resolvedStep('External.Rest', 'call', {
    runtimeConfig:
      runtimeConfig === undefined
        ? {
            runtimeKey: 'External.Rest',
            method: 'GET',
            url: `${base}/`,
            headers: {},
            timeoutMs: 5000,
            ...config,
          }
        : runtimeConfig,
  });

const loopback = { allowedTargets: ['127.0.0.1'] };

const call = (
  step: ResolvedStep,
  options: { data?: unknown; metadata?: unknown; settings?: object; signal?: AbortSignal } = {},
) =>
  restProvider('External.Rest', {
    settings: OutboundRestSettings.parse({ ...loopback, ...options.settings }),
  }).execute({
    step,
    request: stepRequest({ data: options.data ?? null, metadata: options.metadata ?? null }),
    dataFlowId: 'flow_1',
    signal: options.signal ?? new AbortController().signal,
  });

const decoded = (data: unknown): string =>
  Buffer.from(String((data as { ResponseBody: string }).ResponseBody), 'base64').toString('utf8');

describe('restProvider: status mapping', () => {
  it.each([
    [200, 'Success'],
    [201, 'Success'],
    [299, 'Success'],
    [300, 'Error'],
    [400, 'Error'],
    [404, 'Error'],
    [499, 'Error'],
    [500, 'Exception'],
    [503, 'Exception'],
  ] as const)('maps status %i to %s', async (status, result) => {
    const outcome = await call(restStep({ url: `${base}/status/${status}` }), { metadata: { trace: 't1' } });
    expect(outcome.result.result).toBe(result);
    expect(outcome.result.metadata).toEqual({ trace: 't1' });
    const data = outcome.result.data as { StatusCode: number; Headers: Record<string, string> };
    expect(data.StatusCode).toBe(status);
    expect(data.Headers['x-answer']).toBe(String(status));
    expect(decoded(data)).toBe(`body of ${status}`);
    if (result === 'Success') expect(outcome.result.errorMessage).toBeUndefined();
    else
      expect(outcome.result.errorMessage).toBe(
        `HTTP request failed with status ${status}: body of ${status}`,
      );
  });

  it('says so when a failed status has no body', async () => {
    const outcome = await call(restStep({ url: `${base}/status/418` }));
    expect(outcome.result).toMatchObject({
      result: 'Error',
      errorMessage: 'HTTP request failed with status 418: (no response body)',
    });
  });

  it('keeps the meaning of a failed status whose body is over the cap, the body cut', async () => {
    const outcome = await call(restStep({ url: `${base}/large-404` }), {
      settings: { maxResponseBytes: 1024 },
    });
    expect(outcome.result.result).toBe('Error');
    expect(decoded(outcome.result.data).length).toBeLessThanOrEqual(1024);
    expect((outcome.result.data as { StatusCode: number }).StatusCode).toBe(404);
    expect(outcome.result.errorMessage).toMatch(/^HTTP request failed with status 404: /);
  });

  it('refuses a successful body over the cap instead of answering part of it', async () => {
    const outcome = await call(restStep({ url: `${base}/large` }), { settings: { maxResponseBytes: 1024 } });
    expect(outcome.result).toEqual({
      result: 'Exception',
      errorMessage:
        'The response of step "call" (status 200) is larger than 1024 bytes once decoded (runtimes.outboundRest.maxResponseBytes); it was not read.',
    });
  });

  it('fails a body that cannot be decoded as its declared encoding', async () => {
    const outcome = await call(restStep({ url: `${base}/not-gzip` }));
    expect(outcome.result.result).toBe('Exception');
    expect(outcome.result.errorMessage).toMatch(/^The response body could not be decoded as gzip: /);
  });
});

describe('restProvider: the request it sends', () => {
  it.each(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'])('sends %s', async (method) => {
    const outcome = await call(restStep({ method: method.toLowerCase(), url: `${base}/echo` }));
    expect(outcome.result.result).toBe('Success');
    expect((JSON.parse(decoded(outcome.result.data)) as Seen).method).toBe(method);
  });

  it('refuses a method outside GET, POST, PUT, DELETE and PATCH without calling', async () => {
    const outcome = await call(restStep({ method: 'TRACE', url: `${base}/echo` }));
    expect(outcome.result).toEqual({ result: 'Exception', errorMessage: 'Unsupported HTTP method: TRACE' });
  });

  it('sends the mapped body, URL parameters and headers', async () => {
    const outcome = await call(
      restStep({ method: 'POST', url: `${base}/echo/{id}`, headers: { 'x-configured': 'yes' } }),
      { data: { Body: '{"a":1}', UrlParams: { id: 'a b' }, Headers: { 'x-input': 'in' } } },
    );
    const seen = JSON.parse(decoded(outcome.result.data)) as Seen;
    expect(seen).toMatchObject({ method: 'POST', url: '/echo/a%20b', body: '{"a":1}' });
    expect(seen.headers).toMatchObject({ 'x-configured': 'yes', 'x-input': 'in', 'content-length': '7' });
  });

  it('sends no body for an empty or non-text Body', async () => {
    for (const Body of ['', { a: 1 }]) {
      const outcome = await call(restStep({ method: 'POST', url: `${base}/echo` }), { data: { Body } });
      expect(outcome.result.result).toBe('Success');
      const seen = JSON.parse(decoded(outcome.result.data)) as Seen;
      expect(seen.body).toBe('');
    }
  });

  it("forwards an input's Headers unless the input is a REST step's output", async () => {
    const forwarded = [
      { StatusCode: 200, Headers: { 'x-from-input': 'yes' } },
      { StatusCode: '200', ResponseBody: '', Headers: { 'x-from-input': 'yes' } },
    ];
    for (const data of forwarded) {
      const outcome = await call(restStep({ url: `${base}/echo` }), { data });
      expect((JSON.parse(decoded(outcome.result.data)) as Seen).headers['x-from-input']).toBe('yes');
    }
    const output = { StatusCode: 200, ResponseBody: '', Headers: { 'x-from-input': 'yes' } };
    const outcome = await call(restStep({ url: `${base}/echo` }), { data: output });
    expect((JSON.parse(decoded(outcome.result.data)) as Seen).headers['x-from-input']).toBeUndefined();
  });

  it('fails a step without a REST configuration', async () => {
    for (const config of [null, { runtimeKey: 'Builtin.Method', identifier: 'x' } as RuntimeConfig]) {
      const outcome = await call(restStep({}, config));
      expect(outcome.result).toEqual({
        result: 'Exception',
        errorMessage: 'Step "call" has no REST configuration.',
      });
    }
  });

  it('fails a URL with credentials, and one that is not a URL once filled in', async () => {
    const credentials = await call(restStep({ url: `http://user:pw@127.0.0.1:1/` }));
    expect(credentials.result.result).toBe('Exception');
    expect(credentials.result.errorMessage).toMatch(/^Step "call": /);
    expect(credentials.result.errorMessage).not.toContain('pw');
    const broken = await call(restStep({ url: '{target}/x' }), { data: { UrlParams: { target: 'no url' } } });
    expect(broken.result).toEqual({
      result: 'Exception',
      errorMessage: 'Step "call" has a URL that is not valid once its parameters are filled in.',
    });
  });
});

describe('restProvider: time and transport', () => {
  it("ends the call at the step's own timeoutMs, not the server default", async () => {
    const started = Date.now();
    const outcome = await call(restStep({ url: `${base}/silent`, timeoutMs: 150 }), {
      settings: { defaultTimeoutMs: 20_000 },
    });
    expect(outcome.result).toEqual({
      result: 'Timeout',
      errorMessage: 'Step "call" exceeded its timeout of 150 ms.',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("answers an Exception, not a Timeout, when the engine's signal ends the call", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the run was cancelled')), 100);
    const outcome = await call(restStep({ url: `${base}/silent`, timeoutMs: 20_000 }), {
      signal: controller.signal,
    });
    expect(outcome.result.result).toBe('Exception');
    expect(outcome.result.errorMessage).toContain('the run was cancelled');
  });

  it('turns a refused connection into an Exception naming the cause', async () => {
    const outcome = await call(restStep({ url: `http://127.0.0.1:${closedPort}/` }));
    expect(outcome.result.result).toBe('Exception');
    expect(outcome.result.errorMessage).toContain('ECONNREFUSED');
  });
});
