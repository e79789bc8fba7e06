import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundPolicy } from './outbound-policy.ts';
import { type OutboundCall, type OutboundOutcome, sendOutbound } from './outbound-request.ts';

// Redirects as a REST step follows them, against two real loopback servers (two origins): every
// hop re-checked, POST turned into GET where fetch does, credentials dropped across origins.

interface Hit {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const hits: Hit[] = [];
let main: Server;
let other: Server;
let base = '';
let otherBase = '';

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const handler = (tag: string) =>
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      hits.push({
        method: req.method ?? '',
        url: `${tag}${url}`,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const redirect = /^\/redirect\/(\d{3})\/(.*)$/.exec(url);
      if (redirect) {
        const target = decodeURIComponent(redirect[2] ?? '');
        res.writeHead(Number(redirect[1]), target === 'none' ? {} : { location: target });
        res.end();
        return;
      }
      if (url.startsWith('/loop')) {
        res.writeHead(302, { location: '/loop' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
      res.end(`${tag} ${req.method} ${url}`);
    });
  });

beforeAll(async () => {
  main = handler('main');
  other = handler('other');
  base = await listen(main);
  otherBase = (await listen(other)).replace('127.0.0.1', 'localhost');
});
afterAll(() => {
  for (const server of [main, other]) {
    server.closeAllConnections();
    server.close();
  }
});

const policy = createOutboundPolicy({ allowedTargets: ['127.0.0.1', 'localhost'] }, async () => [
  { address: '127.0.0.1', family: 4 },
]);

const send = (
  call: Partial<OutboundCall> & { url: URL },
  maxRedirects = 5,
  signal = new AbortController().signal,
) =>
  sendOutbound(
    { method: 'GET', headers: {}, ...call },
    { policy, maxResponseBytes: 4096, maxRedirects, signal },
  );

const bodyOf = (outcome: OutboundOutcome) =>
  outcome.kind === 'response' && outcome.response.body.kind === 'read'
    ? outcome.response.body.bytes.toString()
    : null;

const redirectUrl = (status: number, target: string) =>
  new URL(`${base}/redirect/${status}/${encodeURIComponent(target)}`);

describe('sendOutbound', () => {
  it('answers the final response with its status and flattened headers', async () => {
    const outcome = await send({ url: new URL(`${base}/plain`) });
    expect(outcome.kind === 'response' && outcome.response.status).toBe(200);
    expect(outcome.kind === 'response' && outcome.response.headers['set-cookie']).toBe('a=1, b=2');
    expect(bodyOf(outcome)).toBe('main GET /plain');
  });

  it.each([301, 302, 307, 308])('follows a %i and keeps a GET a GET', async (status) => {
    expect(bodyOf(await send({ url: redirectUrl(status, '/done') }))).toBe('main GET /done');
  });

  it.each([
    [301, 'GET'],
    [302, 'GET'],
    [303, 'GET'],
    [307, 'POST'],
    [308, 'POST'],
  ])('after a %i, a POST continues as %s', async (status, method) => {
    hits.length = 0;
    const outcome = await send({
      url: redirectUrl(status, '/after'),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(bodyOf(outcome)).toBe(`main ${method} /after`);
    const last = hits.at(-1);
    expect(last?.body).toBe(method === 'POST' ? '{"a":1}' : '');
    expect(last?.headers['content-length']).toBe(method === 'POST' ? '7' : undefined);
    expect(last?.headers['content-type']).toBe(method === 'POST' ? 'application/json' : undefined);
  });

  it('turns a PUT into a GET after a 303 only', async () => {
    expect(bodyOf(await send({ url: redirectUrl(303, '/put'), method: 'PUT', body: 'x' }))).toBe(
      'main GET /put',
    );
    expect(bodyOf(await send({ url: redirectUrl(302, '/put'), method: 'PUT', body: 'x' }))).toBe(
      'main PUT /put',
    );
  });

  it('keeps a HEAD a HEAD after a 303', async () => {
    hits.length = 0;
    const outcome = await send({ url: redirectUrl(303, '/head'), method: 'HEAD' });
    expect(outcome.kind === 'response' && outcome.response.status).toBe(200);
    expect(hits.map((hit) => [hit.method, hit.url])).toEqual([
      ['HEAD', `main/redirect/303/${encodeURIComponent('/head')}`],
      ['HEAD', 'main/head'],
    ]);
  });

  it('follows a redirect to https (here a plain-HTTP port, so the TLS handshake fails)', async () => {
    await expect(send({ url: redirectUrl(302, `${base.replace('http:', 'https:')}/tls`) })).rejects.toThrow();
  });

  it('drops credentials when a redirect leaves the origin, keeps them within it', async () => {
    const headers = { authorization: 'Bearer secret', accept: 'text/plain' };
    hits.length = 0;
    await send({ url: redirectUrl(302, `${otherBase}/elsewhere`), headers });
    expect(hits.at(-1)?.url).toBe('other/elsewhere');
    expect(hits.at(-1)?.headers.authorization).toBeUndefined();
    expect(hits.at(-1)?.headers.accept).toBe('text/plain');
    hits.length = 0;
    await send({ url: redirectUrl(302, '/same'), headers });
    expect(hits.at(-1)?.headers.authorization).toBe('Bearer secret');
  });

  it('answers a redirect itself when maxRedirects is 0', async () => {
    const outcome = await send({ url: redirectUrl(302, '/never') }, 0);
    expect(outcome.kind === 'response' && outcome.response.status).toBe(302);
  });

  it('stops after maxRedirects, naming where it stopped without the query', async () => {
    hits.length = 0;
    expect(await send({ url: new URL(`${base}/loop?token=x`) }, 2)).toEqual({
      kind: 'refused',
      message: `Stopped after 2 redirects, the most runtimes.outboundRest.maxRedirects allows (last from ${base}/loop).`,
    });
    // The first request and two redirects: no third.
    expect(hits).toHaveLength(3);
  });

  it.each([
    ['none', 'The target answered 302 without a Location header.'],
    ['http://[bad', 'The target answered 302 with a Location that is not a URL.'],
    ['file:///etc/passwd', 'The target redirected to a file: URL; only http and https are followed.'],
    [
      'http://user:pw@127.0.0.1/',
      'The target redirected to a URL that includes credentials; it was not followed.',
    ],
  ])('refuses to follow a redirect to %s', async (target, message) => {
    expect(await send({ url: redirectUrl(302, target) })).toEqual({ kind: 'refused', message });
  });

  it('re-checks every hop with the policy', async () => {
    // The second origin's name resolves to a private address this policy does not open.
    const strict = createOutboundPolicy({ allowedTargets: ['127.0.0.1'] }, async () => [
      { address: '10.0.0.1', family: 4 },
    ]);
    const outcome = await sendOutbound(
      { url: redirectUrl(302, `${otherBase}/x`), method: 'GET', headers: {} },
      { policy: strict, maxResponseBytes: 4096, maxRedirects: 5, signal: new AbortController().signal },
    );
    expect(outcome.kind).toBe('refused');
    expect(outcome.kind === 'refused' && outcome.message).toContain(
      '"localhost" refused: it resolves to 10.0.0.1',
    );
  });

  it('does not connect when its signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    hits.length = 0;
    await expect(send({ url: new URL(`${base}/plain`) }, 5, controller.signal)).rejects.toThrow('gone');
    expect(hits).toEqual([]);
  });
});
