import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from '../../server/test/server-process.ts';
import { CATALOG_TOOL_NAMES } from './mcp-clients.ts';
import { MCP_MAIN, type McpProcess, NODE_FLAGS, startMcpProcess } from './mcp-process.ts';

/**
 * The official MCP Inspector (`@modelcontextprotocol/inspector`) in CLI mode against the server:
 * a client nobody here wrote, over stdio and over Streamable HTTP.
 */
const INSPECTOR = resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'mcp-inspector');
const run = promisify(execFile);

let server: ServerProcess;
let mcp: McpProcess;
let tenantId: string;
/** The Inspector keeps state under HOME: a folder of the suite's own, never the user's. */
const home = mkdtempSync(join(tmpdir(), 'tempo-mcp-inspector-'));

beforeAll(async () => {
  server = await startServerProcess();
  mcp = await startMcpProcess(server.baseUrl, { TEMPO_API_KEY: TEST_ADMIN_API_KEY });
  const tenants = await fetch(`${server.baseUrl}/v1.0/tenants`, {
    headers: { 'x-api-key': TEST_ADMIN_API_KEY },
  });
  tenantId = ((await tenants.json()) as { items: { id: string }[] }).items[0]?.id ?? '';
});

afterAll(async () => {
  await mcp?.stop();
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Runs the Inspector CLI and parses the JSON it prints on stdout. */
const inspector = async (args: readonly string[]): Promise<Record<string, unknown>> => {
  const { stdout } = await run(INSPECTOR, ['--cli', ...args], {
    timeout: 90_000,
    env: { PATH: process.env.PATH ?? '', HOME: home },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
};

/** How the Inspector starts the server over stdio: credentials through its `-e`, never argv. */
const stdioTarget = () => [
  '-e',
  `TEMPO_ENDPOINT=${server.baseUrl}`,
  '-e',
  `TEMPO_API_KEY=${TEST_ADMIN_API_KEY}`,
  '-e',
  `TEMPO_TENANT_ID=${tenantId}`,
  process.execPath,
  ...NODE_FLAGS,
  MCP_MAIN,
  '--stdio',
];

const toolNames = (listed: Record<string, unknown>) =>
  (listed.tools as { name: string }[]).map((tool) => tool.name);

describe('the MCP Inspector CLI', () => {
  it('lists every tool and calls one over stdio', async () => {
    const listed = await inspector(['--method', 'tools/list', ...stdioTarget()]);
    expect(toolNames(listed)).toEqual([...CATALOG_TOOL_NAMES]);
    const called = await inspector([
      '--method',
      'tools/call',
      '--tool-name',
      'step_list',
      '--tool-arg',
      'pageSize=5',
      ...stdioTarget(),
    ]);
    expect(called.isError).toBe(false);
    expect(called.structuredContent).toMatchObject({ statusCode: 200, success: true, body: { pageSize: 5 } });
  });

  it('lists every tool and calls one over Streamable HTTP', async () => {
    const listed = await inspector([
      '--method',
      'tools/list',
      '--transport',
      'http',
      '--server-url',
      `${mcp.httpBase}/mcp`,
      '--header',
      `Authorization: Bearer ${mcp.accessToken}`,
    ]);
    expect(toolNames(listed)).toEqual([...CATALOG_TOOL_NAMES]);
    const called = await inspector([
      '--method',
      'tools/call',
      '--tool-name',
      'tenant_get',
      '--tool-arg',
      `id=${tenantId}`,
      '--transport',
      'http',
      '--server-url',
      `${mcp.httpBase}/mcp`,
      '--header',
      `Authorization: Bearer ${mcp.accessToken}`,
    ]);
    expect(called.structuredContent).toMatchObject({ statusCode: 200, body: { id: tenantId } });
  });
});
