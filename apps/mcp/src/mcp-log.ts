/** Fields of one log line; never arguments or credentials of a tool call. */
export type LogFields = Readonly<Record<string, string | number | boolean | null>>;

/** The MCP server's structured log: one JSON object per line on stderr (stdout may carry stdio MCP). */
export interface McpLog {
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

/** A log writing JSON lines to `write` (default: stderr). */
export const createMcpLog = (
  write: (line: string) => void = (line) => process.stderr.write(line),
): McpLog => {
  const at = (level: 'info' | 'warn' | 'error') => (fields: LogFields, message: string) =>
    write(
      `${JSON.stringify({ level, time: new Date().toISOString(), name: 'tempo-mcp', ...fields, msg: message })}\n`,
    );
  return { info: at('info'), warn: at('warn'), error: at('error') };
};
