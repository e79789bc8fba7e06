/** Structured logging with pino: console and rotating file, credentials redacted; bounded tail reads. */
export { createLogger, type Logger, type LoggerOptions, REDACTED_PATHS } from './create-logger.ts';
export { readTail, type TailReadOptions, type TailReadResult } from './tail-read.ts';
