import { ServerInfoResponse, TempoError } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { TempoApiError, TempoResponseError } from './client-errors.ts';
import { useRecordingServer } from './test-support/use-recording-server.ts';

const bench = useRecordingServer();

/** The rejection of `call`; fails the test when it resolves. */
const rejectionOf = async (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );

describe('error answers', () => {
  it("throw TempoApiError with the server's code, message, details, context and status", async () => {
    const context = { resource: 'Step', id: 'stp_1', referencedBy: 'flow(s) flw_1' };
    const details = 'resource: Step; id: stp_1; referencedBy: flow(s) flw_1';
    const body = { error: 'InUse', message: 'still used', details, context };
    bench.server.respond = () => ({ status: 409, body });
    const error = await rejectionOf(bench.client.tenant('ten_1').steps.delete('stp_1'));
    expect(error).toBeInstanceOf(TempoApiError);
    expect(error).toBeInstanceOf(TempoError);
    expect(error).toMatchObject({ statusCode: 409, code: 'InUse', message: 'still used', details, context });
    expect((error as TempoApiError).toBody()).toEqual(body);
  });

  it('read the structured details of an older server as the context', async () => {
    bench.server.respond = () => ({
      status: 413,
      body: { error: 'PayloadTooLarge', message: 'too big', details: { limitBytes: 10 } },
    });
    expect(await rejectionOf(bench.client.me())).toMatchObject({
      code: 'PayloadTooLarge',
      details: 'limitBytes: 10',
      context: { limitBytes: 10 },
    });
  });

  it('turn a body that is not JSON into a typed error named after the status', async () => {
    bench.server.respond = () => ({ status: 502, body: '<html>Bad gateway</html>' });
    const error = await rejectionOf(bench.client.health());
    expect(error).toBeInstanceOf(TempoApiError);
    expect(error).toMatchObject({ statusCode: 502, code: 'Unavailable', details: null, context: null });
    expect((error as Error).message).toBe('HTTP 502: <html>Bad gateway</html>');
  });

  it('turn an empty error body into a typed error', async () => {
    bench.server.respond = () => ({ status: 500 });
    const error = await rejectionOf(bench.client.me());
    expect(error).toMatchObject({ statusCode: 500, code: 'InternalError', message: 'HTTP 500' });
  });

  it('keep the message of an error body whose code this client does not know', async () => {
    bench.server.respond = () => ({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'Route x' },
    });
    const error = await rejectionOf(bench.client.me());
    expect(error).toMatchObject({ statusCode: 404, code: 'NotFound', message: 'Route x', details: null });
  });

  it('keep a details line without a context, as a v0.3.0 server sends it', async () => {
    bench.server.respond = () => ({
      status: 400,
      body: { error: 'BadRequest', message: 'bad', details: 'why' },
    });
    expect(await rejectionOf(bench.client.me())).toMatchObject({
      code: 'BadRequest',
      details: 'why',
      context: null,
    });
  });
});

describe('success answers', () => {
  it('resolve a 204 delete to undefined', async () => {
    bench.server.respond = () => ({ status: 204 });
    await expect(bench.client.accounts.delete('acc_1')).resolves.toBeUndefined();
    expect(bench.server.last()).toMatchObject({ method: 'DELETE', path: '/v1.0/accounts/acc_1' });
  });

  it('throw TempoResponseError naming the route when a body breaks the contract', async () => {
    bench.server.respond = () => ({ body: { status: 'ok' } });
    const error = await rejectionOf(bench.client.health());
    expect(error).toBeInstanceOf(TempoResponseError);
    expect(error).toMatchObject({ method: 'GET', path: '/v1.0/api/health', statusCode: 200 });
    expect((error as TempoResponseError).issues.map((issue) => issue.path)).toEqual([['time']]);
  });

  it('pass through request() with any schema, for routes the client does not wrap', async () => {
    bench.server.respond = () => ({ body: { name: 'Tempo Server', version: '9' } });
    expect(await bench.client.request('GET', '/', ServerInfoResponse)).toEqual({
      name: 'Tempo Server',
      version: '9',
    });
  });
});

describe('TempoApiError.fromAnswer', () => {
  it.each([
    [400, 'BadRequest'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [405, 'MethodNotAllowed'],
    [413, 'PayloadTooLarge'],
    [415, 'UnsupportedMediaType'],
    [418, 'BadRequest'],
    [429, 'TooManyRequests'],
    [503, 'Unavailable'],
    [507, 'InternalError'],
  ] as const)('names a bare %i %s', (status, code) => {
    expect(TempoApiError.fromAnswer(status, null)).toMatchObject({ statusCode: status, code });
  });

  it('cuts a long text to its first 200 characters', () => {
    const error = TempoApiError.fromAnswer(500, 'x'.repeat(1000));
    expect(error.message).toBe(`HTTP 500: ${'x'.repeat(200)}`);
  });
});
