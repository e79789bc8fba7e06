import { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from './dispatch-fixture.ts';
import { freePort, type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';
import { createTraceEchoTrigger } from './trace-echo-fixture.ts';

const WORKER_ID = 'wrk_trace';

describe('trace context across the worker protocol (telemetry on, remote workers only)', () => {
  let server: ServerProcess;
  let worker: WorkerProcess | undefined;
  let workerMetricsUrl: string;
  let triggerId: string;

  const fire = (headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}/v1.0/triggers/http/${triggerId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });

  beforeAll(async () => {
    const [serverMetricsPort, workerMetricsPort] = [await freePort(), await freePort()];
    server = await startServerProcess({
      // Every run goes to the remote worker: the trace has to cross the `assign` frame.
      engine: { serverCanExecuteWorkload: false, pollIntervalMs: 200 },
      telemetry: { prometheusEnabled: true, prometheusPort: serverMetricsPort, otlpEnabled: false },
    });
    const admin = new TempoClient({ baseUrl: server.baseUrl }).withCredentials({
      apiKey: TEST_ADMIN_API_KEY,
    });
    const tenant = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
    triggerId = await createTraceEchoTrigger(tenant, 'dispatch.trace.echo');
    worker = await startWorkerProcess(admin, server.baseUrl, WORKER_ID, {
      telemetry: { prometheusEnabled: true, prometheusPort: workerMetricsPort, otlpEnabled: false },
    });
    workerMetricsUrl = `http://127.0.0.1:${workerMetricsPort}/metrics`;
  }, 120_000);

  afterAll(async () => {
    worker?.kill('SIGTERM');
    await worker?.exited;
    await server?.stop();
  }, 30_000);

  it('gives a handler on the worker a TRACEPARENT of the trigger call’s trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const answer = await fire({ traceparent: `00-${traceId}-${callerSpanId}-01`, tracestate: 'vendor=two' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-worker-id')).toBe(WORKER_ID);
    const output = (await answer.json()) as { traceparent: string | null; tracestate: string | null };
    // The same trace, under a span of the worker's own (its step span), not the caller's.
    expect(output.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(output.traceparent).not.toContain(callerSpanId);
    expect(output.tracestate).toBe('vendor=two');
    // Without a traceparent the server's own trace crosses to the worker: a valid, different one.
    const fresh = (await (await fire()).json()) as { traceparent: string | null };
    expect(fresh.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(fresh.traceparent).not.toContain(traceId);
  }, 60_000);

  it('starts the worker’s telemetry from its settings: its /metrics counts the runs it executed', async () => {
    const answer = await fetch(workerMetricsUrl);
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(text).toMatch(/tempo_build_info\{[^}]*component="worker"/);
    expect(text).toMatch(/tempo_flow_runs_total\{[^}]*state="Succeeded"[^}]*\} [1-9]/);
    expect(text).toMatch(/tempo_step_executions_total\{[^}]*runtime="Artifact.JavaScript"/);
  }, 30_000);
});
