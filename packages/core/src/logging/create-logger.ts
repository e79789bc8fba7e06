import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Logger, pino, type TransportTargetOptions } from 'pino';

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
 * Creates the structured logger of a service: JSON lines to standard output and to a file
 * under the log directory that rolls daily or at 10 MiB, keeping the last 10 files.
 */
export const createLogger = (options: LoggerOptions): Logger => {
  const targets: TransportTargetOptions[] = [];
  if (options.console) targets.push({ target: 'pino/file', options: { destination: 1 } });
  if (options.file) {
    mkdirSync(options.file.directory, { recursive: true, mode: 0o700 });
    targets.push({
      target: 'pino-roll',
      options: {
        file: join(options.file.directory, options.file.filename),
        frequency: 'daily',
        size: '10m',
        limit: { count: 10 },
        mkdir: true,
        // Owner-only whatever the umask: logs name users, tenants and requests.
        mode: 0o600,
      },
    });
  }
  const redact = { paths: [...REDACTED_PATHS], censor: '****' };
  const level = options.level ?? 'info';
  if (targets.length === 0) return pino({ name: options.name, level, enabled: false });
  return pino({ name: options.name, level, redact }, pino.transport({ targets }));
};

export type { Logger } from 'pino';
