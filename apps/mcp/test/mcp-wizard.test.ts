import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from '../../server/test/server-process.ts';
import { callTool, connectClient, httpTransport, okBody } from './mcp-clients.ts';
import { type McpProcess, startMcpProcess } from './mcp-process.ts';

/**
 * The dashboard's first-run wizard driven by an agent through MCP tools alone: steps from pasted
 * JavaScript and Python, a flow, a trigger, a call, then the run, its steps and its logs.
 */
let server: ServerProcess;
let mcp: McpProcess;
let client: Client;
let tenantId: string;

beforeAll(async () => {
  server = await startServerProcess();
  const admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
  // The default tenant lets the tools below leave tenantId out, as an agent usually does.
  mcp = await startMcpProcess(server.baseUrl, {
    TEMPO_API_KEY: TEST_ADMIN_API_KEY,
    TEMPO_TENANT_ID: tenantId,
  });
  client = await connectClient(httpTransport(mcp, '/mcp'));
});

afterAll(async () => {
  await client?.close();
  await mcp?.stop();
  await server?.stop();
});

interface RunRecord {
  readonly id: string;
  readonly state: string;
  readonly outputData?: string | null;
}

/** Reads the run through `run_get` until it has ended. */
const settledRun = async (id: string): Promise<RunRecord> => {
  for (let attempt = 0; attempt < 100; attempt++) {
    const run = await okBody<RunRecord>(client, 'run_get', { id });
    if (!['Queued', 'Running'].includes(run.state)) return run;
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  throw new Error(`run ${id} did not end`);
};

describe('the wizard scenario through MCP tools', () => {
  let echoTriggerId = '';
  let echoFlowId = '';
  let echoArtifactId = '';

  it('makes a JavaScript step from source, a flow and a POST trigger, and fires it', async () => {
    const created = await okBody<{ step: { runtimeKey: string }; artifact: { id: string } }>(
      client,
      'step_create_from_source',
      {
        executionKey: 'mcp.echo_js',
        name: 'MCP echo JavaScript',
        language: 'JavaScript',
        fileName: 'handler.js',
        function: 'run',
        code: 'exports.run = async function (request) { return { ok: true, input: request.data }; };\n',
      },
    );
    expect(created.step.runtimeKey).toBe('Artifact.JavaScript');
    echoArtifactId = created.artifact.id;
    const flow = await okBody<{ id: string }>(client, 'flow_create', {
      tenantId,
      body: {
        name: 'MCP echo flow',
        startStepId: 'mcp.echo_js',
        invocationAuthMode: 'Public',
        transitions: {
          'mcp.echo_js': {
            name: 'Echo',
            onSuccess: null,
            onFailure: null,
            onException: null,
            maxTransitions: 1,
          },
        },
        active: true,
      },
    });
    echoFlowId = flow.id;
    const trigger = await okBody<{ id: string }>(client, 'trigger_create', {
      body: {
        name: 'MCP echo trigger',
        triggerType: 'Http',
        dataFlowId: flow.id,
        configuration: '{"allowedMethods":["POST"]}',
        active: true,
      },
    });
    echoTriggerId = trigger.id;

    const fired = await callTool(client, 'trigger_fire', {
      triggerId: trigger.id,
      body: { value: 'hello from MCP' },
    });
    expect(fired.isError, fired.text).toBe(false);
    expect(fired.envelope?.body).toEqual({ ok: true, input: { value: 'hello from MCP' } });
    const headers = fired.envelope?.headers ?? {};
    expect(headers['x-run-id']).toMatch(/^run_/);
    expect(headers['x-trigger-id']).toBe(trigger.id);
    expect(headers['x-dataflow-id']).toBe(flow.id);
    expect(headers['x-worker-id']).toBe('wrk_local_server');
    expect(Number(headers['x-runtime-ms'])).toBeGreaterThan(0);

    const runId = headers['x-run-id'] ?? '';
    const run = await okBody<RunRecord>(client, 'run_get', { id: runId });
    expect(run).toMatchObject({ id: runId, state: 'Succeeded' });
    const steps = await okBody<{ items?: { result: string }[] } | { result: string }[]>(client, 'run_steps', {
      id: runId,
    });
    const stepRuns = Array.isArray(steps) ? steps : (steps.items ?? []);
    expect(stepRuns.map((step) => step.result)).toEqual(['Success']);
    const activity = await okBody<Record<string, unknown>>(client, 'run_activity', { id: runId });
    expect(JSON.stringify(activity)).toContain(runId);

    const logs = await okBody<{ path: string }[]>(client, 'run_logs_list', { id: runId });
    expect(logs.length).toBeGreaterThan(0);
    const first = logs[0]?.path ?? '';
    const tail = await okBody<{ content: string; path: string }>(client, 'run_logs_read', {
      id: runId,
      path: first,
      tailLines: 50,
    });
    expect(tail.path).toBe(first);
    expect(tail.content.length).toBeGreaterThan(0);
    const download = await callTool(client, 'run_logs_download', { id: runId, path: first });
    expect(download.envelope).toMatchObject({ statusCode: 200, success: true, body: null });
    expect(download.envelope?.contentType).toMatch(/^text\/plain/);
    expect(download.envelope?.text).toContain(tail.content.trim().split('\n').at(-1) ?? '');
  });

  it('chains a Python step behind it and runs the flow directly with flow_enqueue_run', async () => {
    await okBody(client, 'step_create_from_source', {
      executionKey: 'mcp.double_py',
      name: 'MCP double Python',
      language: 'Python',
      code: 'def run(request):\n    return {"doubled": request["data"]["input"]["n"] * 2}\n',
    });
    await okBody(client, 'flow_update', {
      id: echoFlowId,
      body: {
        transitions: {
          'mcp.echo_js': { name: 'Echo', onSuccess: 'mcp.double_py', maxTransitions: 1 },
          'mcp.double_py': { name: 'Double', maxTransitions: 1 },
        },
      },
    });
    const queued = await callTool(client, 'flow_enqueue_run', {
      flowId: echoFlowId,
      body: { data: { n: 21 }, metadata: { source: 'mcp' } },
    });
    expect(queued.envelope?.statusCode).toBe(201);
    const runId = (queued.envelope?.body as RunRecord | undefined)?.id ?? '';
    const run = await settledRun(runId);
    expect(run.state).toBe('Succeeded');
    expect(JSON.parse(run.outputData ?? 'null')).toEqual({ doubled: 42 });
    const steps = await okBody<{ result: string }[] | { items: { result: string }[] }>(client, 'run_steps', {
      id: runId,
    });
    expect((Array.isArray(steps) ? steps : steps.items).map((step) => step.result)).toEqual([
      'Success',
      'Success',
    ]);
  });

  it('edits the step source through the artifact file tools and the next call runs the new code', async () => {
    const files = await okBody<{ path: string }[]>(client, 'artifact_files', { artifactId: echoArtifactId });
    expect(files.map((file) => file.path)).toContain('handler.js');
    const before = await okBody<{ content: string }>(client, 'artifact_file_read', {
      artifactId: echoArtifactId,
      path: 'handler.js',
    });
    expect(before.content).toContain('ok: true');
    await okBody(client, 'artifact_file_save', {
      artifactId: echoArtifactId,
      path: 'handler.js',
      content:
        'exports.run = async function (request) { return { n: request.data.n + 1, edited: true }; };\n',
      contentType: 'application/javascript',
    });
    await okBody(client, 'flow_update', { id: echoFlowId, body: { transitions: { 'mcp.echo_js': {} } } });
    const fired = await callTool(client, 'trigger_fire', { triggerId: echoTriggerId, body: { n: 1 } });
    expect(fired.envelope?.body).toEqual({ n: 2, edited: true });
  });

  it('lists and reads what it made, and reaches other routes through tempo_request', async () => {
    const steps = await okBody<{ items: { executionKey: string }[] }>(client, 'step_list', { pageSize: 100 });
    expect(steps.items.map((step) => step.executionKey)).toEqual(
      expect.arrayContaining(['mcp.echo_js', 'mcp.double_py']),
    );
    expect(await okBody(client, 'flow_get', { id: echoFlowId })).toMatchObject({ name: 'MCP echo flow' });
    expect(await okBody(client, 'trigger_get', { id: echoTriggerId })).toMatchObject({
      dataFlowId: echoFlowId,
    });
    const runs = await okBody<{ items: unknown[] }>(client, 'run_list', {});
    expect(runs.items.length).toBeGreaterThanOrEqual(3);
    const viaRequest = await okBody<{ items: unknown[] }>(client, 'tempo_request', {
      method: 'GET',
      path: `/v1.0/tenants/${tenantId}/runs?pageSize=1`,
    });
    expect(viaRequest.items).toHaveLength(1);
    const runtimes = await okBody<unknown>(client, 'runtime_list');
    expect(JSON.stringify(runtimes)).toContain('Artifact.JavaScript');
    expect(await okBody(client, 'tenant_get', { id: tenantId })).toMatchObject({ id: tenantId });
  });
});
