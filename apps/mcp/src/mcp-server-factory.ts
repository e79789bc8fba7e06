import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { McpLog } from './mcp-log.ts';
import type { TempoGateway } from './tempo-gateway.ts';
import { toolResultOf } from './tool-envelope.ts';
import type { ToolEvents, ToolOutcome } from './tool-events.ts';
import { TOOL_CATALOG } from './tools/tool-catalog.ts';

/** What every MCP session shares: the way to Tempo, the event fan-out and the log. */
export interface McpServerDeps {
  readonly gateway: TempoGateway;
  readonly events: ToolEvents;
  readonly log: McpLog;
  readonly version: string;
  /**
   * One JSON Schema validator for every server object: each would otherwise build its own Ajv,
   * which made up most of the cost of a stateless HTTP request.
   */
  readonly schemaValidator: jsonSchemaValidator;
}

const INSTRUCTIONS = [
  'Tempo is a workflow automation platform: tenant-scoped data flows made of steps, started by triggers, executed as runs.',
  'Every tool answers with an envelope { statusCode, success, contentType, headers, body, text } from the Tempo REST API.',
  'Typical path: step_create_from_source -> flow_create (startStepId = the executionKey) -> trigger_create -> trigger_fire -> run_get / run_steps / run_logs_list.',
  'tenantId is optional on tenant-scoped tools when a default tenant is configured; tenant_list shows the tenants.',
].join(' ');

/** A new MCP server with every Tempo tool: one per session (or per stateless HTTP request). */
export const createMcpServer = (deps: McpServerDeps): McpServer => {
  const server = new McpServer(
    { name: 'tempo', title: 'Tempo', version: deps.version },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator: deps.schemaValidator },
  );
  for (const tool of TOOL_CATALOG) {
    server.registerTool(
      tool.name,
      {
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: { readOnlyHint: tool.readOnly, openWorldHint: false },
      },
      async (args) => {
        const started = performance.now();
        let outcome: ToolOutcome = 'error';
        let statusCode: number | null = null;
        try {
          const envelope = await tool.call(args, deps.gateway);
          statusCode = envelope.statusCode;
          outcome = envelope.success ? 'success' : 'failure';
          return toolResultOf(envelope);
        } finally {
          const durationMs = Math.round(performance.now() - started);
          deps.log.info({ tool: tool.name, outcome, statusCode, durationMs }, 'tool call');
          deps.events.publish({
            tool: tool.name,
            outcome,
            statusCode,
            durationMs,
            utc: new Date().toISOString(),
          });
        }
      },
    );
  }
  return server;
};
