import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Logger, pino, type StreamEntry } from 'pino';
import { openRollingFile } from './rolling-file.ts';

/** Where a service logs. */
export interface LoggerOptions {
  /** Service name, the `name` field of every line. */
  readonly name: string;
  /** Minimum level; default `info`. */
  readonly level?: string;
  /** Also log to standard output. */
  readonly console: boolean;
  /** Rotating log file, or null for none. */
  readonly file: { readonly directory: string; readonly filename: string } | null;
}

/**
 * Header, field and property names whose values never reach a log line: credentials of every
 * kind Tempo accepts, wherever they appear in a logged object.
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-token"]',
  'req.headers["x-api-key"]',
  'req.headers["x-access-key"]',
  'req.headers["x-secret-key"]',
  'req.headers["x-password"]',
  'req.headers["x-worker-token"]',
  'req.headers.cookie',
  '*.password',
  '*.passwordSha256',
  '*.passwordHash',
  '*.token',
  '*.accessKey',
  '*.secretKey',
  '*.adminApiKey',
  '*.signingKey',
  '*.credentialHashKey',
  'password',
  'token',
  'accessKey',
  'secretKey',
];

/**
 * Most log text held in memory per destination while it cannot keep up (a standard output that
 * nobody reads, a stalled disk); lines past it are dropped rather than growing the server.
 */
export const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;

/**
 * Creates the structured logger of a service: JSON lines to standard output and to a file
 * under the log directory that rolls daily or at 10 MiB, keeping the last 10 files. Both are
 * written from this thread through asynchronous buffered streams: a transport worker thread
 * would cost its own V8 instance (tens of MiB and start-up time) to move a few writes.
 */
export const createLogger = (options: LoggerOptions): Logger => {
  const streams: StreamEntry[] = [];
  if (options.console)
    streams.push({ stream: pino.destination({ dest: 1, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES }) });
  if (options.file) {
    mkdirSync(options.file.directory, { recursive: true, mode: 0o700 });
    streams.push({
      stream: openRollingFile({
        file: join(options.file.directory, options.file.filename),
        maxBytes: 10 * 1024 * 1024,
        keep: 10,
        maxBufferedBytes: MAX_BUFFERED_LOG_BYTES,
        // Owner-only whatever the umask: logs name users, tenants and requests.
        mode: 0o600,
      }),
    });
  }
  const redact = { paths: [...REDACTED_PATHS], censor: '****' };
  const level = options.level ?? 'info';
  if (streams.length === 0) return pino({ name: options.name, level, enabled: false });
  return pino({ name: options.name, level, redact }, pino.multistream(streams));
};

export type { Logger } from 'pino';
