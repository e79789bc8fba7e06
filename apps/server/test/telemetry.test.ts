import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';
import { createTraceEchoTrigger } from './trace-echo-fixture.ts';

/** One metric family as parse-prometheus-text-format answers it. */
interface PrometheusFamily {
  readonly name: string;
  readonly type: string;
  readonly metrics: readonly {
    readonly value?: string;
    readonly count?: string;
    readonly labels?: Readonly<Record<string, string>>;
  }[];
}

// The parser ships no type declarations: loaded through require and typed here.
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => PrometheusFamily[];

const DASHBOARD = resolve(import.meta.dirname, '..', '..', '..', 'docker', 'grafana', 'tempo-overview.json');

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

describe('telemetry on a real server (Prometheus endpoint, OTLP to a closed port)', () => {
  let server: ServerProcess;
  let metricsUrl: string;
  let tenant: TenantClient;
  let triggerId: string;

  const scrape = async () => {
    const answer = await fetch(metricsUrl);
    expect(answer.status).toBe(200);
    const text = await answer.text();
    return { text, families: parsePrometheus(text) };
  };

  const flowRuns = (families: readonly PrometheusFamily[], state: string): number =>
    (families.find((family) => family.name === 'tempo_flow_runs_total')?.metrics ?? [])
      .filter((metric) => metric.labels?.state === state)
      .reduce((sum, metric) => sum + Number(metric.value), 0);

  const fire = (headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}/v1.0/triggers/http/${triggerId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });

  beforeAll(async () => {
    const prometheusPort = await freePort();
    const closedPort = await freePort();
    server = await startServerProcess({
      telemetry: {
        prometheusEnabled: true,
        prometheusPort,
        otlpEnabled: true,
        otlpEndpoint: `http://127.0.0.1:${closedPort}`,
        otlpProtocol: 'httpprotobuf',
        // Many failing exports within the suite's few seconds.
        metricsExportIntervalMs: 1000,
      },
    });
    metricsUrl = `http://127.0.0.1:${prometheusPort}/metrics`;
    const admin = new TempoClient({ baseUrl: server.baseUrl }).withCredentials({
      apiKey: TEST_ADMIN_API_KEY,
    });
    const tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
    tenant = admin.tenant(tenantId);
    triggerId = await createTraceEchoTrigger(tenant, 'telemetry.trace.echo');
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  it('serves /metrics in the Prometheus text format, and tempo_flow_runs_total moves when a flow runs', async () => {
    const before = flowRuns((await scrape()).families, 'Succeeded');
    for (let i = 0; i < 2; i++) expect((await fire()).status).toBe(200);
    const { families } = await scrape();
    expect(flowRuns(families, 'Succeeded')).toBe(before + 2);
    const names = new Set(families.map((family) => family.name));
    for (const name of [
      'tempo_build_info',
      'tempo_flow_duration',
      'tempo_step_executions_total',
      'tempo_flow_active',
      'http_server_request_duration',
      'tempo_capacity_in_use',
      'tempo_process_kills_total',
    ])
      expect(names, name).toContain(name);
    const steps = families.find((family) => family.name === 'tempo_step_executions_total')?.metrics ?? [];
    expect(
      steps.some(
        (metric) => metric.labels?.runtime === 'Artifact.JavaScript' && metric.labels?.result === 'Success',
      ),
    ).toBe(true);
  });

  it('carries a trigger call’s traceparent into the handler process’s TRACEPARENT', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const answer = await fire({ traceparent: `00-${traceId}-b7ad6b7169203331-01`, tracestate: 'vendor=one' });
    expect(answer.status).toBe(200);
    const output = (await answer.json()) as { traceparent: string | null; tracestate: string | null };
    // Same trace, the handler's parent being the step's own span (not the caller's).
    expect(output.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(output.traceparent).not.toContain('b7ad6b7169203331');
    expect(output.tracestate).toBe('vendor=one');
    // Without a traceparent the server starts a trace of its own: still a valid one.
    const fresh = (await (await fire()).json()) as { traceparent: string | null };
    expect(fresh.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(fresh.traceparent).not.toContain(traceId);
  });

  it('counts authentication attempts by method and outcome', async () => {
    const wrong = new TempoClient({ baseUrl: server.baseUrl }).withCredentials({ apiKey: 'not-the-key' });
    await wrong.tenants.list().catch(() => undefined);
    const { families } = await scrape();
    const attempts = families.find((family) => family.name === 'tempo_auth_attempts_total')?.metrics ?? [];
    const count = (outcome: string) =>
      attempts
        .filter((metric) => metric.labels?.method === 'apiKey' && metric.labels?.outcome === outcome)
        .reduce((sum, metric) => sum + Number(metric.value), 0);
    expect(count('Invalid')).toBeGreaterThanOrEqual(1);
    expect(count('Success')).toBeGreaterThanOrEqual(1);
  });

  it('keeps serving with the OTLP collector down, and says so once rather than once per export', async () => {
    // Metric exports every second and a span batch every five: several failures by now.
    await sleep(6000);
    expect((await fetch(`${server.baseUrl}/v1.0/api/health`)).status).toBeLessThan(500);
    expect((await fire()).status).toBe(200);
    const warnings = server
      .output()
      .split('\n')
      .filter((line) => line.includes('telemetry export'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('telemetry export failed');
  });

  it('has a Grafana dashboard whose every metric is one this server exports', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      uid: string;
      panels: { type: string; targets?: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('tempo-overview');
    const expressions = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => target.expr),
    );
    expect(expressions.length).toBeGreaterThan(10);
    const { text } = await scrape();
    // Series names as the server writes them (histograms as their _bucket/_sum/_count series).
    const exported = new Set(
      text
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? ''),
    );
    const used = new Set(
      expressions.flatMap((expr) =>
        [...expr.matchAll(/\b(tempo_[a-z_]+|http_server_[a-z_]+)\b/g)].map((m) => m[1]),
      ),
    );
    expect(used.size).toBeGreaterThan(8);
    for (const name of used) expect(exported, `${name} is not exported`).toContain(name);
  });
});

describe('telemetry switched off', () => {
  it('creates no Prometheus listener, and the server works as before', async () => {
    const prometheusPort = await freePort();
    const server = await startServerProcess({
      telemetry: { enabled: false, prometheusEnabled: true, prometheusPort },
    });
    try {
      expect((await fetch(`${server.baseUrl}/v1.0/api/health`)).status).toBeLessThan(500);
      await expect(fetch(`http://127.0.0.1:${prometheusPort}/metrics`)).rejects.toThrow();
      expect(server.output()).not.toContain('telemetry started');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
