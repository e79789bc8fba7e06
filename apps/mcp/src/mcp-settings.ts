import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/** The default settings file, in the folder the MCP server starts in. */
export const DEFAULT_MCP_SETTINGS_FILE = 'tempo.mcp.json';

const Port = z.number().int().min(0).max(65535);
/** An optional value: absent, null and empty all mean "not configured". */
const OptionalText = z
  .string()
  .nullish()
  .transform((value) => (value ? value : null));

/** `tempo`: the Tempo server this MCP server is a client of, and how it authenticates. */
export const McpTempoSettings = z.strictObject({
  /** Base URL of the Tempo REST API; default `http://localhost:8901`. */
  endpoint: z.url().default('http://localhost:8901'),
  /** Time limit of each REST call in milliseconds; default 30000. */
  timeoutMs: z.number().int().min(1).max(3_600_000).default(30_000),
  /** Tenant of tenant-scoped tools called without `tenantId`; also sent as `x-tenant-id`. */
  defaultTenantId: OptionalText,
  /** Bearer token from `POST /v1.0/token`, sent as `x-token`. */
  token: OptionalText,
  /** Administrator API key, sent as `x-api-key`. */
  apiKey: OptionalText,
  /** Credential access key: `Authorization: Bearer` alone, `x-access-key` beside a token or API key. */
  accessKey: OptionalText,
});
export type McpTempoSettings = z.infer<typeof McpTempoSettings>;

/** `http`: JSON-RPC over HTTP POST, Streamable HTTP and the SSE event stream, on one listener. */
export const McpHttpSettings = z.strictObject({
  enabled: z.boolean().default(true),
  hostname: z.string().min(1).default('127.0.0.1'),
  /** Default 8910; 0 picks a free port. */
  port: Port.default(8910),
  /** Plain JSON-RPC (and stateless Streamable HTTP); default `/rpc`. */
  rpcPath: z.string().startsWith('/').default('/rpc'),
  /** Server-sent events of every tool call; default `/events`. */
  eventsPath: z.string().startsWith('/').default('/events'),
  /** Streamable HTTP as the MCP SDKs speak it; default `/mcp`. */
  mcpPath: z.string().startsWith('/').default('/mcp'),
});
export type McpHttpSettings = z.infer<typeof McpHttpSettings>;

/** `tcp`: newline-delimited JSON-RPC on a raw TCP socket. */
export const McpTcpSettings = z.strictObject({
  enabled: z.boolean().default(true),
  address: z.string().min(1).default('127.0.0.1'),
  /** Default 8911; 0 picks a free port. */
  port: Port.default(8911),
});
export type McpTcpSettings = z.infer<typeof McpTcpSettings>;

/** `webSocket`: one JSON-RPC message per text frame (subprotocol `mcp`). */
export const McpWebSocketSettings = z.strictObject({
  enabled: z.boolean().default(true),
  hostname: z.string().min(1).default('127.0.0.1'),
  /** Default 8912; 0 picks a free port. */
  port: Port.default(8912),
  path: z.string().startsWith('/').default('/mcp'),
});
export type McpWebSocketSettings = z.infer<typeof McpWebSocketSettings>;

/** `tempo.mcp.json`: the reference's shape (spec §1.3), plus `http.mcpPath` and `accessToken`. */
export const McpSettings = z.strictObject({
  softwareVersion: z.string().default('0.3.0'),
  /**
   * The secret every network transport requires of its callers (HTTP `Authorization: Bearer`,
   * the WebSocket upgrade, the first TCP line); null: callers are not asked for one. Its
   * characters must be valid in a `Sec-WebSocket-Protocol` entry.
   */
  accessToken: OptionalText.refine((value) => value === null || /^[A-Za-z0-9._~+-]+$/.test(value), {
    message: 'use letters, digits and . _ ~ + - only (it may travel in Sec-WebSocket-Protocol)',
  }),
  tempo: McpTempoSettings.default(McpTempoSettings.parse({})),
  http: McpHttpSettings.default(McpHttpSettings.parse({})),
  tcp: McpTcpSettings.default(McpTcpSettings.parse({})),
  webSocket: McpWebSocketSettings.default(McpWebSocketSettings.parse({})),
});
export type McpSettings = z.infer<typeof McpSettings>;

/** Settings that cannot be used: a missing named file, bad JSON, a bad value. */
export class McpSettingsError extends Error {
  override readonly name = 'McpSettingsError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** The environment overrides of spec §1.3, by variable name: `[section, key, kind]`. */
const OVERRIDES = {
  TEMPO_ENDPOINT: ['tempo', 'endpoint', 'string'],
  TEMPO_TOKEN: ['tempo', 'token', 'string'],
  TEMPO_API_KEY: ['tempo', 'apiKey', 'string'],
  TEMPO_ACCESS_KEY: ['tempo', 'accessKey', 'string'],
  TEMPO_TENANT_ID: ['tempo', 'defaultTenantId', 'string'],
  TEMPO_MCP_ACCESS_TOKEN: [null, 'accessToken', 'string'],
  TEMPO_MCP_HTTP_HOSTNAME: ['http', 'hostname', 'string'],
  TEMPO_MCP_HTTP_PORT: ['http', 'port', 'port'],
  TEMPO_MCP_TCP_ADDRESS: ['tcp', 'address', 'string'],
  TEMPO_MCP_TCP_PORT: ['tcp', 'port', 'port'],
  TEMPO_MCP_WS_HOSTNAME: ['webSocket', 'hostname', 'string'],
  TEMPO_MCP_WS_PORT: ['webSocket', 'port', 'port'],
} as const satisfies Record<string, readonly [string | null, string, 'string' | 'port']>;

/** The variables that override MCP settings. */
export const MCP_ENV_NAMES: readonly string[] = Object.keys(OVERRIDES);

/** `raw` with every set environment override applied: the environment wins over the file. */
const withEnvironment = (raw: Record<string, unknown>, env: Env): Record<string, unknown> => {
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    merged[key] = typeof value === 'object' && value !== null ? { ...value } : value;
  }
  for (const [name, [section, key, kind]] of Object.entries(OVERRIDES)) {
    const text = env[name]?.trim();
    if (!text) continue;
    let value: string | number = text;
    if (kind === 'port') {
      value = Number(text);
      if (!Number.isInteger(value) || value < 0 || value > 65535)
        throw new McpSettingsError(`environment variable ${name}: "${text}" is not a port number.`);
    }
    if (section === null) merged[key] = value;
    else merged[section] = { ...(merged[section] as Record<string, unknown> | undefined), [key]: value };
  }
  return merged;
};

/** Where the settings came from, and what they are. */
export interface LoadedMcpSettings {
  readonly settings: McpSettings;
  /** The file read, or null when none existed (defaults and environment only). */
  readonly filePath: string | null;
}

/** Options of {@link loadMcpSettings}. */
export interface LoadMcpSettingsOptions {
  /** `--config FILE`: must exist. Absent: `./tempo.mcp.json` when it exists, else defaults. */
  readonly configFile?: string | undefined;
  readonly env: Env;
  readonly cwd: string;
}

/** Whether the settings hold a credential for Tempo: anyone who reaches the MCP server acts with it. */
export const holdsTempoCredentials = (settings: McpSettings): boolean =>
  settings.tempo.token !== null || settings.tempo.apiKey !== null || settings.tempo.accessKey !== null;

/** Reads `tempo.mcp.json` (when there is one), applies the environment and validates the result. */
export const loadMcpSettings = (options: LoadMcpSettingsOptions): LoadedMcpSettings => {
  const path = resolve(options.cwd, options.configFile ?? DEFAULT_MCP_SETTINGS_FILE);
  let raw: unknown = {};
  const exists = existsSync(path);
  if (!exists && options.configFile !== undefined)
    throw new McpSettingsError(`settings file ${path} does not exist.`);
  if (exists) {
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new McpSettingsError(`settings file ${path} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new McpSettingsError(`settings file ${path} must hold a JSON object.`);
  }
  const parsed = McpSettings.safeParse(withEnvironment(raw as Record<string, unknown>, options.env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new McpSettingsError(
      `settings ${exists ? path : '(defaults)'} are not usable: ${problems.join('; ')}`,
    );
  }
  return { settings: parsed.data, filePath: exists ? path : null };
};

/** The settings with every secret replaced by `****`: what `--showconfig` and logs may print. */
export const redactedSettings = (settings: McpSettings): McpSettings => {
  const mask = (value: string | null) => (value === null ? null : '****');
  const { tempo } = settings;
  return {
    ...settings,
    accessToken: mask(settings.accessToken),
    tempo: {
      ...tempo,
      token: mask(tempo.token),
      apiKey: mask(tempo.apiKey),
      accessKey: mask(tempo.accessKey),
    },
  };
};
