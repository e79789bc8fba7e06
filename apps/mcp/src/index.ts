/** @tempo/mcp: the MCP server, a facade over the Tempo REST API for AI agents. */
export {
  applyInstall,
  InstallError,
  MCP_CLIENTS,
  type McpClientKind,
  type PlannedFile,
  planInstall,
} from './client-install.ts';
export { createMcpLog, type McpLog } from './mcp-log.ts';
export { type McpService, type McpServiceOptions, McpStartError, startMcpService } from './mcp-service.ts';
export {
  DEFAULT_MCP_SETTINGS_FILE,
  type LoadedMcpSettings,
  loadMcpSettings,
  MCP_ENV_NAMES,
  McpSettings,
  McpSettingsError,
  redactedSettings,
} from './mcp-settings.ts';
export { ToolEnvelope } from './tool-envelope.ts';
export { TOOL_CATALOG } from './tools/tool-catalog.ts';
