import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { McpSettings } from './mcp-settings.ts';

/** The MCP clients `tempo mcp install` configures. */
export const MCP_CLIENTS = ['claude-code', 'cursor', 'codex'] as const;
export type McpClientKind = (typeof MCP_CLIENTS)[number];

/** One file an install writes: its path, what it holds now (null: absent) and what it will hold. */
export interface PlannedFile {
  readonly path: string;
  readonly before: string | null;
  readonly after: string;
}

/** What {@link planInstall} needs to know. */
export interface InstallContext {
  readonly client: McpClientKind;
  readonly settings: McpSettings;
  /** The settings file in use (absolute), or null when running on defaults and environment. */
  readonly settingsFile: string | null;
  /** The user's home folder, where clients keep their configuration. */
  readonly home: string;
  /** The `tempo` launcher script, for clients that start the server themselves over stdio. */
  readonly launcher: string;
}

/** A client configuration file that cannot be read as what it should be. */
export class InstallError extends Error {
  override readonly name = 'InstallError';
}

const readText = (path: string): string | null => (existsSync(path) ? readFileSync(path, 'utf8') : null);

const httpBase = (settings: McpSettings): string => {
  const { hostname, port } = settings.http;
  // A wildcard bind is reached on loopback from this machine.
  const host = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname;
  return `http://${host}:${port}`;
};

/** `path`'s JSON object with `mcpServers.tempo` set to `entry`; every other key is kept. */
const withMcpServer = (path: string, before: string | null, entry: Record<string, unknown>): string => {
  let config: Record<string, unknown> = {};
  if (before !== null && before.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(before);
    } catch (error) {
      throw new InstallError(
        `${path} is not valid JSON (${(error as Error).message}); fix it or move it away first.`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new InstallError(`${path} does not hold a JSON object; fix it or move it away first.`);
    config = parsed as Record<string, unknown>;
  }
  const servers = config.mcpServers;
  const kept = typeof servers === 'object' && servers !== null && !Array.isArray(servers) ? servers : {};
  return `${JSON.stringify({ ...config, mcpServers: { ...kept, tempo: entry } }, null, 2)}\n`;
};

/** A TOML basic string: JSON's escapes are valid TOML escapes. */
const tomlString = (value: string): string => JSON.stringify(value);

/** `before` with its `[mcp_servers.tempo]` table replaced by (or appended as) `table`. */
export const withTomlTable = (before: string | null, header: string, table: string): string => {
  const lines = (before ?? '').split('\n');
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('['))
      skipping = trimmed === header || trimmed.startsWith(`${header.slice(0, -1)}.`);
    if (!skipping) kept.push(line);
  }
  const head = kept.join('\n').replace(/\n+$/, '');
  return `${head === '' ? '' : `${head}\n\n`}${table}`;
};

const AGENT_PROMPT = `---
name: tempo
description: Builds, runs and troubleshoots Tempo workflows (steps, data flows, triggers, runs, artifacts, workers, logs) through the Tempo MCP server. Use it for any request about Tempo.
---

You operate a Tempo server through the \`tempo\` MCP tools. Every tool answers with an envelope
{ statusCode, success, contentType, headers, body, text } taken from the Tempo REST API.

- Start with \`tempo_me\` to see who you are and \`tenant_list\` to find the tenant (tenantId is
  optional when the MCP server has a default tenant).
- New logic: \`step_create_from_source\` (Python or JavaScript function \`run(request)\`, input in
  request data) -> \`flow_create\` (startStepId = the step's executionKey, transitions by key) ->
  \`trigger_create\` (configuration is a JSON string) -> \`trigger_fire\`.
- Follow a run with \`run_get\`, \`run_steps\`, \`run_activity\` and \`run_logs_list\` / \`run_logs_read\`;
  \`trigger_fire\` puts the run id in headers["x-run-id"].
- A 400 answer names the field to fix in body.details; 401/403 mean the configured credentials
  may not do that (read-only keys cannot change anything; worker and log tools need an administrator).
`;

/** The files one client's install writes, with their new content; nothing is written yet. */
export const planInstall = (context: InstallContext): PlannedFile[] => {
  const { client, settings, home } = context;
  const base = httpBase(settings);
  switch (client) {
    case 'claude-code': {
      const configPath = join(home, '.claude.json');
      const agentPath = join(home, '.claude', 'agents', 'tempo.md');
      const before = readText(configPath);
      return [
        {
          path: configPath,
          before,
          after: withMcpServer(configPath, before, { type: 'http', url: `${base}${settings.http.rpcPath}` }),
        },
        { path: agentPath, before: readText(agentPath), after: AGENT_PROMPT },
      ];
    }
    case 'cursor': {
      const path = join(home, '.cursor', 'mcp.json');
      const before = readText(path);
      return [
        { path, before, after: withMcpServer(path, before, { url: `${base}${settings.http.mcpPath}` }) },
      ];
    }
    case 'codex': {
      const path = join(home, '.codex', 'config.toml');
      const before = readText(path);
      // Codex starts the server itself over stdio; credentials stay in the settings file.
      const args = ['mcp', '--stdio', ...(context.settingsFile ? ['--config', context.settingsFile] : [])];
      if (!context.settingsFile) args.push('--server-url', settings.tempo.endpoint);
      const header = '[mcp_servers.tempo]';
      const table = [
        header,
        `command = ${tomlString(context.launcher)}`,
        `args = [${args.map(tomlString).join(', ')}]`,
        '',
      ].join('\n');
      return [{ path, before, after: withTomlTable(before, header, table) }];
    }
  }
};

/**
 * What the user must add by hand for a client that reaches the server over HTTP: the server
 * `./tempo up` starts (or any configured with `accessToken`) wants `Authorization: Bearer`, and
 * the install never copies a secret into a client's file. Null for clients started over stdio.
 */
export const accessTokenNote = (client: McpClientKind): string | null =>
  client === 'codex'
    ? null
    : `If the MCP server requires an access token (./tempo up's does: <data folder>/mcp-access-token; or accessToken / TEMPO_MCP_ACCESS_TOKEN), add the header "Authorization: Bearer <token>" to the tempo entry of ${client}'s configuration yourself: this install writes no secret.`;

/** Writes the planned files (folders created as needed). */
export const applyInstall = (files: readonly PlannedFile[]): void => {
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.after);
  }
};
