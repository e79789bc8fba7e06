import type { StepProtocolRequest } from '@tempo/contracts';
import { isSupportedProtocolVersion } from './protocol-v1.ts';

/**
 * Protocol v1 persistent mode (docs/protocol-v1-persistent.md): the host offers it with this
 * variable set to `1`; a child that speaks it answers with one ready line.
 */
export const PERSISTENT_PROTOCOL_VARIABLE = 'TEMPO_PERSISTENT_PROTOCOL';

/** The log levels a log frame may carry. */
const LOG_LEVELS: ReadonlySet<string> = new Set(['DEBUG', 'INFO', 'WARN', 'ERROR']);

/** One line a persistent child wrote on stdout, read. */
export type ChildFrame =
  | { readonly type: 'ready' }
  | { readonly type: 'log'; readonly level: string; readonly text: string }
  | { readonly type: 'result'; readonly result: unknown }
  | { readonly type: 'invalid'; readonly message: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one stdout line of a persistent child; anything but a known frame is `invalid`. */
export const parseChildFrame = (line: string): ChildFrame => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { type: 'invalid', message: 'a line is not a JSON document.' };
  }
  if (!isObject(value)) return { type: 'invalid', message: 'a line is not a JSON object.' };
  switch (value.type) {
    case 'ready':
      return value.mode === 'persistent' && isSupportedProtocolVersion(String(value.protocolVersion ?? ''))
        ? { type: 'ready' }
        : { type: 'invalid', message: 'the ready line names another mode or protocol version.' };
    case 'log': {
      // Stryker disable next-line StringLiteral: any text that is not a level is refused the same way.
      const level = typeof value.level === 'string' ? value.level.toUpperCase() : '';
      if (!LOG_LEVELS.has(level) || typeof value.text !== 'string')
        return { type: 'invalid', message: 'a log line has no known level or no text.' };
      return { type: 'log', level, text: value.text };
    }
    case 'result':
      return isObject(value.result)
        ? { type: 'result', result: value.result }
        : { type: 'invalid', message: 'a result line carries no StepResult object.' };
    default:
      return { type: 'invalid', message: `a line of unknown type '${String(value.type)}'.` };
  }
};

/** The invoke line of one invocation, `\n`-terminated; JSON escapes keep it on one line. */
export const invokeLine = (
  request: StepProtocolRequest,
  environment: Readonly<Record<string, string>>,
): string => `${JSON.stringify({ type: 'invoke', request, environment })}\n`;

/**
 * The run-log lines of one log frame in the v1 file format, `{ISO UTC} [{LEVEL}] {text}`, one
 * per line of its text; blank lines are dropped, as the shims drop them.
 */
export const runLogLines = (level: string, text: string, at: Date): string => {
  const stamp = at.toISOString();
  let lines = '';
  for (const line of text.split(/\r?\n/)) if (line.trim() !== '') lines += `${stamp} [${level}] ${line}\n`;
  return lines;
};
