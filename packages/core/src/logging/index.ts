/** Structured logging with pino: console and rotating file, credentials redacted. */
export { createLogger, type Logger, type LoggerOptions, REDACTED_PATHS } from './create-logger.ts';
