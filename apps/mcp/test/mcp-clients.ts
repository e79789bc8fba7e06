import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { McpProcess } from './mcp-process.ts';

/** Every tool of the catalog (spec §1.6), as `tools/list` must show them. */
export const CATALOG_TOOL_NAMES = [
  'tempo_health',
  'tempo_me',
  'tempo_settings_meta',
  'tempo_request',
  'listWorkers',
  'readWorker',
  'drainWorker',
  'resumeWorker',
  'blockWorker',
  'unblockWorker',
  'listLogSources',
  'listLogFiles',
  'readLogFile',
  'downloadLogFile',
  'deleteLogFile',
  'tenant_list',
  'tenant_get',
  'step_list',
  'step_get',
  'step_create',
  'step_update',
  'step_registered',
  'step_create_from_source',
  'flow_list',
  'flow_get',
  'flow_create',
  'flow_update',
  'flow_enqueue_run',
  'trigger_list',
  'trigger_get',
  'trigger_create',
  'trigger_update',
  'trigger_fire',
  'artifact_list',
  'artifact_get',
  'artifact_create',
  'artifact_update',
  'artifact_files',
  'artifact_file_read',
  'artifact_file_save',
  'run_list',
  'run_get',
  'run_steps',
  'run_activity',
  'run_logs_list',
  'run_logs_read',
  'run_logs_download',
  'run_logs_delete',
  'run_logs_delete_all',
  'runtime_list',
  'runtime_get',
  'runtime_external_execution',
] as const;

/** The tool envelope as a test reads it. */
export interface Envelope {
  readonly statusCode: number;
  readonly success: boolean;
  readonly contentType: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly text: string | null;
}

/** The answer of one tool call: the envelope, or the text of a tool error without one. */
export interface ToolAnswer {
  readonly isError: boolean;
  readonly envelope: Envelope | null;
  /** The first text content (the envelope as JSON, or the error message). */
  readonly text: string;
}

/** An SDK client connected over `transport`. */
export const connectClient = async (transport: Transport): Promise<Client> => {
  const client = new Client({ name: 'tempo-mcp-tests', version: '1.0.0' });
  await client.connect(transport);
  return client;
};

/** Calls a tool and returns what came back. */
export const callTool = async (
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolAnswer> => {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text?: string }[];
  return {
    isError: result.isError === true,
    envelope: (result.structuredContent as Envelope | undefined) ?? null,
    text: content.find((item) => item.type === 'text')?.text ?? '',
  };
};

/** Calls a tool that must succeed, and returns the envelope's body. */
export const okBody = async <T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> => {
  const answer = await callTool(client, name, args);
  expect(answer.isError, `${name}: ${answer.text.slice(0, 800)}`).toBe(false);
  expect(answer.envelope?.success).toBe(true);
  return answer.envelope?.body as T;
};

/** The tool names a client sees. */
export const listedToolNames = async (client: Client): Promise<string[]> =>
  (await client.listTools()).tools.map((tool) => tool.name);

/** The SDK's Streamable HTTP client transport to `path` of `mcp`, bringing its access token. */
export const httpTransport = (mcp: McpProcess, path: '/mcp' | '/rpc'): StreamableHTTPClientTransport =>
  new StreamableHTTPClientTransport(new URL(`${mcp.httpBase}${path}`), {
    requestInit: { headers: { ...mcp.authHeaders } },
  });

/**
 * A WebSocket client transport that offers the access token as a `tempo-token.<token>`
 * subprotocol beside `mcp`, as a client that cannot set headers does (the SDK's own
 * `WebSocketClientTransport` offers `mcp` alone).
 */
export class TokenWebSocketClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  #socket: WebSocket | null = null;
  readonly #url: string;
  readonly #protocols: string[];

  constructor(url: string, accessToken: string) {
    this.#url = url;
    this.#protocols = ['mcp', `tempo-token.${accessToken}`];
  }

  start(): Promise<void> {
    const socket = new WebSocket(this.#url, this.#protocols);
    this.#socket = socket;
    socket.on('message', (data) => {
      const parsed = JSONRPCMessageSchema.safeParse(JSON.parse(data.toString()));
      if (parsed.success) this.onmessage?.(parsed.data);
      else this.onerror?.(new Error('not a JSON-RPC message'));
    });
    socket.on('close', () => this.onclose?.());
    return new Promise((resolveOpen, reject) => {
      socket.once('open', () => {
        expect(socket.protocol).toBe('mcp');
        resolveOpen();
      });
      socket.once('error', reject);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.#socket?.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    this.#socket?.close();
  }
}
