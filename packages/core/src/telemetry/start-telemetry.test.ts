import { createServer } from 'node:net';
import { context } from '@opentelemetry/api';
import { TelemetrySettings } from '@tempo/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelemetryLog } from './export-problems.ts';
import { traceFlowRun } from './run-telemetry.ts';
import { startTelemetry, type Telemetry } from './start-telemetry.ts';
import { contextOfTraceFields, traceEnvironment } from './trace-context.ts';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

const recordingLog = () => {
  const warnings: string[] = [];
  const log: TelemetryLog = { warn: (_fields, message) => warnings.push(message), info: () => undefined };
  return { log, warnings };
};

let running: Telemetry | null = null;
afterEach(async () => {
  await running?.shutdown();
  running = null;
});

const run = { id: 'run_1', tenantId: 'ten_1', dataFlowId: 'dfl_1' };
const succeeded = { state: 'Succeeded', outputData: null, errorMessage: null, steps: 1 } as const;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('startTelemetry', () => {
  it('creates nothing when disabled: no listener, no-op instruments, no trace context', async () => {
    const port = await freePort();
    const { log } = recordingLog();
    running = await startTelemetry({
      settings: TelemetrySettings.parse({ enabled: false, prometheusEnabled: true, prometheusPort: port }),
      component: 'server',
      version: '1.2.3',
      log,
    });
    expect(running.enabled).toBe(false);
    expect(running.prometheus).toBeNull();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    const env = await context.with(
      contextOfTraceFields({ traceParent: `00-${TRACE_ID}-00f067aa0ba902b7-01` }),
      async () => traceEnvironment(),
    );
    expect(env).toEqual({});
  });

  it('serves the tempo.* metrics on the Prometheus endpoint and carries the trace into handler variables', async () => {
    const port = await freePort();
    const { log } = recordingLog();
    running = await startTelemetry({
      settings: TelemetrySettings.parse({
        otlpEnabled: false,
        prometheusEnabled: true,
        prometheusPort: port,
      }),
      component: 'server',
      version: '1.2.3',
      log,
    });
    expect(running.prometheus).toEqual({ host: '127.0.0.1', port, path: '/metrics' });
    const telemetry = running;
    let env: Readonly<Record<string, string>> = {};
    await context.with(contextOfTraceFields({ traceParent: `00-${TRACE_ID}-00f067aa0ba902b7-01` }), () =>
      traceFlowRun(telemetry, run, async () => {
        env = traceEnvironment();
        return succeeded;
      }),
    );
    expect(env.TRACEPARENT).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    // The run's own span, not the caller's: a child in the same trace.
    expect(env.TRACEPARENT).not.toContain('00f067aa0ba902b7');
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/tempo_flow_runs_total\{[^}]*state="Succeeded"[^}]*\} 1/);
    expect(text).toMatch(/tempo_build_info\{[^}]*version="1\.2\.3"[^}]*\} 1/);
    expect(text).toContain('tempo_flow_duration_bucket');
    await telemetry.shutdown();
    running = null;
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('keeps running with OTLP at a closed port: one warning, not one per export', async () => {
    const closed = await freePort();
    const { log, warnings } = recordingLog();
    running = await startTelemetry({
      settings: TelemetrySettings.parse({
        otlpEndpoint: `http://127.0.0.1:${closed}`,
        otlpProtocol: 'httpprotobuf',
        metricsExportIntervalMs: 1000,
      }),
      component: 'worker',
      version: '1.2.3',
      log,
    });
    await traceFlowRun(running, run, async () => succeeded);
    await new Promise((resolve) => setTimeout(resolve, 4500));
    const exportWarnings = warnings.filter((message) => message.startsWith('telemetry export'));
    expect(exportWarnings).toHaveLength(1);
  });

  it('accepts grpc with one warning that it is exported over HTTP', async () => {
    const closed = await freePort();
    const { log, warnings } = recordingLog();
    running = await startTelemetry({
      settings: TelemetrySettings.parse({ otlpEndpoint: `http://127.0.0.1:${closed}`, otlpProtocol: 'grpc' }),
      component: 'mcp',
      version: '1.2.3',
      log,
    });
    expect(warnings.filter((message) => message.includes('"grpc" is not supported'))).toHaveLength(1);
  });
});
