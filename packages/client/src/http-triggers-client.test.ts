import { TRIGGER_RESPONSE_HEADERS } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { TempoApiError, TempoResponseError } from './client-errors.ts';
import { triggerCallTimeoutMs } from './http-triggers-client.ts';
import { TempoClient } from './tempo-client.ts';
import { useRecordingServer } from './test-support/use-recording-server.ts';

const bench = useRecordingServer();

const runHeaders = (extra: Record<string, string> = {}) => ({
  'x-tenant-id': 'ten_1',
  'x-run-id': 'run_1',
  'x-dataflow-id': 'flw_1',
  'x-trigger-id': 'trg/1',
  'x-run-state': 'Succeeded',
  'x-run-created-utc': '2026-01-02T03:04:05.678Z',
  'x-run-last-update-utc': '2026-01-02T03:04:06.000Z',
  'x-runtime-ms': '12.50',
  'access-control-expose-headers': TRIGGER_RESPONSE_HEADERS.join(', '),
  ...extra,
});

describe('httpTriggers.fire', () => {
  it('posts the input and resolves to the output with the run read from the headers', async () => {
    bench.server.respond = () => ({
      headers: runHeaders({
        'x-worker-id': 'wrk_local_server',
        'x-run-completed-utc': '2026-01-02T03:04:06.000Z',
      }),
      body: { answer: 42 },
    });
    const result = await bench.client.httpTriggers.fire('trg/1', { body: { question: '?' } });
    expect(bench.server.last()).toMatchObject({
      method: 'POST',
      path: '/v1.0/triggers/http/trg%2F1',
      body: '{"question":"?"}',
    });
    expect(result.status).toBe(200);
    expect(result.output).toEqual({ answer: 42 });
    expect(result.run).toEqual({
      runId: 'run_1',
      tenantId: 'ten_1',
      dataFlowId: 'flw_1',
      triggerId: 'trg/1',
      workerId: 'wrk_local_server',
      state: 'Succeeded',
      createdUtc: '2026-01-02T03:04:05.678Z',
      startedUtc: null,
      completedUtc: '2026-01-02T03:04:06.000Z',
      lastUpdateUtc: '2026-01-02T03:04:06.000Z',
      runtimeMs: 12.5,
      error: null,
    });
  });

  it('resolves a failed run with its status and error instead of throwing', async () => {
    bench.server.respond = () => ({
      status: 500,
      headers: runHeaders({ 'x-run-state': 'Failed', 'x-run-error': 'step exploded' }),
    });
    const result = await bench.client.httpTriggers.fire('trg_1', { method: 'GET' });
    expect(bench.server.last()).toMatchObject({ method: 'GET', body: '' });
    expect(result).toMatchObject({
      status: 500,
      output: null,
      run: { state: 'Failed', error: 'step exploded' },
    });
  });

  it('sends a raw input exactly as given', async () => {
    bench.server.respond = () => ({ headers: runHeaders(), body: 'plain output' });
    const result = await bench.client.httpTriggers.fire('trg_1', { rawBody: 'a,b', contentType: 'text/csv' });
    expect(bench.server.last()).toMatchObject({ body: 'a,b' });
    expect(bench.server.last().headers['content-type']).toBe('text/csv');
    expect(result.output).toBe('plain output');
  });

  it('throws TempoApiError when the call started no run', async () => {
    bench.server.respond = () => ({
      status: 405,
      headers: { allow: 'GET' },
      body: {
        error: 'MethodNotAllowed',
        message: 'Trigger trg_1 accepts GET.',
        details: 'allowed: ["GET"]',
        context: { allowed: ['GET'] },
      },
    });
    await expect(bench.client.httpTriggers.fire('trg_1')).rejects.toSatisfy(
      (error) =>
        error instanceof TempoApiError && error.code === 'MethodNotAllowed' && error.statusCode === 405,
    );
  });

  it('throws TempoResponseError when run headers are malformed', async () => {
    bench.server.respond = () => ({ headers: runHeaders({ 'x-run-state': 'Sleeping' }) });
    await expect(bench.client.httpTriggers.fire('trg_1')).rejects.toBeInstanceOf(TempoResponseError);
  });
});

describe('httpTriggers.fire wait', () => {
  it("waits for the server's own answer past the client's time limit", async () => {
    const client = new TempoClient({ baseUrl: bench.server.baseUrl, timeoutMs: 100 });
    // The server answers 202 when its wait for the run ends; the client must still be listening.
    bench.server.respond = () => ({
      status: 202,
      delayMs: 400,
      headers: runHeaders({ 'x-run-state': 'Running' }),
    });
    const result = await client.httpTriggers.fire('trg/1', { flowMaxRuntimeMs: 0 });
    expect(result).toMatchObject({ status: 202, run: { state: 'Running' } });
    await expect(client.httpTriggers.fire('trg/1', { timeoutMs: 100 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it("follows the server's wait for the flow, plus a margin", () => {
    expect(triggerCallTimeoutMs(0)).toBe(45_000);
    expect(triggerCallTimeoutMs(60_000)).toBe(80_000);
    expect(triggerCallTimeoutMs(10_000_000)).toBe(615_000);
    expect(triggerCallTimeoutMs()).toBe(615_000);
  });
});
