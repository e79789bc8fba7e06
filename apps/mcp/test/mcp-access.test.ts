import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from '../../server/test/server-process.ts';
import { callTool, connectClient, httpTransport } from './mcp-clients.ts';
import { type McpProcess, startMcpProcess } from './mcp-process.ts';

/**
 * What the MCP server refuses and what it lets the REST API refuse: bad arguments are tool
 * errors naming the field; a read-only key and a tenant administrator get Tempo's own 403.
 */
let server: ServerProcess;
let tenantId: string;
const processes: McpProcess[] = [];
const clients: Client[] = [];

/** An access key of a new tenant user holding `role`. */
const accessKeyWithRole = async (admin: TempoClient, role: 'ReadOnly' | 'Administrator'): Promise<string> => {
  const t = admin.tenant(tenantId);
  const user = await t.users.create({
    email: `${role.toLowerCase()}@mcp.example.test`,
    passwordSha256: `pw-${role}`,
  });
  const roleId = (await t.roles.list({ pageSize: 100 })).items.find(
    (candidate) => candidate.name === role,
  )?.id;
  if (!roleId) throw new Error(`no ${role} role`);
  await t.userRoleMaps.create({ userId: user.id, roleId });
  return (await t.credentials.create({ userId: user.id, name: `${role} MCP key` })).accessKey;
};

/** An MCP server process with `env` credentials, and an SDK client of it. */
const mcpAs = async (env: Record<string, string>): Promise<Client> => {
  const mcp = await startMcpProcess(server.baseUrl, env);
  processes.push(mcp);
  const client = await connectClient(httpTransport(mcp, '/mcp'));
  clients.push(client);
  return client;
};

let admin: Client;
let readOnly: Client;
let tenantAdmin: Client;

beforeAll(async () => {
  server = await startServerProcess();
  const rest = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  tenantId = (await rest.tenants.list()).items[0]?.id ?? '';
  const readOnlyKey = await accessKeyWithRole(rest, 'ReadOnly');
  const tenantAdminKey = await accessKeyWithRole(rest, 'Administrator');
  // No default tenant here: tenant-scoped calls without tenantId must fail before any REST call.
  admin = await mcpAs({ TEMPO_API_KEY: TEST_ADMIN_API_KEY });
  readOnly = await mcpAs({ TEMPO_ACCESS_KEY: readOnlyKey, TEMPO_TENANT_ID: tenantId });
  tenantAdmin = await mcpAs({ TEMPO_ACCESS_KEY: tenantAdminKey, TEMPO_TENANT_ID: tenantId });
});

afterAll(async () => {
  for (const client of clients) await client.close();
  for (const mcp of processes) await mcp.stop();
  await server?.stop();
});

describe('bad tool arguments', () => {
  it.each([
    ['step_get', { tenantId: 'ten_x' }, 'id is required'],
    ['tenant_get', { id: 42 }, 'id must be a string'],
    ['listWorkers', { pageSize: 'ten' }, 'pageSize'],
    ['listWorkers', { state: 'Sleeping' }, 'state'],
    ['readLogFile', { sourceKind: 'server', sourceId: 'server' }, 'path is required'],
    ['listLogFiles', { sourceKind: 'disk', sourceId: 'server' }, 'sourceKind must be "server" or "worker"'],
    [
      'step_create_from_source',
      { name: 'x', language: 'Cobol', code: 'x' },
      'language must be Python, JavaScript or CSharp',
    ],
    ['step_create_from_source', { name: 'x', language: 'Python' }, 'code is required'],
    [
      'step_create_from_source',
      { name: 'x', language: 'Python', code: 'x', fileName: '../x.py' },
      'fileName',
    ],
    ['flow_create', { tenantId: 'ten_x', body: 'not an object' }, 'body'],
    ['trigger_fire', {}, 'triggerId is required'],
    [
      'tempo_request',
      { method: 'GET', path: 'http://169.254.169.254/latest' },
      'path must be "/" or start with "/v1.0/"',
    ],
    ['tempo_request', { method: 'GET', path: '/v1.0/../openapi.json' }, 'path must be'],
    ['tempo_request', { method: 'GET', path: '/v1.0/%2e%2e/x' }, 'path must be'],
    ['tempo_request', { method: 'PATCH', path: '/v1.0/me' }, 'method must be one of GET, POST, PUT, DELETE'],
  ] as const)('%s %j is a tool error naming the field', async (tool, args, expected) => {
    const answer = await callTool(admin, tool, args);
    expect(answer.isError).toBe(true);
    expect(answer.envelope).toBeNull();
    expect(answer.text).toContain(expected);
  });

  it('needs a tenant before any REST call when no default tenant is configured', async () => {
    const answer = await callTool(admin, 'step_list');
    expect(answer.isError).toBe(true);
    expect(answer.envelope).toBeNull();
    expect(answer.text).toContain('tenantId is required');
    // The same call with the tenant works.
    expect((await callTool(admin, 'step_list', { tenantId })).envelope?.statusCode).toBe(200);
  });

  it('passes a body the REST API refuses back as its 400 envelope, details naming the field', async () => {
    const answer = await callTool(admin, 'trigger_create', {
      tenantId,
      body: { name: 'Pigeon', triggerType: 'CarrierPigeon', dataFlowId: 'flow_x' },
    });
    expect(answer.isError, answer.text).toBe(true);
    expect(answer.envelope).toMatchObject({ statusCode: 400, success: false, body: { error: 'BadRequest' } });
    expect(JSON.stringify(answer.envelope?.body)).toContain('triggerType');
  });
});

describe('a read-only key', () => {
  it('reads through the default tenant but cannot create, update or start anything', async () => {
    const me = await callTool(readOnly, 'tempo_me');
    expect(me.envelope?.statusCode).toBe(200);
    expect((await callTool(readOnly, 'step_list')).envelope).toMatchObject({
      statusCode: 200,
      success: true,
    });
    for (const [tool, args] of [
      [
        'step_create_from_source',
        { name: 'Nope', language: 'Python', code: 'def run(request):\n    return 1\n' },
      ],
      ['flow_create', { body: { name: 'Nope', startStepId: 'x', transitions: { x: {} } } }],
      ['artifact_create', { body: { name: 'Nope' } }],
      [
        'tempo_request',
        { method: 'POST', path: `/v1.0/tenants/${tenantId}/artifacts`, body: { name: 'Nope' } },
      ],
    ] as const) {
      const answer = await callTool(readOnly, tool, args);
      expect(answer.isError, tool).toBe(true);
      expect(answer.envelope, tool).toMatchObject({
        statusCode: 403,
        success: false,
        body: { error: 'Forbidden' },
      });
    }
    const artifacts = (await callTool(admin, 'artifact_list', { tenantId, pageSize: 1000 })).envelope
      ?.body as {
      items: { name: string }[];
    };
    expect(artifacts.items.length).toBeGreaterThan(0);
    expect(artifacts.items.filter((artifact) => artifact.name === 'Nope')).toEqual([]);
  });
});

describe('worker and log tools', () => {
  it('refuse a tenant administrator: the REST API answers 403 and the envelope says so', async () => {
    for (const [tool, args] of [
      ['listWorkers', {}],
      ['readWorker', { id: 'wrk_local_server' }],
      ['drainWorker', { id: 'wrk_local_server' }],
      ['blockWorker', { id: 'wrk_local_server' }],
      ['listLogSources', {}],
      ['listLogFiles', { sourceKind: 'server', sourceId: 'server' }],
      ['readLogFile', { sourceKind: 'server', sourceId: 'server', path: 'tempo.log' }],
      ['downloadLogFile', { sourceKind: 'server', sourceId: 'server', path: 'tempo.log' }],
      ['deleteLogFile', { sourceKind: 'server', sourceId: 'server', path: 'tempo.log' }],
    ] as const) {
      const answer = await callTool(tenantAdmin, tool, args);
      expect(answer.envelope, tool).toMatchObject({ statusCode: 403, success: false });
    }
    // The same key is an administrator inside its tenant.
    expect((await callTool(tenantAdmin, 'step_list')).envelope?.statusCode).toBe(200);
  });

  it('work for a global administrator', async () => {
    const workers = await callTool(admin, 'listWorkers', { pageSize: 10 });
    expect(JSON.stringify(workers.envelope?.body)).toContain('wrk_local_server');
    const drained = await callTool(admin, 'drainWorker', { id: 'wrk_local_server' });
    expect(drained.envelope?.body).toMatchObject({ id: 'wrk_local_server', drainMode: true });
    const resumed = await callTool(admin, 'resumeWorker', { id: 'wrk_local_server' });
    expect(resumed.envelope?.body).toMatchObject({ drainMode: false });
    const blocked = await callTool(admin, 'blockWorker', { id: 'wrk_local_server' });
    expect(blocked.envelope).toMatchObject({ statusCode: 409, body: { error: 'Protected' } });
    expect((await callTool(admin, 'readWorker', { id: 'wrk_local_server' })).envelope?.statusCode).toBe(200);

    const sources = await callTool(admin, 'listLogSources');
    expect(sources.envelope?.statusCode).toBe(200);
    const files = (await callTool(admin, 'listLogFiles', { sourceKind: 'server', sourceId: 'server' }))
      .envelope?.body as { path: string; isCurrent: boolean }[];
    const current = files.find((file) => file.isCurrent)?.path ?? '';
    expect(current).not.toBe('');
    const tail = await callTool(admin, 'readLogFile', {
      sourceKind: 'server',
      sourceId: 'server',
      path: current,
      tailLines: 5,
    });
    expect(tail.envelope?.statusCode).toBe(200);
    const whole = await callTool(admin, 'downloadLogFile', {
      sourceKind: 'server',
      sourceId: 'server',
      path: current,
    });
    expect(whole.envelope).toMatchObject({ statusCode: 200, body: null });
    expect(whole.envelope?.text).toContain('server listening');
  });
});
