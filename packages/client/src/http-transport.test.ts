import { beforeEach, describe, expect, it } from 'vitest';
import type { ClientCredentials } from './client-options.ts';
import { TempoClient } from './tempo-client.ts';
import { RecordingServer } from './test-support/recording-server.ts';
import { useRecordingServer } from './test-support/use-recording-server.ts';

const AUTH_HEADERS = ['authorization', 'x-api-key', 'x-access-key', 'x-email', 'x-password', 'x-tenant-id'];

const bench = useRecordingServer();

beforeEach(() => {
  bench.server.respond = () => ({ body: { type: 'anonymous' } });
});

/** The credential headers of one `GET /v1.0/me` made with `credentials`. */
const authHeadersSent = async (credentials?: ClientCredentials) => {
  await new TempoClient({ baseUrl: bench.server.baseUrl, ...(credentials ? { credentials } : {}) }).me();
  const { headers } = bench.server.last();
  return Object.fromEntries(
    AUTH_HEADERS.filter((name) => headers[name] !== undefined).map((n) => [n, headers[n]]),
  );
};

describe('credentials', () => {
  it('sends each kind in its own header', async () => {
    expect(await authHeadersSent({ token: 'tok' })).toEqual({ authorization: 'Bearer tok' });
    expect(await authHeadersSent({ apiKey: 'key' })).toEqual({ 'x-api-key': 'key' });
    expect(await authHeadersSent({ accessKey: 'ak' })).toEqual({ 'x-access-key': 'ak' });
    expect(await authHeadersSent({ email: 'a@example.test', password: 'pw' })).toEqual({
      'x-email': 'a@example.test',
      'x-password': 'pw',
    });
    expect(await authHeadersSent({ email: 'a@example.test', password: 'pw', tenantId: 'ten_1' })).toEqual({
      'x-email': 'a@example.test',
      'x-password': 'pw',
      'x-tenant-id': 'ten_1',
    });
    expect(await authHeadersSent({ accessKey: 'ak', tenantId: 'ten_1' })).toEqual({
      'x-access-key': 'ak',
      'x-tenant-id': 'ten_1',
    });
  });

  it('sends nothing without credentials, and no half of an email/password pair', async () => {
    expect(await authHeadersSent()).toEqual({});
    expect(await authHeadersSent({ email: 'a@example.test' })).toEqual({});
  });

  it('sends only the first kind present, so other secrets stay off the wire', async () => {
    expect(await authHeadersSent({ token: 'tok', apiKey: 'key', accessKey: 'ak' })).toEqual({
      authorization: 'Bearer tok',
    });
    expect(await authHeadersSent({ apiKey: 'key', email: 'a@example.test', password: 'pw' })).toEqual({
      'x-api-key': 'key',
    });
  });

  it('withCredentials makes a new client and leaves the original as it was', async () => {
    const anonymous = new TempoClient({ baseUrl: bench.server.baseUrl });
    const admin = anonymous.withCredentials({ apiKey: 'key' });
    await admin.me();
    expect(bench.server.last().headers['x-api-key']).toBe('key');
    await anonymous.me();
    expect(bench.server.last().headers['x-api-key']).toBeUndefined();
    await admin.raw('GET', '/v1.0/tenants');
    expect(bench.server.last().headers['x-api-key']).toBe('key');
  });

  it("lets a caller's header replace a credential header whatever its case", async () => {
    const client = new TempoClient({ baseUrl: bench.server.baseUrl, credentials: { token: 'tok' } });
    await client.raw('GET', '/v1.0/me', { headers: { Authorization: 'Bearer other' } });
    expect(bench.server.last().headers.authorization).toBe('Bearer other');
  });
});

describe('URLs', () => {
  it('encodes ids as single path segments', async () => {
    bench.server.respond = () => ({ status: 204 });
    await bench.client.tenant('../ten 1').steps.delete('a/b?c#d%e');
    expect(bench.server.last().url).toBe('/v1.0/tenants/..%2Ften%201/steps/a%2Fb%3Fc%23d%25e');
  });

  it('keeps a base path prefix and ignores trailing slashes', async () => {
    await new TempoClient({ baseUrl: `${bench.server.baseUrl}/tempo/` }).me();
    expect(bench.server.last().path).toBe('/tempo/v1.0/me');
  });

  it('writes query values as the server reads them and leaves out empty ones', async () => {
    await bench.client.raw('GET', '/q', {
      query: {
        pageSize: 10,
        includeInactive: false,
        text: 'a b&c=d/é',
        skipped: undefined,
        none: null,
        ids: ['x', 'y'],
        since: new Date('2026-01-02T03:04:05.678Z'),
      },
    });
    const { query } = bench.server.last();
    expect([...query.entries()]).toEqual([
      ['pageSize', '10'],
      ['includeInactive', 'false'],
      ['text', 'a b&c=d/é'],
      ['ids', 'x'],
      ['ids', 'y'],
      ['since', '2026-01-02T03:04:05.678Z'],
    ]);
  });

  it('adds query values to a path that already has a query', async () => {
    await bench.client.raw('GET', '/q?a=1', { query: { b: 2 } });
    expect(bench.server.last().url).toBe('/q?a=1&b=2');
  });

  it('sends no query string for a list without paging', async () => {
    bench.server.respond = () => ({ body: { pageNumber: 1, pageSize: 25, totalCount: 0, items: [] } });
    await bench.client.tenants.list();
    expect(bench.server.last().url).toBe('/v1.0/tenants');
  });
});

describe('raw()', () => {
  it('resolves error statuses with the parsed body and lower-case headers', async () => {
    bench.server.respond = () => ({
      status: 404,
      headers: { 'X-Custom': 'yes' },
      body: { error: 'NotFound', message: 'gone', details: null },
    });
    const answer = await bench.client.raw('GET', '/nope');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: 'NotFound', message: 'gone', details: null });
    expect(answer.headers['x-custom']).toBe('yes');
  });

  it('gives text that is not JSON as text, and an empty body as null', async () => {
    bench.server.respond = () => ({ status: 500, body: '<html>oops</html>' });
    expect((await bench.client.raw('GET', '/')).body).toBe('<html>oops</html>');
    bench.server.respond = () => ({ status: 204 });
    expect(await bench.client.raw('DELETE', '/x')).toMatchObject({ status: 204, body: null });
  });

  it('keeps the body exactly as it came in text, even when it parses as JSON', async () => {
    bench.server.respond = () => ({ headers: { 'content-type': 'text/plain' }, body: '{ "a" : 1 }\n' });
    const answer = await bench.client.raw('GET', '/log');
    expect(answer.body).toEqual({ a: 1 });
    expect(answer.text).toBe('{ "a" : 1 }\n');
    bench.server.respond = () => ({ status: 204 });
    expect((await bench.client.raw('DELETE', '/x')).text).toBe('');
  });

  it('sends a raw body exactly as given with its content type', async () => {
    await bench.client.raw('POST', '/v1.0/token', { rawBody: '{"email":', contentType: 'text/plain' });
    expect(bench.server.last()).toMatchObject({ body: '{"email":' });
    expect(bench.server.last().headers['content-type']).toBe('text/plain');
  });

  it('sends a JSON body as JSON, and no content type without a body', async () => {
    await bench.client.raw('POST', '/x', { body: { a: [1, 'b'] } });
    expect(bench.server.last().body).toBe('{"a":[1,"b"]}');
    expect(bench.server.last().headers['content-type']).toBe('application/json');
    await bench.client.raw('GET', '/x');
    expect(bench.server.last().headers['content-type']).toBeUndefined();
  });

  it('gives up after timeoutMs', async () => {
    const slow = await RecordingServer.start();
    slow.respond = () => null;
    try {
      const call = new TempoClient({ baseUrl: slow.baseUrl, timeoutMs: 100 }).raw('GET', '/');
      await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      await slow.close();
    }
  });
});

describe('redirects', () => {
  const SECRETS = { apiKey: 'key-secret', accessKey: 'ak-secret', password: 'pw-secret' };

  it('never follows a redirect to another origin, so no credential reaches it', async () => {
    const elsewhere = await RecordingServer.start();
    try {
      elsewhere.respond = () => ({ body: { type: 'anonymous' } });
      bench.server.respond = () => ({ status: 307, headers: { location: `${elsewhere.baseUrl}/v1.0/me` } });
      for (const credentials of [
        { apiKey: SECRETS.apiKey },
        { accessKey: SECRETS.accessKey },
        { email: 'a@example.test', password: SECRETS.password },
      ]) {
        const client = new TempoClient({ baseUrl: bench.server.baseUrl, credentials });
        const answer = await client.raw('GET', '/v1.0/me');
        expect(answer.status).toBe(307);
        expect(answer.headers.location).toBe(`${elsewhere.baseUrl}/v1.0/me`);
        await expect(client.me()).rejects.toMatchObject({ statusCode: 307 });
      }
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('follows a redirect within the server with its credentials, a bounded number of times', async () => {
    bench.server.respond = (request) =>
      request.path === '/v1.0/me'
        ? { status: 308, headers: { location: '/tempo/v1.0/me' } }
        : { body: { type: 'anonymous' } };
    const client = new TempoClient({ baseUrl: bench.server.baseUrl, credentials: { token: 'tok' } });
    expect(await client.me()).toEqual({ type: 'anonymous' });
    expect(bench.server.last()).toMatchObject({ path: '/tempo/v1.0/me' });
    expect(bench.server.last().headers.authorization).toBe('Bearer tok');

    const before = bench.server.requests.length;
    bench.server.respond = () => ({ status: 302, headers: { location: '/loop' } });
    expect((await client.raw('GET', '/loop')).status).toBe(302);
    expect(bench.server.requests.length - before).toBe(6);
  });

  it('turns a POST into a body-less GET after a 303, and repeats it after a 307', async () => {
    bench.server.respond = (request) =>
      request.path === '/see-other'
        ? { status: 303, headers: { location: '/result' } }
        : request.path === '/temporary'
          ? { status: 307, headers: { location: '/again' } }
          : { body: {} };
    await bench.client.raw('POST', '/see-other', { body: { a: 1 } });
    expect(bench.server.last()).toMatchObject({ method: 'GET', path: '/result', body: '' });
    expect(bench.server.last().headers['content-type']).toBeUndefined();
    await bench.client.raw('POST', '/temporary', { body: { a: 1 } });
    expect(bench.server.last()).toMatchObject({ method: 'POST', path: '/again', body: '{"a":1}' });
  });
});
